#!/usr/bin/env python3
"""Driver of the hostile-server suite (Python 3 stdlib only).

Starts tests/hostile/server.py (and, for the renegotiation case,
`openssl s_server`), runs the real CLI against every case with -T
(HOSTILE_TIMEOUT, default 3 s), a few cases at a time (HOSTILE_JOBS,
default 4), and checks for each: exit code, error class (the first word
of the error line on stderr, before ':'), elapsed time within -T + 2 s
(or the case's own bound), peak RSS of the CLI (ru_maxrss from wait4 in
the small C program maxrss.c; bound HOSTILE_RSS_KIB, default 16384) and
that what the CLI prints is UTF-8 without a raw control character. Cases
add checks on what the servers saw.

Prints `PASS <case>` or `FAIL <case>: <why>` per case, in table order,
then `hostile: N passed, N failed`; exit 1 if any failed. HOSTILE_ONLY
is a regular expression: only the cases whose names match run.
HOSTILE_VERBOSE=1 prints what the client did for passing cases too.
Each case's files stay in <work>/cases/<case>/.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

SIGNED_URL = b"https://s3.example.org/bucket/key?X-Amz-Signature=feedface"
SCE = "ServerConnectionException"
RE = "RucioException"
SIGNURL = ["signurl", "--rse", "SITE", "--svc", "s3", "--op", "read",
           "https://s3.example.org/bucket/key"]
COMMANDS = {"signurl": SIGNURL, "whoami": ["whoami"], "ping": ["ping"]}
TOKEN = "root-hostile-bearer-0123456789abcdef"
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


def env_number(name, default):
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return float(default)


TIMEOUT_S = env_number("HOSTILE_TIMEOUT", 3)
SLACK_S = 2.0
RSS_KIB = int(env_number("HOSTILE_RSS_KIB", 16384))
KILL_S = env_number("HOSTILE_KILL_S", TIMEOUT_S + SLACK_S + 2)
JOBS = max(1, int(env_number("HOSTILE_JOBS", 4)))
# Set when the suite is interrupted: running clients are stopped at once.
ABORT = threading.Event()


# ---- cases ------------------------------------------------------------------

class Case:
    """One misbehaviour and what the client must do about it.

    rc: allowed exit codes; classes: allowed error classes (None for a
    success); checks: functions (run) -> message of a failure or None;
    host: which listener rucio_host points to; auth: token (oidc
    BEARER_TOKEN), userpass or ssh."""

    def __init__(self, name, rc, classes=None, cmd="signurl", auth="token",
                 host="main", checks=(), bound=None, what=""):
        self.name = name
        self.rc = {rc} if isinstance(rc, int) else set(rc)
        self.classes = {classes} if isinstance(classes, str) else classes
        self.cmd = cmd
        self.auth = auth
        self.host = host
        self.checks = list(checks)
        self.bound = bound if bound is not None else TIMEOUT_S + SLACK_S
        self.what = what


# -- checks on what the servers saw

def calls(path, want):
    """The main server saw `want` requests (an int, or (lo, hi)) whose
    path starts with `path`."""
    lo, hi = (want, want) if isinstance(want, int) else want

    def check(run):
        n = sum(1 for e in run.events if e.get("kind") == "request" and
                e.get("path", "").startswith(path))
        if not lo <= n <= hi:
            return "server saw %d request(s) for %s, expected %s" % (
                n, path, want)
        return None
    return check


def nothing_at(listener):
    """The capture listener was not contacted (and got no credential)."""
    def check(run):
        seen = [e for e in run.capture.get(listener, [])]
        creds = sorted({c for e in seen for c in e.get("creds", [])})
        if creds:
            return "CREDENTIAL LEAK: %s received %s" % (listener,
                                                        ", ".join(creds))
        if seen:
            return "%s was contacted (%d event(s)): the redirect was " \
                   "followed" % (listener, len(seen))
        return None
    return check


def names_target(listener, host):
    """The error names host:port of the refused target, not its path or
    query."""
    def check(run):
        err = run.stderr.decode("utf-8", "replace")
        target = "%s:%d" % (host, run.ports[listener])
        if target not in err:
            return "message does not name %s" % target
        if "secret-path" in err or "secret-query" in err:
            return "message shows the target's path or query"
        return None
    return check


def connections(listener, want):
    """The listener counted `want` connections."""
    def check(run):
        n = sum(1 for e in run.capture.get(listener, [])
                if e.get("kind") == "connect")
        if n != want:
            return "%s saw %d connection(s), expected %d" % (listener, n,
                                                              want)
        return None
    return check


def escaped_esc(run):
    if b"\\x1b" not in run.stderr:
        return "stderr does not show ESC escaped as \\x1b"
    return None


def escaped_esc_stdout(run):
    if b"\\x1b" not in run.stdout:
        return "stdout does not show ESC escaped as \\x1b"
    return None


def token_never_cut(run):
    """The call never carried a shortened token."""
    seen = [e["intact"] for e in run.events if e.get("kind") == "token"]
    if False in seen:
        return "a call carried a cut token"
    return None


def no_output(run):
    if run.stdout.strip():
        return "printed %r on stdout" % run.stdout[:80]
    return None


def prints_url(run):
    if run.stdout.strip() != SIGNED_URL:
        return "stdout is %r, not the signed URL" % run.stdout[:80]
    return None


def sent_at_most(limit):
    def check(run):
        sent = [e["bytes"] for e in run.events if e.get("kind") == "sent"]
        if not sent:
            return "server logged no byte count"
        if max(sent) > limit:
            return "server sent %d bytes before the client stopped " \
                   "(limit %d)" % (max(sent), limit)
        return None
    return check


def renegotiation_refused(run):
    log = run.extra.get("s_server", "")
    if "HelloRequest" not in log:
        return "harness: s_server sent no HelloRequest"
    hellos = log.count("ClientHello")
    if hellos != 1:
        return "client sent %d ClientHello(s): it renegotiated" % hellos
    return None


def cases():
    """The table. Expectations follow the error contract of issue 8."""
    auth_calls = "auth/userpass"
    sign = "credentials/signurl"
    return [
        # controls: a broken harness fails these, a fixed client passes all
        Case("control", 0, checks=[prints_url, calls(sign, 1)],
             what="a good answer"),
        Case("control-whoami", 0, cmd="whoami",
             checks=[calls("accounts/", 2)],
             what="same-origin relative 303, as Rucio does"),
        Case("control-userpass", 0, auth="userpass",
             checks=[prints_url, calls(auth_calls, 1)],
             what="userpass login, then the call"),
        # stalls and drips: the deadline ends them
        Case("stall-before-headers", 5, SCE, checks=[calls(sign, 1)]),
        Case("stall-in-headers", 5, SCE, checks=[calls(sign, 1)]),
        Case("stall-after-headers", 5, SCE, checks=[calls(sign, 1)]),
        Case("stall-mid-body", 5, SCE, checks=[calls(sign, 1)]),
        Case("drip-headers", 5, SCE, checks=[calls(sign, 1)],
             what="one header line every 0.5 s, for ever"),
        Case("drip-body", 5, SCE, checks=[calls(sign, 1)],
             what="one body byte every 0.5 s of a 1 MB body"),
        Case("auth-stall", 5, SCE, auth="userpass",
             checks=[calls(auth_calls, 1), calls(sign, 0)],
             what="the login never answers"),
        # sizes
        Case("header-line-1mb", 4, RE, checks=[calls(sign, 1)]),
        Case("headers-10000", 4, RE, checks=[calls(sign, 1)]),
        Case("body-100mb", 4, RE,
             checks=[calls(sign, 1), sent_at_most(50 << 20)],
             what="Content-Length 100 MB for a signed URL"),
        Case("body-100mb-chunked", 4, RE,
             checks=[calls(sign, 1), sent_at_most(50 << 20)]),
        Case("error-body-endless", 4, RE,
             checks=[calls(sign, 1)],
             what="500 with an endless chunked body"),
        # framing
        Case("cl-negative", 4, RE, checks=[calls(sign, 1)]),
        Case("cl-overflow", 4, RE, checks=[calls(sign, 1)]),
        Case("cl-conflict", 4, RE, checks=[calls(sign, 1)],
             what="two Content-Length headers that differ"),
        Case("chunk-size-bad", 4, RE, checks=[calls(sign, 1)]),
        Case("chunk-size-overflow", 4, RE, checks=[calls(sign, 1)]),
        Case("chunk-extensions", 0, checks=[prints_url]),
        Case("te-mixed-case", 0, checks=[prints_url],
             what="transfer-ENCODING: Chunked (names and codings are "
                  "case-insensitive)"),
        Case("tiny-records", 0, checks=[prints_url],
             what="a good answer, one byte per TLS record"),
        Case("cl-plus-sign", 4, RE, checks=[calls(sign, 1)],
             what="Content-Length: +58"),
        Case("chunk-trailers", 0, checks=[prints_url]),
        Case("chunk-missing-crlf", 4, RE, checks=[calls(sign, 1)],
             what="chunk data not followed by CRLF"),
        Case("chunk-no-final-crlf", 5, SCE, checks=[calls(sign, 1)],
             what="'0\\r\\n' then the connection closes"),
        Case("cl-and-te", 4, RE, checks=[calls(sign, 1)]),
        Case("bad-status-line", 4, RE, checks=[calls(sign, 1)]),
        Case("http10-close", 0, checks=[prints_url],
             what="HTTP/1.0, no length, body until close_notify"),
        Case("http10-open", 5, SCE, checks=[calls(sign, 1)],
             what="HTTP/1.0, no length, never closes"),
        Case("endless-100", 4, RE, checks=[calls(sign, 1)]),
        Case("interim-3", 0, checks=[prints_url],
             what="two 100 Continue and a 103 before the 200"),
        # redirects
        Case("redirect-loop", 4, RE, checks=[calls(sign, 6)],
             what="302 to itself: the first and 5 redirects, then refused"),
        Case("redirect-chain-5", 0, checks=[prints_url, calls("hop/", 5)],
             what="five same-origin 302s, then the answer"),
        Case("redirect-other-host", 4, RE,
             checks=[nothing_at("cap-host"),
                     names_target("cap-host", "127.0.0.2")]),
        Case("redirect-other-port", 4, RE,
             checks=[nothing_at("cap-port"),
                     names_target("cap-port", "127.0.0.1")]),
        Case("redirect-http", 4, RE,
             checks=[nothing_at("cap-http"),
                     names_target("cap-http", "127.0.0.1")]),
        # RFC 3986: a scheme is case-insensitive and "//host" is a
        # network-path reference; both name another host, so the contract
        # asks for a refusal that names it.
        Case("redirect-upper-scheme", 4, RE,
             checks=[nothing_at("cap-upper"),
                     names_target("cap-upper", "127.0.0.2")],
             what="Location: HTTPS://127.0.0.2:<port>/..."),
        Case("redirect-scheme-relative", 4, RE,
             checks=[nothing_at("cap-relative"),
                     names_target("cap-relative", "127.0.0.2")],
             what="Location: //127.0.0.2:<port>/..."),
        Case("redirect-userinfo", 4, RE,
             checks=[nothing_at("cap-userinfo")],
             what="Location: https://127.0.0.1:<ours>@127.0.0.2:<port>/"),
        Case("redirect-backslash", 4, RE,
             checks=[nothing_at("cap-backslash")],
             what="Location: https://127.0.0.1:<ours>\\@127.0.0.2:<port>/"),
        Case("redirect-two-locations", {0, 4}, {None, RE},
             checks=[nothing_at("cap-twoloc")],
             what="two Location headers: same origin, then another host"),
        Case("redirect-localhost-alias", 4, RE, checks=[calls("ok", 0)],
             what="to https://localhost:<same port>: another host name"),
        Case("redirect-absolute-same-origin", 0,
             checks=[prints_url, calls("ok", 1)]),
        Case("redirect-slow", 5, SCE, checks=[calls(sign, (2, 4))],
             what="a 302 to itself every 1.0 s: only the deadline ends it"),
        Case("redirect-auth-same-host", 4, RE, auth="userpass",
             checks=[calls("auth/userpass-moved", 0), calls(sign, 0)],
             what="userpass login answered by a same-origin 302"),
        Case("redirect-auth-other-host", 4, RE, auth="userpass",
             checks=[nothing_at("cap-auth"), calls(sign, 0)]),
        Case("redirect-ssh-other-host", 4, RE, auth="ssh",
             checks=[nothing_at("cap-ssh"), calls(sign, 0)],
             what="/auth/ssh (with the signature) answered by a 302"),
        # statuses and retries
        Case("unauthorized-loop", 3, "CannotAuthenticate", auth="userpass",
             checks=[calls(auth_calls, 2), calls(sign, 2)],
             what="every call 401: one re-authentication, then exit 3"),
        Case("retry-after-huge", {4, 5}, {"ServiceUnavailable", SCE},
             checks=[calls(sign, (1, 3))],
             what="503, Retry-After: 99999999999"),
        Case("retry-after-negative", 4, "ServiceUnavailable",
             checks=[calls(sign, 3)], what="503, Retry-After: -30"),
        Case("retry-503-slow", {4, 5}, {"ServiceUnavailable", SCE},
             checks=[calls(sign, (1, 3))],
             what="503 after 1.2 s each time: the deadline cuts the retries"),
        Case("auth-no-token", 3, "CannotAuthenticate", auth="userpass",
             checks=[calls(auth_calls, 1), calls(sign, 0)],
             what="the login answers 200 without a token"),
        Case("auth-token-4000", 0, auth="userpass",
             checks=[prints_url, token_never_cut, calls(sign, 1)],
             what="a 4000-character token (the client holds 4095)"),
        Case("auth-token-5000", {3, 4}, {"CannotAuthenticate", RE},
             auth="userpass", checks=[token_never_cut],
             what="a 5000-character token: refused, never cut"),
        Case("auth-slow-call-stall", 5, SCE, auth="userpass",
             checks=[calls(auth_calls, 1), calls(sign, (0, 1))],
             what="a 2.5 s login, then a stall: the deadline covers both"),
        Case("no-retry-500", 4, "DatabaseException", checks=[calls(sign, 1)]),
        Case("reset-before-response", 5, SCE, checks=[calls(sign, 3)],
             what="RST after the request: retried, 3 attempts"),
        # connection ends mid-body: never retried
        Case("tls-alert-mid-body", 5, SCE, checks=[calls(sign, 1)],
             what="a plaintext fatal alert record mid-body"),
        Case("close-notify-mid-body", 5, SCE, checks=[calls(sign, 1)]),
        Case("close-mid-body", 5, SCE, checks=[calls(sign, 1)]),
        Case("reset-mid-body", 5, SCE, checks=[calls(sign, 1)]),
        Case("garbage-not-tls", 5, SCE, host="garbage"),
        Case("stall-handshake", 5, SCE, host="stall-tls",
             what="the ClientHello is never answered"),
        Case("hangup-before-tls", 5, SCE, host="hangup",
             checks=[connections("hangup", 3)],
             what="every connection closed at once: 3 attempts"),
        Case("renegotiation", 5, SCE, host="renego",
             checks=[renegotiation_refused],
             what="openssl s_server sends a TLS 1.2 HelloRequest"),
        # server text reaching the terminal
        Case("json-control-chars", 4, "RSENotFound", checks=[escaped_esc],
             what="ESC and BEL in the JSON ExceptionMessage"),
        Case("json-nul", 4, {"RSENotFound", RE},
             what="NUL and ESC in the JSON ExceptionMessage"),
        Case("header-control-chars", 4, {"RSENotFound", RE},
             what="ESC and BEL in the ExceptionMessage header"),
        Case("signurl-control-chars", 4, RE, checks=[no_output],
             what="ESC and BEL in the signed URL"),
        Case("signurl-nul", 4, RE, checks=[no_output],
             what="NUL in the signed URL"),
        Case("ping-control-chars", 0, cmd="ping",
             checks=[escaped_esc_stdout],
             what="ESC and BEL in the version ping prints"),
        Case("whoami-control-chars", 0, cmd="whoami",
             checks=[escaped_esc_stdout],
             what="ESC, BEL and DEL in the account fields whoami prints"),
        Case("whoami-many-members", 4, RE, cmd="whoami",
             what="an account object with 500 members (fits the body buffer)"),
        Case("whoami-other-host", 4, RE, cmd="whoami",
             checks=[nothing_at("cap-whoami"),
                     names_target("cap-whoami", "127.0.0.2")],
             what="accounts/whoami answered 303 to another host"),
        Case("json-class-control", 4, None,
             what="ESC in the JSON ExceptionClass"),
        Case("json-deep", 4, {"RSENotFound", RE},
             what="100,000 nested JSON arrays as the error body"),
        Case("header-non-utf8", 4, {"RSENotFound", RE},
             what="bytes 0xff 0xfe 0xc3 in the ExceptionMessage header"),
    ]


# ---- running one case -------------------------------------------------------

class Run:
    """What the client did in one case."""

    def __init__(self):
        self.rc = None
        self.elapsed = 0.0
        self.rss_kib = 0
        self.killed = False
        self.stdout = b""
        self.stderr = b""
        self.events = []
        self.capture = {}
        self.ports = {}
        self.extra = {}

    def error_line(self):
        """The first stderr line that is not the CLI's own warning or log
        line ('rucio-lite: ...')."""
        for line in self.stderr.decode("utf-8", "replace").split("\n"):
            if line.strip() and not line.startswith("rucio-lite:"):
                return line
        return ""

    def error_class(self):
        name, sep, _ = self.error_line().partition(":")
        return name.strip() if sep and " " not in name.strip() else ""

    def summary(self):
        return "rc=%s class=%s elapsed=%.2fs rss=%dKiB error=%r" % (
            "killed" if self.killed else self.rc, self.error_class() or "-",
            self.elapsed, self.rss_kib, self.error_line()[:200])


def write_config(path, case, host_url, pki):
    lines = ["[client]",
             "rucio_host = %s" % host_url,
             "auth_host = %s" % host_url,
             "account = root",
             "ca_cert = %s" % pki["ca"]]
    if case.auth == "token":
        lines.append("auth_type = oidc")
    elif case.auth == "userpass":
        lines += ["auth_type = userpass", "username = hostile",
                  "password = hostile-password"]
    else:
        lines += ["auth_type = ssh", "ssh_private_key = %s" % pki["ssh_key"]]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def client_env(case, casedir):
    """Only what the case sets (and the sanitizers' options): nothing
    from the caller's Rucio settings."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": casedir, "TMPDIR": os.path.join(casedir, "tmp"),
           "LOGNAME": "hostile", "LANG": "C"}
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    if case.auth == "token":
        env["BEARER_TOKEN"] = TOKEN
    return env


def stop_meter(pid):
    """SIGTERM to maxrss, which kills and reaps the CLI; SIGKILL to the
    whole group if that takes more than 2 s. The wait status."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        done, status, _ = os.wait4(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    os.killpg(pid, signal.SIGKILL)
    return os.wait4(pid, 0)[1]


def run_client(argv, env, casedir, run):
    """Run the CLI under maxrss (argv[0:2]): elapsed wall time here, exit
    code and peak RSS from maxrss's report."""
    out = open(os.path.join(casedir, "stdout"), "wb")
    err = open(os.path.join(casedir, "stderr"), "wb")
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                            stderr=err, env=env, cwd=casedir,
                            start_new_session=True)
    while True:
        pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > KILL_S or ABORT.is_set():
            run.killed = True
            status = stop_meter(proc.pid)
            break
        time.sleep(0.01)
    run.elapsed = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    run.rc = proc.returncode
    report = read_text(os.path.join(casedir, "maxrss"))
    m = re.search(r"maxrss_kib=(\d+)", report)
    run.rss_kib = int(m.group(1)) if m else 0
    if not run.killed and not m:
        run.rss_kib = -1
    out.close()
    err.close()
    with open(os.path.join(casedir, "stdout"), "rb") as f:
        run.stdout = f.read()
    with open(os.path.join(casedir, "stderr"), "rb") as f:
        run.stderr = f.read()


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def judge(case, run):
    """The reasons the case failed; empty if it passed."""
    why = []
    if run.killed:
        why.append("hung: killed after %.0f s" % KILL_S)
    elif run.rc not in case.rc:
        why.append("exit %s, expected %s" % (run.rc, "/".join(
            str(r) for r in sorted(case.rc))))
    got = run.error_class() or None
    if case.classes and got not in case.classes:
        why.append("class %r, expected %s" % (got, "/".join(
            sorted(str(c) for c in case.classes))))
    if run.elapsed > case.bound:
        why.append("took %.2f s, bound %.1f s" % (run.elapsed, case.bound))
    if run.rss_kib < 0:
        why.append("harness: maxrss wrote no report")
    if run.rss_kib > RSS_KIB:
        why.append("peak RSS %d KiB > %d KiB" % (run.rss_kib, RSS_KIB))
    for name, data in (("stderr", run.stderr), ("stdout", run.stdout)):
        m = CONTROL.search(data)
        if m:
            why.append("raw control byte 0x%02x on %s" % (m.group()[0], name))
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            why.append("%s is not valid UTF-8 (byte 0x%02x)" % (
                name, data[exc.start]))
    for check in case.checks:
        msg = check(run)
        if msg:
            why.append(msg)
    return why


# ---- the servers ------------------------------------------------------------

class Servers:
    def __init__(self, here, work, pki):
        self.here = here
        self.work = work
        self.pki = pki
        self.events_path = os.path.join(work, "events.jsonl")
        self.proc = None
        self.ports = {}

    def start(self):
        port_file = os.path.join(self.work, "ports.json")
        log = open(os.path.join(self.work, "server.log"), "wb")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(self.here, "server.py"),
             "--cert", self.pki["cert"], "--key", self.pki["key"],
             "--cap-cert", self.pki["cap_cert"],
             "--cap-key", self.pki["cap_key"],
             "--events", self.events_path, "--port-file", port_file],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        for _ in range(100):
            if os.path.exists(port_file):
                with open(port_file, encoding="utf-8") as f:
                    self.ports = json.load(f)
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def events(self):
        out = []
        try:
            with open(self.events_path, encoding="utf-8") as f:
                for line in f:
                    out.append(json.loads(line))
        except FileNotFoundError:
            pass
        return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Renegotiator:
    """openssl s_server limited to TLS 1.2 that sends a HelloRequest
    (its 'r' command) as soon as the handshake is done. Python's ssl
    module cannot ask for a renegotiation, so this one case uses the
    openssl tool."""

    def __init__(self, pki, casedir):
        self.port = free_port()
        self.log = []
        self.proc = subprocess.Popen(
            ["openssl", "s_server", "-accept", "127.0.0.1:%d" % self.port,
             "-cert", pki["cert"], "-key", pki["key"], "-tls1_2", "-msg",
             "-naccept", "1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, cwd=casedir)
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(
                "ACCEPT" in line for line in self.log):
            time.sleep(0.05)

    def read(self):
        asked = False
        for raw in self.proc.stdout:
            line = raw.decode("latin-1")
            self.log.append(line)
            if not asked and "CIPHER is" in line:
                asked = True
                try:
                    self.proc.stdin.write(b"r\n")
                    self.proc.stdin.flush()
                except OSError:
                    pass

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(2)
        return "".join(self.log)


# ---- the suite --------------------------------------------------------------

def run_case(case, args, servers, pki):
    casedir = os.path.join(args.work, "cases", case.name)
    os.makedirs(os.path.join(casedir, "tmp"), exist_ok=True)
    run = Run()
    run.ports = servers.ports
    reneg = None
    if case.host == "main":
        url = "https://127.0.0.1:%d/c/%s" % (servers.ports["main"], case.name)
    elif case.host in servers.ports:
        url = "https://127.0.0.1:%d" % servers.ports[case.host]
    else:
        reneg = Renegotiator(pki, casedir)
        url = "https://127.0.0.1:%d" % reneg.port
    cfg = os.path.join(casedir, "rucio.cfg")
    write_config(cfg, case, url, pki)
    argv = [args.maxrss, os.path.join(casedir, "maxrss"), args.cli,
            "-T", "%g" % TIMEOUT_S, "--config", cfg] + COMMANDS[case.cmd]
    try:
        run_client(argv, client_env(case, casedir), casedir, run)
    finally:
        if reneg:
            run.extra["s_server"] = reneg.stop()
            with open(os.path.join(casedir, "s_server.log"), "w",
                      encoding="utf-8") as f:
                f.write(run.extra["s_server"])
    time.sleep(0.3)     # let the server log what it saw after the client
    return run


def attach_events(runs, servers):
    everything = servers.events()
    for name, run in runs.items():
        run.events = [e for e in everything
                      if e.get("listener") == "main" and e.get("case") == name]
    # each listener but main serves exactly one case
    capture = {}
    for e in everything:
        if e.get("listener", "main") != "main":
            capture.setdefault(e["listener"], []).append(e)
    for run in runs.values():
        run.capture = capture


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--pki", required=True)
    ap.add_argument("--ssh-key", required=True)
    ap.add_argument("--maxrss", required=True, help="the compiled maxrss.c")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    pki = {"ca": os.path.join(args.pki, "ca.pem"),
           "cert": os.path.join(args.pki, "server.pem"),
           "key": os.path.join(args.pki, "server.key"),
           "cap_cert": os.path.join(args.pki, "cap.pem"),
           "cap_key": os.path.join(args.pki, "cap.key"),
           "ssh_key": args.ssh_key}

    only = re.compile(os.environ.get("HOSTILE_ONLY", ""))
    table = [c for c in cases() if only.search(c.name)]
    servers = Servers(here, args.work, pki)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if not servers.start():
            print("FAIL setup: the hostile server did not start (see %s)"
                  % os.path.join(args.work, "server.log"))
            print("hostile: 0 passed, 1 failed")
            return 1
        # the slowest cases first, so that the jobs finish together
        order = sorted(table, key=lambda c: c.rc != {5})
        pool = ThreadPoolExecutor(JOBS)
        try:
            futures = {c.name: pool.submit(run_case, c, args, servers, pki)
                       for c in order}
            runs = {name: f.result() for name, f in futures.items()}
        finally:
            ABORT.set()
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        servers.stop()
    attach_events(runs, servers)
    return report(table, runs, args.work)


def report(table, runs, work):
    passed = failed = 0
    verbose = os.environ.get("HOSTILE_VERBOSE") == "1"
    rows = []
    for case in table:
        run = runs[case.name]
        why = judge(case, run)
        if why:
            failed += 1
            print("FAIL %s: %s" % (case.name, "; ".join(why)))
            if case.what:
                print("        case: %s" % case.what)
            print("        %s" % run.summary())
        else:
            passed += 1
            print("PASS %s" % case.name)
            if verbose:
                print("        %s" % run.summary())
        rows.append({"case": case.name, "pass": not why, "why": why,
                     "rc": run.rc, "class": run.error_class(),
                     "elapsed": round(run.elapsed, 2), "rss_kib": run.rss_kib,
                     "killed": run.killed,
                     "stderr": run.stderr.decode("utf-8", "replace")[:300]})
    with open(os.path.join(work, "results.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1)
    print("hostile: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
