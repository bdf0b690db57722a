"""Serve the genuine Rucio REST API over TLS for tests (venv python).

Usage: rucioserver.py <workdir> [--watch-pid PID]

The name has no dash on purpose: rucio.db.sqla.session derives a component
name from argv[0].split('-')[1] and would then look for a
[<component>-database] config section.

Stands in for Apache + mod_ssl + mod_wsgi of a real deployment:
* TLS on 127.0.0.1, a free port chosen by the kernel and written to
  <workdir>/port once the socket listens; client certificates are optional
  and verified against the test CA, RFC 3820 proxies allowed.
* SSL_CLIENT_S_DN is set from the presented (leaf) certificate in RFC 4514
  form as mod_ssl does by default; Rucio strips the proxy's leading CN=<digits>.
* A threaded Werkzeug server with HTTP/1.1 keep-alive (Werkzeug's own
  handler closes every connection, see KeepAliveHandler).
* Every request is appended to <workdir>/requests.log as "METHOD PATH STATUS".
* With --watch-pid the server exits as soon as that process has gone, so a
  test script that dies cannot leave it behind.
"""
import argparse
import faulthandler
import os
import select
import signal
import socket
import ssl
import sys
import threading
import time
import traceback

from cryptography import x509
from werkzeug.exceptions import ClientDisconnected
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

HANDSHAKE_TIMEOUT = 10
# Idle keep-alive connections are closed after this many seconds.
IDLE_TIMEOUT = 30


class TestFrontMiddleware:
    """What mod_ssl (+StdEnvVars) and an access log would add."""

    def __init__(self, app, requests_log):
        self.app = app
        self.log_fd = os.open(requests_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def __call__(self, environ, start_response):
        environ.pop('SSL_CLIENT_S_DN', None)
        pem = environ.get('SSL_CLIENT_CERT')
        if pem:
            cert = x509.load_pem_x509_certificate(pem.encode())
            environ['SSL_CLIENT_S_DN'] = cert.subject.rfc4514_string()
        path = environ.get('RAW_URI', environ.get('PATH_INFO', '')).split('?', 1)[0]

        def logging_start_response(status, headers, exc_info=None):
            # Written before the response goes out, so a client that has its
            # answer always finds the line already in the log.
            line = f"{environ['REQUEST_METHOD']} {path} {status.split(' ', 1)[0]}\n"
            os.write(self.log_fd, line.encode('latin-1', 'replace'))
            return start_response(status, headers, exc_info)

        return self.app(environ, logging_start_response)


def make_ssl_context(pki):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f'{pki}/server.pem', f'{pki}/server.key')
    ctx.load_verify_locations(cafile=f'{pki}/ca.pem')
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.verify_flags |= ssl.VERIFY_ALLOW_PROXY_CERTS
    return ctx


class Response:
    """Writes one WSGI response on a keep-alive connection: the body is
    framed by the app's Content-Length or, without one, sent chunked."""

    def __init__(self, handler):
        self.handler = handler
        self.head = handler.command == 'HEAD'
        self.status = self.headers = None
        self.started = self.chunked = False

    def start_response(self, status, headers, exc_info=None):
        if exc_info and self.started:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status, self.headers = status, headers
        return self.write

    def write(self, data):
        if not self.started:
            self.send_head()
        if data and not self.head:
            out = self.handler.wfile
            if self.chunked:
                out.write(b'%x\r\n%s\r\n' % (len(data), data))
            else:
                out.write(data)

    def send_head(self):
        h = self.handler
        code, _, reason = self.status.partition(' ')
        code = int(code)
        names = {name.lower() for name, _ in self.headers}
        has_body = not (self.head or code < 200 or code in (204, 304))
        if 'content-length' not in names and has_body:
            if h.request_version == 'HTTP/1.1':
                self.chunked = True
            else:
                h.close_connection = True
        h.send_response(code, reason)
        for name, value in self.headers:
            h.send_header(name, value)
        if self.chunked:
            h.send_header('Transfer-Encoding', 'chunked')
        if h.close_connection:
            h.send_header('Connection', 'close')
        h.end_headers()
        self.started = True

    def finish(self):
        if not self.started:
            self.send_head()
        if self.chunked:
            self.handler.wfile.write(b'0\r\n\r\n')


class KeepAliveHandler(WSGIRequestHandler):
    """Werkzeug's handler closes every connection (and after each response
    reads away whatever the client sent next). This one keeps HTTP/1.1
    connections open like Apache does: it reuses Werkzeug's environ and logging
    but frames responses itself and skips exactly the unread request body."""

    protocol_version = 'HTTP/1.1'
    timeout = IDLE_TIMEOUT
    MAX_DRAIN = 1 << 20

    def log_request(self, code='-', size='-'):
        # Werkzeug's version adds terminal colours, unwelcome in a log file.
        self.log('info', '"%s" %s %s', self.requestline, code, size)

    def run_wsgi(self):
        if self.request_version != 'HTTP/1.1':
            self.close_connection = True
        if self.headers.get('Expect', '').lower() == '100-continue':
            self.wfile.write(b'HTTP/1.1 100 Continue\r\n\r\n')
        self.environ = environ = self.make_environ()
        if not environ.get('wsgi.input_terminated'):  # not chunked
            length = int(environ.get('CONTENT_LENGTH') or 0)
            environ['wsgi.input'] = LimitedStream(self.rfile, length)
            environ['wsgi.input_terminated'] = True
        response = Response(self)
        try:
            result = self.server.app(environ, response.start_response)
            try:
                for data in result:
                    response.write(data)
                response.finish()
            finally:
                if hasattr(result, 'close'):
                    result.close()
        except ConnectionError:
            self.close_connection = True  # the client went away
            return
        except Exception:  # any failure of the app becomes a 500, as in mod_wsgi
            self.log_error('error on request:\n%s', traceback.format_exc())
            if response.started:
                self.close_connection = True  # the framing is broken
            else:
                self.send_error(500)
            return
        self.skip_unread_body(environ['wsgi.input'])

    def skip_unread_body(self, body):
        """The next request starts after this one's body."""
        skipped = 0
        try:
            while skipped <= self.MAX_DRAIN:
                data = body.read(65536)
                if not data:
                    return
                skipped += len(data)
        except (OSError, ValueError, ClientDisconnected):
            pass  # a broken body: the connection cannot be reused
        self.close_connection = True


def make_server(app, ctx):
    class TLSThreadedServer(ThreadedWSGIServer):
        """Werkzeug wraps the listening socket, so the TLS handshake would
        run inside accept() on the main thread and one silent client would
        block every other. Here each connection's handshake runs in its own
        handler thread, with a timeout."""

        def finish_request(self, request, client_address):
            # A response is written as its head, then its body: with
            # Nagle's algorithm the body waits for the client's delayed ACK
            # of the head (about 40 ms), and the figures would measure
            # that wait instead of the clients.
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                request.settimeout(HANDSHAKE_TIMEOUT)
                conn = ctx.wrap_socket(request, server_side=True)
            except (OSError, ValueError) as err:
                self.log('info', 'TLS handshake with %s failed: %s', client_address[0], err)
                return
            try:
                self.RequestHandlerClass(conn, client_address, self)
            finally:
                close_tls(conn)

    server = TLSThreadedServer('127.0.0.1', 0, app, handler=KeepAliveHandler)
    # make_environ() reports https and Werkzeug fetches the peer certificate
    # only when ssl_context is set.
    server.ssl_context = ctx
    return server


def close_tls(conn):
    """Send close_notify without waiting for the peer's, then close."""
    try:
        conn.setblocking(False)
        conn.unwrap()
    except (OSError, ValueError):
        pass
    finally:
        conn.close()


def exit_when_gone(pid):
    """Exit the whole server as soon as process `pid` has terminated."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
    else:
        while os.path.exists(f'/proc/{pid}'):
            time.sleep(0.5)
    print(f'rucioserver: watched process {pid} is gone, exiting', file=sys.stderr, flush=True)
    os._exit(0)


def write_atomically(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('workdir')
    parser.add_argument('--watch-pid', type=int, default=0)
    args = parser.parse_args()
    work = os.path.abspath(args.workdir)
    faulthandler.enable()  # a crash in C code still leaves a trace in server.log

    # A session of its own, so stop.sh can signal the whole group.
    try:
        os.setsid()
    except PermissionError:
        pass  # already a process-group leader: killpg still reaches us
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.watch_pid > 0:
        threading.Thread(target=exit_when_gone, args=(args.watch_pid,), daemon=True).start()

    os.environ['RUCIO_CONFIG'] = f'{work}/etc/rucio.cfg'
    os.environ['RUCIO_HOME'] = work
    # rse-accounts.cfg is taken from the LAST existing of $RUCIO_HOME/etc,
    # $VIRTUAL_ENV/etc, $CONDA_PREFIX/etc, /opt/rucio/etc.
    os.environ.pop('VIRTUAL_ENV', None)
    os.environ.pop('CONDA_PREFIX', None)

    from rucio.web.rest.flaskapi.v1.main import application
    app = TestFrontMiddleware(application, f'{work}/requests.log')
    server = make_server(app, make_ssl_context(f'{work}/pki'))
    write_atomically(f'{work}/port', f'{server.port}\n')
    print(f'rucioserver: pid {os.getpid()} listening on https://127.0.0.1:{server.port}',
          file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
