#!/usr/bin/env python3
"""Print an auth token of the test server for a userpass identity, as a
caller that brings its own token would have it (tests/config,
tests/firmware). Talks to the server directly, verifying its CA.

    userpass_token.py <server.env> [account [user [password]]]

Defaults: the signer account of the test harness (signer/signer/signerpw).
"""
import ssl
import sys
import urllib.request


def server_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, sep, value = line.strip().partition("=")
            if sep:
                env[name] = value.strip("'\"")
    return env


def main():
    env = server_env(sys.argv[1])
    given = sys.argv[2:5]
    account, user, password = given + ["signer", "signer", "signerpw"][len(given):]
    req = urllib.request.Request(env["RUCIO_TEST_URL"] + "/auth/userpass", headers={
        "X-Rucio-Account": account, "X-Rucio-Username": user,
        "X-Rucio-Password": password})
    ctx = ssl.create_default_context(cafile=env["RUCIO_TEST_CA"])
    with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
        token = r.headers["X-Rucio-Auth-Token"]
    if not token:
        sys.exit("userpass_token.py: the server sent no token")
    print(token)


if __name__ == "__main__":
    main()
