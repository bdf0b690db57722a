#!/usr/bin/env python3
"""HTTPS test server for the TLS suite (Python 3 standard library only).

Listens on 127.0.0.1 at an ephemeral port, which it writes to --port-file
once it accepts connections. Counts accepted TCP connections and TLS
sessions the client resumed, and serves:

  /stats            {"connections": n, "handshakes": n, "resumed": n}
  /hello            a small fixed body
  /client           the subject of the client certificate, 401 without one
  /chunked?bytes=N  N bytes in chunked transfer coding, 64 KiB chunks;
                    byte i of the body is i % 251
  /close            a small body, then the server closes (Connection: close)

With --max-tls 1.2 it offers nothing newer than TLS 1.2, so that a client
that would otherwise negotiate TLS 1.3 is tested with 1.2 as well. With
--stall it accepts connections and never answers a handshake. It exits
by itself when its parent process is gone or after --max-seconds.

The TLS handshake runs in the connection's own thread, so a client that
stalls or fails its handshake never blocks the accept loop.
"""

import argparse
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CHUNK = 64 * 1024
PATTERN_MOD = 251
# One chunk's worth of the pattern for every possible starting phase.
PATTERN = bytes(i % PATTERN_MOD for i in range(CHUNK + PATTERN_MOD))


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {"connections": 0, "handshakes": 0, "resumed": 0}

    def add(self, key):
        with self.lock:
            self.counts[key] += 1

    def snapshot(self):
        with self.lock:
            return dict(self.counts)


def subject_text(cert):
    """'O=...,CN=...,CN=...' from ssl's getpeercert() subject tuples."""
    parts = []
    for rdn in cert.get("subject", ()):
        for name, value in rdn:
            short = {"commonName": "CN", "organizationName": "O"}.get(name, name)
            parts.append("%s=%s" % (short, value))
    return ",".join(parts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "rucio-lite-tls-test/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("server: %s\n" % (fmt % args))

    def send_body(self, status, body, ctype="text/plain", close=False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        route = {
            "/stats": self.get_stats,
            "/hello": self.get_hello,
            "/client": self.get_client,
            "/chunked": self.get_chunked,
            "/close": self.get_close,
        }.get(url.path)
        if route is None:
            self.send_body(404, b"not found\n")
        else:
            route(parse_qs(url.query))

    def get_stats(self, _query):
        body = json.dumps(self.server.stats.snapshot()).encode()
        self.send_body(200, body, "application/json")

    def get_hello(self, _query):
        self.send_body(200, b"hello from the TLS test server\n")

    def get_client(self, _query):
        cert = self.connection.getpeercert()
        if not cert:
            self.send_body(401, b"no client certificate\n")
        else:
            self.send_body(200, (subject_text(cert) + "\n").encode())

    def get_chunked(self, query):
        total = int(query.get("bytes", ["0"])[0])
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = 0
        while sent < total:
            n = min(CHUNK, total - sent)
            phase = sent % PATTERN_MOD
            self.wfile.write(b"%x\r\n" % n)
            self.wfile.write(PATTERN[phase:phase + n])
            self.wfile.write(b"\r\n")
            sent += n
        self.wfile.write(b"0\r\n\r\n")

    def get_close(self, _query):
        self.send_body(200, b"closing\n", close=True)


class TLSServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context, stats, stall):
        super().__init__(("127.0.0.1", 0), Handler)
        self.context = context
        self.stats = stats
        self.stall = stall

    def get_request(self):
        sock, addr = self.socket.accept()
        self.stats.add("connections")
        return sock, addr

    def finish_request(self, request, client_address):
        request.settimeout(30)
        if self.stall:
            # Take the ClientHello and never answer: the client's
            # handshake deadline must end the wait.
            try:
                while request.recv(4096):
                    pass
            except OSError:
                pass
            return
        # Handshake here, in the connection's thread.
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            sys.stderr.write("server: handshake failed: %s\n" % exc)
            return
        self.stats.add("handshakes")
        if tls.session_reused:
            self.stats.add("resumed")
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


def watch_parent(limit_s):
    """Exit when whoever started us is gone, or after limit_s seconds: a
    test server must never outlive its suite."""
    parent = os.getppid()
    start = time.monotonic()
    while os.getppid() == parent and time.monotonic() - start < limit_s:
        time.sleep(0.5)
    os._exit(0)


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.max_tls == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if args.client_order:
        # nginx's and Apache's default: the client's order of ciphers and
        # signature algorithms wins (Python's default is the server's).
        ctx.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
    if args.client_ca:
        ctx.load_verify_locations(args.client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED if args.require_client_cert \
            else ssl.CERT_OPTIONAL
        # RFC 3820 proxies are refused by OpenSSL unless asked for.
        ctx.verify_flags |= ssl.VERIFY_ALLOW_PROXY_CERTS
    return ctx


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--client-ca", help="CA for client certificates")
    ap.add_argument("--require-client-cert", action="store_true")
    ap.add_argument("--max-tls", choices=("1.2", "1.3"), default="1.3",
                    help="newest TLS version offered")
    ap.add_argument("--client-order", action="store_true",
                    help="follow the client's order of preference")
    ap.add_argument("--stall", action="store_true",
                    help="accept connections but never answer the handshake")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--max-seconds", type=float, default=900,
                    help="stop by itself after this long")
    args = ap.parse_args()

    threading.Thread(target=watch_parent, args=(args.max_seconds,),
                     daemon=True).start()

    server = TLSServer(make_context(args), Stats(), args.stall)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
