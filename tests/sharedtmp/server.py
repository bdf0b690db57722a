#!/usr/bin/env python3
"""A tiny plain-HTTP stand-in for the few Rucio paths the shared-/tmp
suite needs (tests/sharedtmp/run.sh), on 127.0.0.1 only.

  GET /auth/userpass     200 with a new X-Rucio-Auth-Token ("victim-tok-<n>")
                         when the user name and password match
  GET /accounts/whoami   the account of a known token as JSON, else 401

Every request is recorded, one line each, in the --log file:
  <path> <X-Rucio-Auth-Token or -> [<X-Rucio-Password or ->]
so the suite can assert what was (never) sent. The chosen port is written
to --port-file once the server accepts.
"""
import argparse
import email.utils
import http.server
import json
import os
import threading
import time

# Tokens the server accepts besides the ones it issues: the victim's own
# bearer token and the attacker's token (planted in the victim's cache).
KNOWN = {"victim-bearer-token": "victim", "attacker-own-token": "attacker"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep stderr quiet
        pass

    def record(self):
        token = self.headers.get("X-Rucio-Auth-Token", "-") or "-"
        password = self.headers.get("X-Rucio-Password", "-") or "-"
        with self.server.lock:
            with open(self.server.log_path, "a", encoding="utf-8") as f:
                f.write(f"{self.path} {token} {password}\n")
        return token

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def refuse(self, message):
        body = json.dumps({"ExceptionClass": "CannotAuthenticate",
                           "ExceptionMessage": message}).encode()
        self.answer(401, body, [("ExceptionClass", "CannotAuthenticate"),
                                ("ExceptionMessage", message)])

    def userpass(self):
        if (self.headers.get("X-Rucio-Username") != self.server.username or
                self.headers.get("X-Rucio-Password") != self.server.password):
            self.refuse("wrong user name or password")
            return
        with self.server.lock:
            self.server.issued += 1
            token = f"victim-tok-{self.server.issued}"
            self.server.tokens[token] = "victim"
        expires = email.utils.formatdate(time.time() + 3600, usegmt=True)
        self.answer(200, b"", [("X-Rucio-Auth-Token", token),
                               ("X-Rucio-Auth-Token-Expires", expires),
                               ("X-Rucio-Auth-Account", "victim")])

    def whoami(self, token):
        account = self.server.tokens.get(token)
        if account is None:
            self.refuse("unknown token")
            return
        body = json.dumps({
            "account": account, "account_type": "USER", "status": "ACTIVE",
            "email": None, "created_at": "2026-01-01T00:00:00",
            "updated_at": "2026-01-01T00:00:00", "suspended_at": None,
            "deleted_at": None}).encode()
        self.answer(200, body)

    def do_GET(self):
        token = self.record()
        path = self.path.split("?", 1)[0]
        if path == "/auth/userpass":
            self.userpass()
        elif path == "/accounts/whoami":
            self.whoami(token)
        elif path == "/ping":
            self.answer(200, b'{"version": "41.5.1"}')
        else:
            self.answer(404, b'{"ExceptionClass": "NotFound", '
                             b'"ExceptionMessage": "no such path"}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--username", required=True)
    ap.add_argument("--password", required=True)
    args = ap.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.log_path = args.log
    server.username = args.username
    server.password = args.password
    server.issued = 0
    server.tokens = dict(KNOWN)
    with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
