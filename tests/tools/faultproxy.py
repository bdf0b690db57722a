#!/usr/bin/env python3
"""Fault-injecting TCP proxy for the transfer tests (issue 9).

Relays bytes between clients and one target, both ways, on 127.0.0.1, and
breaks chosen connections on purpose so that tests can watch a client
recover (a download resuming with a Range request) or fail cleanly:

  faultproxy.py --target HOST:PORT --port-file F [--listen-port 0]
                [--cut-after-bytes N[,N2,...]] [--direction down|up]
                [--stall-after-bytes N[,N2,...] --stall-seconds S]
                [--watch-pid PID]

--cut-after-bytes: the i-th number applies to the i-th connection: once N
    bytes have passed in --direction (down = target -> client, the default;
    up = client -> target), both sides are reset (SO_LINGER 0, so the peers
    see ECONNRESET, not a clean end). "-" lets that connection pass
    ("-,-,5000": only the third is cut; write "--cut-after-bytes=-,..."
    so that the value is not taken for an option); connections after the
    list's end pass untouched.
--stall-after-bytes: likewise per connection, but instead of a cut the
    direction stops for --stall-seconds (to trigger client timeouts).

The proxy knows nothing of TLS: for an HTTPS target the cut falls inside
the TLS stream, the client sees a reset in the middle of a record, which
is what a real network does. Counts are TLS bytes (handshake included);
the closing log line of each connection gives its totals, so a test can
calibrate cut points with one uncut run.

The chosen port is written to --port-file once the proxy listens (written
to a temporary name and renamed, so a reader never sees half a number).
Every connection, cut, stall and close is logged on stderr, one line each:
  faultproxy: conn 1 open from 127.0.0.1:40312
  faultproxy: conn 1 cut after 5000 bytes down
  faultproxy: conn 2 closed: up 517 down 1075262 bytes
The proxy exits when the watched process (default: its parent; 0 = never)
has gone, on SIGTERM or SIGINT. Python 3 standard library only.
"""
import argparse
import errno
import fcntl
import os
import select
import signal
import socket
import struct
import sys
import termios
import time

CHUNK = 256 * 1024
# After the last byte before a cut was written, wait at most this long for
# the peer to have acknowledged it, so that the cut falls exactly there and
# the RST does not discard bytes still queued in our socket.
DRAIN_SECONDS = 2.0
WATCH_INTERVAL = 0.5


def log(msg):
    print(f'faultproxy: {msg}', file=sys.stderr, flush=True)


def byte_list(text):
    """'5000,-,70' -> [5000, None, 70] (None: that connection passes)."""
    if not text:
        return []
    out = []
    for part in text.split(','):
        if part.strip() in ('-', 'none'):
            out.append(None)
            continue
        n = int(part)
        if n < 0:
            raise argparse.ArgumentTypeError(f'{part!r} is not a byte count or "-"')
        out.append(n)
    return out


def unsent(sock):
    """Bytes in sock's send queue not yet acknowledged by the peer."""
    try:
        buf = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b'\0\0\0\0')
        return struct.unpack('i', buf)[0]
    except OSError:
        return 0


def reset(sock):
    """Close with an RST instead of a FIN: the peer's next read fails."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    except OSError:
        pass
    sock.close()


class Pipe:
    """One direction of a connection: bytes read from src go to dst."""

    def __init__(self, num, name, src, dst, cut_at, stall_at, stall_seconds):
        self.num = num            # the connection's number, for the log
        self.name = name          # 'up' or 'down'
        self.src, self.dst = src, dst
        self.pending = b''        # read from src, not yet written to dst
        self.passed = 0           # bytes read from src so far
        self.eof = False          # src ended (FIN); dst gets a FIN when drained
        self.shut = False         # that FIN was sent
        self.cut_at = cut_at      # None: no cut in this direction
        self.stall_at = stall_at  # None: no stall
        self.stall_seconds = stall_seconds
        self.stalled_until = 0.0
        self.drain_deadline = None

    def limit(self):
        """The next byte count at which to stop reading, or None."""
        marks = [m for m in (self.cut_at, self.stall_at) if m is not None and m > self.passed]
        return min(marks) if marks else None

    def want_read(self, now):
        if self.stall_at is not None and self.passed >= self.stall_at:
            self.stall_at = None
            self.stalled_until = now + self.stall_seconds
            log(f'conn {self.num} stalls {self.stall_seconds:g} s after {self.passed} bytes {self.name}')
        if self.eof or self.pending or now < self.stalled_until:
            return False
        return not (self.cut_at is not None and self.passed >= self.cut_at)

    def read(self):
        size = CHUNK
        lim = self.limit()
        if lim is not None:
            size = min(size, lim - self.passed)
        data = self.src.recv(size)
        if not data:
            self.eof = True
            return
        self.pending = data
        self.passed += len(data)

    def write(self):
        n = self.dst.send(self.pending)
        self.pending = self.pending[n:]

    def cut_due(self):
        return self.cut_at is not None and self.passed >= self.cut_at and not self.pending

    def finish_eof(self):
        """Pass on a FIN once everything before it was written."""
        if self.eof and not self.pending and not self.shut:
            self.shut = True
            try:
                self.dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass


class Conn:
    def __init__(self, num, client, upstream, direction, cut_at, stall_at, stall_seconds):
        self.num = num
        self.client, self.upstream = client, upstream
        self.closed = False
        mine = lambda d, v: v if direction == d else None  # noqa: E731
        self.up = Pipe(num, 'up', client, upstream, mine('up', cut_at),
                       mine('up', stall_at), stall_seconds)
        self.down = Pipe(num, 'down', upstream, client, mine('down', cut_at),
                         mine('down', stall_at), stall_seconds)

    def pipes(self):
        return (self.up, self.down)

    def close(self, why, rst=False):
        if self.closed:
            return
        self.closed = True
        for s in (self.client, self.upstream):
            if rst:
                reset(s)
            else:
                s.close()
        log(f'conn {self.num} {why}: up {self.up.passed} down {self.down.passed} bytes')

    def step(self, now):
        """Cuts and FINs due after the last reads/writes."""
        for p in self.pipes():
            if p.cut_due():
                # Let the peer acknowledge the last bytes, then reset.
                if p.drain_deadline is None:
                    p.drain_deadline = now + DRAIN_SECONDS
                if unsent(p.dst) and now < p.drain_deadline:
                    continue
                log(f'conn {self.num} cut after {p.passed} bytes {p.name}')
                self.close('reset', rst=True)
                return
            p.finish_eof()
        if all(p.shut for p in self.pipes()):
            self.close('closed')


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--listen-port', type=int, default=0)
    ap.add_argument('--listen-host', default='127.0.0.1')
    ap.add_argument('--target', required=True, help='HOST:PORT')
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--cut-after-bytes', type=byte_list, default=[])
    ap.add_argument('--direction', choices=('down', 'up'), default='down')
    ap.add_argument('--stall-after-bytes', type=byte_list, default=[])
    ap.add_argument('--stall-seconds', type=float, default=0.0)
    ap.add_argument('--watch-pid', type=int, default=os.getppid())
    a = ap.parse_args(argv)
    host, _, port = a.target.rpartition(':')
    if not host or not port.isdigit():
        ap.error('--target must be HOST:PORT')
    a.target = (host, int(port))
    if a.stall_after_bytes and a.stall_seconds <= 0:
        ap.error('--stall-after-bytes needs --stall-seconds')
    return a


def alive(pid):
    if pid == 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_port(path, port):
    tmp = f'{path}.tmp{os.getpid()}'
    with open(tmp, 'w') as f:
        f.write(f'{port}\n')
    os.replace(tmp, path)


def accept(a, listener, conns, count):
    client, peer = listener.accept()
    num = count + 1
    log(f'conn {num} open from {peer[0]}:{peer[1]}')
    try:
        upstream = socket.create_connection(a.target, timeout=5)
    except OSError as e:
        log(f'conn {num} cannot reach {a.target[0]}:{a.target[1]}: {e}')
        reset(client)
        return num
    for s in (client, upstream):
        s.setblocking(False)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pick = lambda lst: lst[num - 1] if num <= len(lst) else None  # noqa: E731
    conns.append(Conn(num, client, upstream, a.direction, pick(a.cut_after_bytes),
                      pick(a.stall_after_bytes), a.stall_seconds))
    return num


def serve(a, listener):
    conns, count = [], 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    next_watch = 0.0
    while not stop:
        now = time.monotonic()
        if now >= next_watch:
            if not alive(a.watch_pid):
                log(f'watched process {a.watch_pid} has gone; exiting')
                break
            next_watch = now + WATCH_INTERVAL
        poller = select.poll()
        poller.register(listener, select.POLLIN)
        owners, timeout = {}, WATCH_INTERVAL
        for c in conns:
            ev = {c.client.fileno(): 0, c.upstream.fileno(): 0}
            for p in c.pipes():
                if p.want_read(now):
                    ev[p.src.fileno()] |= select.POLLIN
                if p.pending:
                    ev[p.dst.fileno()] |= select.POLLOUT
                if p.stalled_until > now:
                    timeout = min(timeout, p.stalled_until - now)
                if p.drain_deadline is not None:
                    timeout = min(timeout, 0.01)
            for fd, mask in ev.items():
                # Not even for errors when nothing is wanted: a hung-up
                # socket would wake poll at once for the whole of a stall.
                if mask:
                    poller.register(fd, mask)
                    owners[fd] = c
        try:
            events = poller.poll(max(timeout, 0.0) * 1000)
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd, mask in events:
            if fd == listener.fileno():
                count = accept(a, listener, conns, count)
                continue
            c = owners[fd]
            if c.closed:
                continue
            try:
                for p in c.pipes():
                    if p.src.fileno() == fd and mask & (select.POLLIN | select.POLLHUP | select.POLLERR) \
                            and p.want_read(now):
                        p.read()
                    if p.dst.fileno() == fd and mask & select.POLLOUT and p.pending:
                        p.write()
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as e:
                # A peer reset or vanished: pass the failure on as a reset.
                c.close(f'aborted ({errno.errorcode.get(e.errno, e)})', rst=True)
        for c in conns:
            if not c.closed:
                try:
                    c.step(now)
                except OSError as e:
                    c.close(f'aborted ({errno.errorcode.get(e.errno, e)})', rst=True)
        conns = [c for c in conns if not c.closed]
    for c in conns:
        c.close('closed at exit')


def main(argv):
    a = parse_args(argv)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((a.listen_host, a.listen_port))
    listener.listen(64)
    port = listener.getsockname()[1]
    write_port(a.port_file, port)
    log(f'listening on {a.listen_host}:{port} -> {a.target[0]}:{a.target[1]}, '
        f'cuts {a.direction} {a.cut_after_bytes or "none"}, '
        f'stalls {a.stall_after_bytes or "none"}')
    serve(a, listener)
    listener.close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
