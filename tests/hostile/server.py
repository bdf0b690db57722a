#!/usr/bin/env python3
"""Hostile HTTPS server for the hostile-server suite (Python 3 stdlib only).

One process, several listeners on loopback, each on an ephemeral port:

  main        TLS on 127.0.0.1. The first path segments name the case:
              rucio_host = https://127.0.0.1:<port>/c/<case>, so the client
              asks for /c/<case>/credentials/signurl?..., /c/<case>/auth/...
              Each case misbehaves in its own way (CALL_CASES, AUTH_CASES);
              anything a case does not override is answered like Rucio.
  garbage     TCP on 127.0.0.1 that answers a ClientHello with plain text.
  stall-tls   TCP on 127.0.0.1 that takes the ClientHello and never answers.
  hangup      TCP on 127.0.0.1 that closes every connection at once.
  cap-*       capture listeners (CAPTURES): redirect targets that must never
              be contacted, one per case. TLS on 127.0.0.2 with a
              certificate valid for it (so a client that wrongly follows a
              redirect there really sends its request), TLS on 127.0.0.1
              at another port, or plain HTTP on 127.0.0.1.

The capture listeners log every connection and the names of the headers
they receive, then answer like a good server, so that a client that
follows a redirect there is seen to do so.

Events go to --events as JSON lines, one per event:
  {"listener": "main", "case": C, "kind": "request", "path": P,
   "creds": [header names that carry a credential]}
  {"listener": "main", "case": C, "kind": "sent", "bytes": N}
  {"listener": "cap-host", "kind": "connect"} ...
The listening ports go to --port-file as a JSON object once all accept.
The server exits when its parent is gone or after --max-seconds.
"""

import argparse
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
from email.utils import formatdate

SIGNED_URL = b"https://s3.example.org/bucket/key?X-Amz-Signature=feedface"
CRED_HEADERS = ("x-rucio-auth-token", "x-rucio-password",
                "x-rucio-ssh-signature", "authorization")
STALL_MAX_S = 60        # longest any case holds a connection
STREAM_MAX_S = 60       # longest any endless stream runs
HEAD_MAX = 65536        # a request head larger than this is not ours


class Events:
    """Thread-safe JSON-lines log read by the driver."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")

    def log(self, **fields):
        line = json.dumps(fields, sort_keys=True) + "\n"
        with self.lock:
            self.file.write(line)
            self.file.flush()


# ---- reading requests -------------------------------------------------------

class Request:
    def __init__(self, method, target, headers):
        self.method = method
        self.target = target
        self.headers = headers          # list of (lower-case name, value)

    def header(self, name):
        for n, v in self.headers:
            if n == name:
                return v
        return None

    def creds(self):
        return sorted({n for n, _ in self.headers if n in CRED_HEADERS})


def read_request(sock, buf):
    """One request head from sock; (Request or None, leftover bytes)."""
    while b"\r\n\r\n" not in buf:
        if len(buf) > HEAD_MAX:
            return None, b""
        try:
            data = sock.recv(16384)
        except (OSError, ssl.SSLError):
            return None, b""
        if not data:
            return None, b""
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None, b""
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return Request(parts[0], parts[1], headers), rest


def split_case(target):
    """'/c/<case>/<rest>' -> (case, rest); rest keeps its query."""
    if not target.startswith("/c/"):
        return "", target.lstrip("/")
    case, _, rest = target[3:].partition("/")
    return case, rest


# ---- one exchange -----------------------------------------------------------

class Ctx:
    """What a case handler gets: the socket, the request and helpers."""

    def __init__(self, server, sock, listener, case, rest, req):
        self.server = server
        self.sock = sock
        self.listener = listener
        self.case = case
        self.rest = rest
        self.req = req
        self.base = "/c/%s/" % case

    # -- raw output
    def send(self, data):
        """True if all of data was sent."""
        try:
            self.sock.sendall(data)
            return True
        except (OSError, ssl.SSLError):
            return False

    def head(self, status, headers=(), version="HTTP/1.1"):
        lines = ["%s %s" % (version, status)]
        lines += ["%s: %s" % h for h in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def respond(self, status, body=b"", ctype="application/octet-stream",
                headers=()):
        hdrs = [("Content-Type", ctype), ("Content-Length", str(len(body)))]
        hdrs += list(headers)
        return self.send(self.head(status, hdrs) + body)

    def error(self, status, cls, msg, headers=()):
        body = json.dumps({"ExceptionClass": cls, "ExceptionMessage": msg})
        return self.respond(status, body.encode(), "application/json",
                            [("ExceptionClass", cls)] + list(headers))

    def log_sent(self, n):
        self.server.events.log(listener=self.listener, case=self.case,
                               kind="sent", bytes=n)

    # -- holding and ending the connection
    def stall(self, limit=STALL_MAX_S):
        """Send nothing more; return once the client has gone."""
        deadline = time.monotonic() + limit
        self.sock.settimeout(0.5)
        while time.monotonic() < deadline:
            try:
                if not self.sock.recv(4096):
                    return
            except (socket.timeout, TimeoutError):
                continue
            except (OSError, ssl.SSLError):
                return

    def close_fin(self):
        """Close the TCP connection without a TLS close_notify."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close_notify(self):
        """A TLS close_notify, then close."""
        self.sock.settimeout(2)
        try:
            self.sock.unwrap()
        except (OSError, ssl.SSLError, ValueError):
            pass

    def reset(self):
        """Close with a TCP RST (SO_LINGER 0)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        # the caller's close() sends the RST

    def raw_alert(self):
        """A plaintext fatal alert record written under the TLS layer,
        where the client expects encrypted records: what a broken or
        hostile middlebox injects."""
        try:
            os.write(self.sock.fileno(), b"\x15\x03\x03\x00\x02\x02\x50")
        except OSError:
            pass

    def stream(self, data, total=None, seconds=STREAM_MAX_S, interval=0.0):
        """Send data repeatedly until total bytes, the client goes away
        or seconds pass; log the byte count."""
        sent = 0
        deadline = time.monotonic() + seconds
        self.sock.settimeout(1)
        while time.monotonic() < deadline:
            chunk = data if total is None else data[:total - sent]
            if not chunk:
                break
            try:
                self.sock.sendall(chunk)
            except (socket.timeout, TimeoutError):
                continue
            except (OSError, ssl.SSLError):
                break
            sent += len(chunk)
            if interval:
                time.sleep(interval)
        self.log_sent(sent)
        return sent


# ---- what a good Rucio server answers ---------------------------------------

def expires():
    return formatdate(time.time() + 3600, usegmt=True)


def good_call(ctx):
    path = ctx.rest.split("?", 1)[0]
    if path == "ok":
        return ctx.respond("200 OK", SIGNED_URL, "text/html; charset=utf-8")
    if path == "ping":
        return ctx.respond("200 OK", b'{"version":"41.5.1"}\n',
                           "application/json")
    if path == "accounts/whoami":
        return ctx.respond("303 SEE OTHER", b"redirect", "text/html",
                           [("Location", "root")])
    if path == "accounts/root":
        body = json.dumps({"account": "root", "status": "ACTIVE",
                           "account_type": "SERVICE"}).encode()
        return ctx.respond("200 OK", body, "application/json")
    if path == "credentials/signurl":
        return ctx.respond("200 OK", SIGNED_URL, "text/html; charset=utf-8")
    return ctx.error("404 NOT FOUND", "RucioException", "no such path")


def good_auth(ctx):
    path = ctx.rest.split("?", 1)[0]
    token = [("X-Rucio-Auth-Token", "root-hostile-%d" % time.time_ns()),
             ("X-Rucio-Auth-Token-Expires", expires())]
    if path == "auth/userpass":
        return ctx.respond("200 OK", headers=token +
                           [("X-Rucio-Auth-Account", "root")])
    if path == "auth/ssh_challenge_token":
        return ctx.respond("200 OK", headers=[
            ("X-Rucio-SSH-Challenge-Token", "challenge-%d" % time.time_ns()),
            ("X-Rucio-SSH-Challenge-Token-Expires", expires())])
    if path == "auth/ssh":
        return ctx.respond("200 OK", headers=token)
    return ctx.error("401 UNAUTHORIZED", "CannotAuthenticate",
                     "unknown authentication path")


# ---- the cases --------------------------------------------------------------
# A handler returns True to keep the connection for another request.

def c_stall_before_headers(ctx):
    ctx.stall()


def c_stall_in_headers(ctx):
    ctx.send(b"HTTP/1.1 200 OK\r\nContent-Type: te")
    ctx.stall()


def c_stall_after_headers(ctx):
    ctx.send(ctx.head("200 OK", [("Content-Length", "64")]))
    ctx.stall()


def body_cut(ctx):
    """A head promising 64 bytes and 20 of them."""
    ctx.send(ctx.head("200 OK", [("Content-Length", "64")]) + SIGNED_URL[:20])


def c_stall_mid_body(ctx):
    body_cut(ctx)
    ctx.stall()


def c_drip_headers(ctx):
    ctx.send(b"HTTP/1.1 200 OK\r\n")
    n = 0
    deadline = time.monotonic() + STREAM_MAX_S
    while time.monotonic() < deadline:
        n += 1
        if not ctx.send(b"X-Drip-%d: x\r\n" % n):
            break
        time.sleep(0.5)


def c_drip_body(ctx):
    ctx.send(ctx.head("200 OK", [("Content-Length", "1000000")]))
    ctx.stream(b"h", interval=0.5)


def c_header_line_1mb(ctx):
    ctx.send(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n" +
             b"Content-Length: %d\r\n\r\n" % len(SIGNED_URL) + SIGNED_URL)
    ctx.stall(5)


def c_headers_10000(ctx):
    lines = b"".join(b"X-H-%d: v\r\n" % i for i in range(10000))
    ctx.send(b"HTTP/1.1 200 OK\r\n" + lines +
             b"Content-Length: %d\r\n\r\n" % len(SIGNED_URL) + SIGNED_URL)
    ctx.stall(5)


def c_body_100mb(ctx):
    total = 100 << 20
    ctx.send(ctx.head("200 OK", [("Content-Type", "text/html"),
                                 ("Content-Length", str(total))]))
    ctx.stream(b"a" * 65536, total=total)


def c_body_100mb_chunked(ctx):
    total = 100 << 20
    ctx.send(ctx.head("200 OK", [("Content-Type", "text/html"),
                                 ("Transfer-Encoding", "chunked")]))
    ctx.stream(b"10000\r\n" + b"a" * 65536 + b"\r\n",
               total=total // 65536 * (65536 + 9))


def c_error_body_endless(ctx):
    ctx.send(ctx.head("500 INTERNAL SERVER ERROR",
                      [("Content-Type", "text/html"),
                       ("Transfer-Encoding", "chunked")]))
    ctx.stream(b"10000\r\n" + b"x" * 65536 + b"\r\n")


def with_length(value):
    def handler(ctx):
        ctx.send(ctx.head("200 OK", [("Content-Type", "text/html"),
                                     ("Content-Length", value)]) + SIGNED_URL)
        ctx.stall(5)
    return handler


def c_cl_conflict(ctx):
    n = len(SIGNED_URL)
    ctx.send(ctx.head("200 OK", [("Content-Length", str(n)),
                                 ("Content-Length", str(n + 5))]) +
             SIGNED_URL + b"extra")
    ctx.stall(5)


def chunked(body_bytes, keep=True):
    def handler(ctx):
        ctx.send(ctx.head("200 OK", [("Content-Type", "text/html"),
                                     ("Transfer-Encoding", "chunked")]) +
                 body_bytes)
        if keep:
            ctx.stall(5)
    return handler


def chunk(data, ext=b""):
    return b"%x%s\r\n%s\r\n" % (len(data), ext, data)


def c_cl_and_te(ctx):
    ctx.send(ctx.head("200 OK", [("Content-Length", str(len(SIGNED_URL))),
                                 ("Transfer-Encoding", "chunked")]) +
             chunk(SIGNED_URL) + b"0\r\n\r\n")
    ctx.stall(5)


def c_http10_close(ctx):
    ctx.send(ctx.head("200 OK", [("Content-Type", "text/html")],
                      version="HTTP/1.0") + SIGNED_URL)
    ctx.close_notify()


def c_http10_open(ctx):
    ctx.send(ctx.head("200 OK", [("Content-Type", "text/html")],
                      version="HTTP/1.0") + SIGNED_URL)
    ctx.stall()


def c_endless_100(ctx):
    ctx.stream(b"HTTP/1.1 100 Continue\r\n\r\n" * 64)


def c_interim_3(ctx):
    ctx.send(b"HTTP/1.1 100 Continue\r\n\r\n" * 2 +
             b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n")
    return ctx.respond("200 OK", SIGNED_URL, "text/html; charset=utf-8")


def c_redirect_chain_5(ctx):
    """Five same-origin redirects (hop/1 .. hop/5), then the answer."""
    hop = 0
    if ctx.rest.startswith("hop/"):
        hop = int(ctx.rest[4:])
    if hop == 5:
        return ctx.respond("200 OK", SIGNED_URL, "text/html; charset=utf-8")
    return ctx.respond("302 FOUND", b"", "text/html",
                       [("Location", ctx.base + "hop/%d" % (hop + 1))])


def slowly(seconds, handler):
    """handler, after a pause shorter than the client's idle timeout."""
    def slow(ctx):
        time.sleep(seconds)
        return handler(ctx)
    return slow


def c_tiny_records(ctx):
    """A good answer, one byte per TLS record."""
    data = ctx.head("200 OK", [("Content-Type", "text/html"),
                               ("Content-Length", str(len(SIGNED_URL)))])
    for i in range(len(data + SIGNED_URL)):
        if not ctx.send((data + SIGNED_URL)[i:i + 1]):
            return False
    return True


def c_te_mixed_case(ctx):
    ctx.send(ctx.head("200 OK", [("Content-Type", "text/html"),
                                 ("transfer-ENCODING", "Chunked")]) +
             chunk(SIGNED_URL) + b"0\r\n\r\n")
    return True


def long_token(n):
    return "root-" + "t" * (n - 5)


def a_long_token(n):
    """A login that issues a token of n characters."""
    def handler(ctx):
        return ctx.respond("200 OK", headers=[
            ("X-Rucio-Auth-Token", long_token(n)),
            ("X-Rucio-Auth-Token-Expires", expires()),
            ("X-Rucio-Auth-Account", "root")])
    return handler


def c_check_token(n):
    """Answer only a call that carries the whole n-character token; log
    whether it did."""
    def handler(ctx):
        intact = ctx.req.header("x-rucio-auth-token") == long_token(n)
        ctx.server.events.log(listener=ctx.listener, case=ctx.case,
                              kind="token", intact=intact)
        if intact:
            return good_call(ctx)
        return c_unauthorized(ctx)
    return handler


def c_whoami_control_chars(ctx):
    if not ctx.rest.startswith("accounts/root"):
        return good_call(ctx)
    body = json.dumps({"account": "root", "status": "ACT\x1b[2JIVE",
                       "account_type": "SERVICE", "email": "a\x07b\x7fc"})
    return ctx.respond("200 OK", body.encode(), "application/json")


def c_whoami_many_members(ctx):
    if not ctx.rest.startswith("accounts/root"):
        return good_call(ctx)
    members = ", ".join('"m%d": %d' % (i, i) for i in range(500))
    body = '{"account": "root", %s}' % members
    return ctx.respond("200 OK", body.encode(), "application/json")


def c_whoami_other_host(ctx):
    if ctx.rest.startswith("accounts/whoami"):
        return redirect_to(lambda c: "https://127.0.0.2:%d/accounts/root" %
                           c.server.ports["cap-whoami"])(ctx)
    return good_call(ctx)


def a_no_token(ctx):
    return ctx.respond("200 OK", headers=[("X-Rucio-Auth-Account", "root")])


def c_redirect_two_locations(ctx):
    return ctx.respond("302 FOUND", b"", "text/html", [
        ("Location", ctx.base + "ok"),
        ("Location", other_listener("cap-twoloc", "https", "127.0.0.2")(ctx))])


def c_json_deep(ctx):
    body = b"[" * 100000 + b"]" * 100000
    return ctx.respond("404 NOT FOUND", body[:60000], "application/json",
                       [("ExceptionClass", "RSENotFound")])


def c_header_non_utf8(ctx):
    head = ctx.head("500 INTERNAL SERVER ERROR",
                    [("Content-Type", "text/html"), ("Content-Length", "4"),
                     ("ExceptionClass", "RSENotFound")])
    head = head[:-2] + b"ExceptionMessage: bad \xff\xfe\xc3 bytes\r\n\r\n"
    return ctx.send(head + b"oops")


def redirect_to(url_of):
    """302 to url_of(ctx), for every call (a loop if it is the same)."""
    def handler(ctx):
        return ctx.respond("302 FOUND", b"", "text/html",
                           [("Location", url_of(ctx))])
    return handler


def other_listener(name, scheme, host, userinfo=""):
    return lambda ctx: "%s://%s%s:%d/secret-path/%s?secret-query=%s" % (
        scheme, userinfo, host, ctx.server.ports[name], ctx.case, ctx.case)


def userinfo_of_main(sep):
    """'127.0.0.1:<main port><sep>': a URL whose host looks like ours to
    a careless parser but is 127.0.0.2 to a careful one (or the reverse)."""
    return lambda ctx: "https://127.0.0.1:%d%s127.0.0.2:%d/secret-path/%s" % (
        ctx.server.ports["main"], sep, ctx.server.ports["cap-" + ctx.case[9:]],
        ctx.case)


def c_unauthorized(ctx):
    return ctx.error("401 UNAUTHORIZED", "CannotAuthenticate",
                     "Cannot authenticate with given credentials")


def retry_after(value):
    def handler(ctx):
        return ctx.error("503 SERVICE UNAVAILABLE", "ServiceUnavailable",
                         "come back later", [("Retry-After", value)])
    return handler


def c_no_retry_500(ctx):
    return ctx.error("500 INTERNAL SERVER ERROR", "DatabaseException",
                     "database went away")


def c_reset_before_response(ctx):
    ctx.reset()


def c_tls_alert_mid_body(ctx):
    body_cut(ctx)
    ctx.raw_alert()
    time.sleep(0.2)
    ctx.reset()


def c_close_notify_mid_body(ctx):
    body_cut(ctx)
    ctx.close_notify()


def c_close_mid_body(ctx):
    body_cut(ctx)
    ctx.close_fin()


def c_reset_mid_body(ctx):
    body_cut(ctx)
    time.sleep(0.2)
    ctx.reset()


def c_bad_status_line(ctx):
    ctx.send(b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n")
    ctx.stall(5)


def c_json_control_chars(ctx):
    return ctx.error("404 NOT FOUND", "RSENotFound",
                     "RSE \x1b[2J\x1b[31mSITE\x07 cannot be found")


def c_json_nul(ctx):
    return ctx.error("404 NOT FOUND", "RSENotFound",
                     "RSE SITE\x00\x1b[31m cannot be found")


def c_header_control_chars(ctx):
    return ctx.respond("500 INTERNAL SERVER ERROR", b"<html>oops</html>",
                       "text/html",
                       [("ExceptionClass", "RSENotFound"),
                        ("ExceptionMessage", "RSE \x1b[31mSITE\x07 gone")])


def signed_url_body(body):
    def handler(ctx):
        return ctx.respond("200 OK", body, "text/html; charset=utf-8")
    return handler


CALL_CASES = {
    "stall-before-headers": c_stall_before_headers,
    "stall-in-headers": c_stall_in_headers,
    "stall-after-headers": c_stall_after_headers,
    "stall-mid-body": c_stall_mid_body,
    "drip-headers": c_drip_headers,
    "drip-body": c_drip_body,
    "header-line-1mb": c_header_line_1mb,
    "headers-10000": c_headers_10000,
    "body-100mb": c_body_100mb,
    "body-100mb-chunked": c_body_100mb_chunked,
    "error-body-endless": c_error_body_endless,
    "cl-negative": with_length("-1"),
    "cl-overflow": with_length("99999999999999999999999"),
    "cl-conflict": c_cl_conflict,
    "chunk-size-bad": chunked(b"zz\r\n" + SIGNED_URL + b"\r\n0\r\n\r\n"),
    "chunk-size-overflow": chunked(b"ffffffffffffffffffffffff\r\n" +
                                   SIGNED_URL + b"\r\n0\r\n\r\n"),
    "chunk-extensions": chunked(chunk(SIGNED_URL[:10], b";a=1;name=\"q v\"") +
                                chunk(SIGNED_URL[10:], b";x") +
                                b"0;last=yes\r\n\r\n"),
    "chunk-trailers": chunked(chunk(SIGNED_URL) +
                              b"0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n"),
    "chunk-missing-crlf": chunked(b"%x\r\n" % len(SIGNED_URL) + SIGNED_URL +
                                  b"XX0\r\n\r\n"),
    "chunk-no-final-crlf": chunked(chunk(SIGNED_URL) + b"0\r\n", keep=False),
    "cl-and-te": c_cl_and_te,
    "http10-close": c_http10_close,
    "http10-open": c_http10_open,
    "endless-100": c_endless_100,
    "interim-3": c_interim_3,
    "redirect-chain-5": c_redirect_chain_5,
    "redirect-loop": redirect_to(lambda ctx: "/" + ctx.req.target.lstrip("/")),
    "redirect-other-host": redirect_to(other_listener("cap-host", "https",
                                                      "127.0.0.2")),
    "redirect-other-port": redirect_to(other_listener("cap-port", "https",
                                                      "127.0.0.1")),
    "redirect-http": redirect_to(other_listener("cap-http", "http",
                                                "127.0.0.1")),
    "redirect-upper-scheme": redirect_to(other_listener(
        "cap-upper", "HTTPS", "127.0.0.2")),
    "redirect-scheme-relative": redirect_to(
        lambda ctx: "//127.0.0.2:%d/secret-path/x" % ctx.server.ports[
            "cap-relative"]),
    "redirect-userinfo": redirect_to(userinfo_of_main("@")),
    "redirect-backslash": redirect_to(userinfo_of_main("\\@")),
    "redirect-two-locations": c_redirect_two_locations,
    "redirect-localhost-alias": redirect_to(
        lambda ctx: "https://localhost:%d%sok" % (ctx.server.ports["main"],
                                                  ctx.base)),
    "redirect-absolute-same-origin": redirect_to(
        lambda ctx: "https://127.0.0.1:%d%sok" % (ctx.server.ports["main"],
                                                  ctx.base)),
    "redirect-slow": slowly(1.0, redirect_to(
        lambda ctx: "/" + ctx.req.target.lstrip("/"))),
    "retry-503-slow": slowly(1.2, retry_after("0")),
    "auth-slow-call-stall": c_stall_before_headers,
    "unauthorized-loop": c_unauthorized,
    "retry-after-huge": retry_after("99999999999"),
    "retry-after-negative": retry_after("-30"),
    "no-retry-500": c_no_retry_500,
    "reset-before-response": c_reset_before_response,
    "tls-alert-mid-body": c_tls_alert_mid_body,
    "close-notify-mid-body": c_close_notify_mid_body,
    "close-mid-body": c_close_mid_body,
    "reset-mid-body": c_reset_mid_body,
    "bad-status-line": c_bad_status_line,
    "json-control-chars": c_json_control_chars,
    "json-nul": c_json_nul,
    "header-control-chars": c_header_control_chars,
    "signurl-control-chars": signed_url_body(SIGNED_URL + b"&x=\x1b[2J\x07"),
    "signurl-nul": signed_url_body(SIGNED_URL + b"\x00&evil=1"),
    "json-class-control": lambda ctx: ctx.respond(
        "404 NOT FOUND", json.dumps({"ExceptionClass": "Evil\x1b[2JClass",
                                     "ExceptionMessage": "ESC in the class"})
        .encode(), "application/json"),
    "json-deep": c_json_deep,
    "ping-control-chars": lambda ctx: ctx.respond(
        "200 OK", b'{"version": "41.5.1\\u001b[2J\\u0007"}',
        "application/json"),
    "whoami-control-chars": c_whoami_control_chars,
    "whoami-many-members": c_whoami_many_members,
    "whoami-other-host": c_whoami_other_host,
    "auth-token-4000": c_check_token(4000),
    "auth-token-5000": c_check_token(5000),
    "tiny-records": c_tiny_records,
    "te-mixed-case": c_te_mixed_case,
    "cl-plus-sign": with_length("+%d" % len(SIGNED_URL)),
    "header-non-utf8": c_header_non_utf8,
}


def a_stall(ctx):
    ctx.stall()


def a_redirect_ssh(ctx):
    if ctx.rest.startswith("auth/ssh_challenge_token"):
        return good_auth(ctx)
    return redirect_to(other_listener("cap-ssh", "https", "127.0.0.2"))(ctx)


AUTH_CASES = {
    "auth-stall": a_stall,
    "auth-slow-call-stall": slowly(2.5, good_auth),
    "auth-no-token": a_no_token,
    "auth-token-4000": a_long_token(4000),
    "auth-token-5000": a_long_token(5000),
    "redirect-auth-same-host": redirect_to(
        lambda ctx: ctx.base + "auth/userpass-moved"),
    "redirect-auth-other-host": redirect_to(other_listener("cap-auth", "https",
                                                           "127.0.0.2")),
    "redirect-ssh-other-host": a_redirect_ssh,
}


# ---- listeners --------------------------------------------------------------

# Capture listener -> (host, TLS or not); each is the target of one case.
CAPTURES = {
    "cap-host": ("127.0.0.2", True),
    "cap-auth": ("127.0.0.2", True),
    "cap-ssh": ("127.0.0.2", True),
    "cap-port": ("127.0.0.1", True),
    "cap-http": ("127.0.0.1", False),
    "cap-upper": ("127.0.0.2", True),
    "cap-relative": ("127.0.0.2", True),
    "cap-userinfo": ("127.0.0.2", True),
    "cap-backslash": ("127.0.0.2", True),
    "cap-twoloc": ("127.0.0.2", True),
    "cap-whoami": ("127.0.0.2", True),
}

class Server:
    def __init__(self, args):
        self.events = Events(args.events)
        self.ports = {}
        self.main_ctx = self.tls_context(args.cert, args.key)
        self.cap_ctx = self.tls_context(args.cap_cert, args.cap_key)

    @staticmethod
    def tls_context(cert, key):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        return ctx

    def listen(self, name, host, handler):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        sock.listen(64)
        self.ports[name] = sock.getsockname()[1]
        threading.Thread(target=self.accept_loop, args=(name, sock, handler),
                         daemon=True).start()

    def accept_loop(self, name, sock, handler):
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=self.run_connection,
                             args=(name, conn, handler), daemon=True).start()

    def run_connection(self, name, conn, handler):
        conn.settimeout(30)
        try:
            handler(name, conn)
        except Exception as exc:   # a test server must never die of a client
            sys.stderr.write("server: %s: %r\n" % (name, exc))
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def handshake(self, context, conn, name):
        try:
            return context.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError) as exc:
            sys.stderr.write("server: %s: handshake: %s\n" % (name, exc))
            return None

    # -- main
    def serve_main(self, name, conn):
        tls = self.handshake(self.main_ctx, conn, name)
        if tls is None:
            return
        buf = b""
        keep = True
        while keep:
            req, buf = read_request(tls, buf)
            if req is None:
                break
            case, rest = split_case(req.target)
            self.events.log(listener=name, case=case, kind="request",
                            path=rest, creds=req.creds())
            ctx = Ctx(self, tls, name, case, rest, req)
            if rest.startswith("ok"):   # where same-origin redirects lead
                handler = good_call
            elif rest.startswith("auth/"):
                handler = AUTH_CASES.get(case, good_auth)
            else:
                handler = CALL_CASES.get(case, good_call)
            keep = handler(ctx)
        tls.close()

    # -- garbage
    def serve_garbage(self, name, conn):
        self.events.log(listener=name, kind="connect")
        try:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" +
                         bytes(range(256)) * 16)
        except OSError:
            pass

    def serve_stall_tls(self, name, conn):
        self.events.log(listener=name, kind="connect")
        ctx = Ctx(self, conn, name, "", "", None)
        ctx.stall()

    def serve_hangup(self, name, conn):
        self.events.log(listener=name, kind="connect")

    # -- capture
    def serve_capture(self, name, conn, context):
        self.events.log(listener=name, kind="connect")
        sock = conn
        if context is not None:
            sock = self.handshake(context, conn, name)
            if sock is None:
                return
        req, _ = read_request(sock, b"")
        if req is None:
            return
        self.events.log(listener=name, kind="request", path=req.target,
                        headers=sorted({n for n, _ in req.headers}),
                        creds=req.creds())
        ctx = Ctx(self, sock, name, "", req.target, req)
        ctx.respond("200 OK", SIGNED_URL, "text/html")

    def start(self):
        self.listen("main", "127.0.0.1", self.serve_main)
        self.listen("garbage", "127.0.0.1", self.serve_garbage)
        self.listen("stall-tls", "127.0.0.1", self.serve_stall_tls)
        self.listen("hangup", "127.0.0.1", self.serve_hangup)
        for name, (host, tls) in CAPTURES.items():
            context = self.cap_ctx if tls else None
            self.listen(name, host,
                        lambda n, c, t=context: self.serve_capture(n, c, t))


def watch_parent(limit_s):
    """Exit when whoever started us is gone, or after limit_s seconds: a
    test server must never outlive its suite."""
    parent = os.getppid()
    start = time.monotonic()
    while os.getppid() == parent and time.monotonic() - start < limit_s:
        time.sleep(0.5)
    os._exit(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--cap-cert", required=True,
                    help="certificate valid for 127.0.0.2 and 127.0.0.1")
    ap.add_argument("--cap-key", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--max-seconds", type=float, default=300)
    args = ap.parse_args()

    threading.Thread(target=watch_parent, args=(args.max_seconds,),
                     daemon=True).start()
    server = Server(args)
    server.start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(server.ports, f)
    os.replace(tmp, args.port_file)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
