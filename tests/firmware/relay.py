#!/usr/bin/env python3
"""The host side of rucio-lite's modem port: a "modem" on a TCP socket.

QEMU connects the firmware's modem UART to this relay (-serial
tcp:127.0.0.1:PORT); the host harness (modem_host) connects the same way.
The relay speaks protocol rucio-modem/1 (port/modem/modem.h, docs/porting.md):
one reply per request, control lines ending in "\\n", payloads length-framed.

It opens TCP connections for the device, but only to 127.0.0.1: the names
"localhost" and "127.0.0.1" are accepted, any other address is answered
ERR REFUSED and any other name ERR DNS, without a lookup.

    relay.py --port-file FILE [--once] [--log FILE]

listens on 127.0.0.1 on a free port, writes the port number to FILE, and
serves one device connection at a time (--once: only the first, then exits).
"""
import argparse
import ipaddress
import os
import select
import socket
import sys
import time

LINKS = 4
CHUNK = 1024
LINE_MAX = 288
SEND_TIMEOUT_S = 30.0


class Lost(Exception):
    """The device went away or broke the framing."""


class Device:
    """Buffered reading of the device's byte stream."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(4096)
        if not data:
            raise Lost("device closed the stream")
        self.buf += data

    def line(self):
        while b"\n" not in self.buf:
            if len(self.buf) > LINE_MAX:
                raise Lost("control line too long")
            self._fill()
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("ascii", "replace")

    def exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def reply(self, line, payload=b""):
        self.sock.sendall(line.encode("ascii") + b"\n" + payload)


def loopback_target(host):
    """127.0.0.1 for an allowed host, else the ERR code to answer."""
    if host in ("localhost", "127.0.0.1"):
        return "127.0.0.1", None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None, "DNS"
    return None, "REFUSED"


def number(word, lo, hi):
    value = int(word)  # ValueError: SYNTAX
    if not lo <= value <= hi:
        raise ValueError(word)
    return value


class Relay:
    def __init__(self, log):
        self.links = {}
        self.log = log

    def note(self, text):
        if self.log:
            self.log.write(f"{time.strftime('%H:%M:%S')} {text}\n")
            self.log.flush()

    def close_all(self):
        for s in self.links.values():
            s.close()
        self.links.clear()

    def do_open(self, args):
        link = number(args[0], 0, LINKS - 1)
        host, port, ms = args[1], number(args[2], 1, 65535), number(args[3], 0, 2**63)
        if link in self.links:
            self.links.pop(link).close()
        addr, err = loopback_target(host)
        if err:
            self.note(f"OPEN {host}:{port} refused ({err})")
            return f"ERR {err}", b""
        try:
            s = socket.create_connection((addr, port), timeout=max(ms, 1) / 1000)
        except socket.timeout:
            return "ERR TIMEOUT", b""
        except OSError as e:
            self.note(f"OPEN {host}:{port} failed: {e}")
            return "ERR CONNECT", b""
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.links[link] = s
        self.note(f"OPEN {link} {host}:{port}")
        return "OK", b""

    def do_send(self, args, device):
        link, n = number(args[0], 0, LINKS - 1), number(args[1], 1, CHUNK)
        payload = device.exact(n)  # read it even if the link is gone
        s = self.links.get(link)
        if s is None:
            return "ERR NOTOPEN", b""
        try:
            s.settimeout(SEND_TIMEOUT_S)
            s.sendall(payload)
        except socket.timeout:
            return "ERR TIMEOUT", b""
        except OSError:
            return "ERR IO", b""
        return f"OK {n}", b""

    def do_recv(self, args):
        link, n = number(args[0], 0, LINKS - 1), number(args[1], 1, CHUNK)
        ms = number(args[2], 0, 2**63)
        s = self.links.get(link)
        if s is None:
            return "ERR NOTOPEN", b""
        try:
            ready, _, _ = select.select([s], [], [], min(ms, 3600_000) / 1000)
            if not ready:
                return "TIMEOUT", b""
            s.settimeout(0)
            data = s.recv(n)
        except OSError:
            return "ERR IO", b""
        if not data:
            return "EOF", b""
        return f"DATA {len(data)}", data

    def do_close(self, args):
        link = number(args[0], 0, LINKS - 1)
        s = self.links.pop(link, None)
        if s is not None:
            s.close()
            self.note(f"CLOSE {link}")
        return "OK", b""

    def handle(self, line, device):
        words = line.split(" ")
        verb, args = words[0], words[1:]
        try:
            if verb == "HELLO" and not args:
                return "OK HELLO rucio-modem/1", b""
            if verb == "TIME" and not args:
                return f"OK TIME {int(time.time())}", b""
            if verb == "OPEN" and len(args) == 4:
                return self.do_open(args)
            if verb == "SEND" and len(args) == 2:
                return self.do_send(args, device)
            if verb == "RECV" and len(args) == 3:
                return self.do_recv(args)
            if verb == "CLOSE" and len(args) == 1:
                return self.do_close(args)
        except ValueError:
            pass
        return "ERR SYNTAX", b""

    def serve(self, conn):
        device = Device(conn)
        try:
            while True:
                line = device.line()
                if line == "":
                    continue  # the newline a resyncing device sends first
                reply, payload = self.handle(line, device)
                device.reply(reply, payload)
        except (Lost, OSError) as e:
            self.note(f"device gone: {e}")
        finally:
            self.close_all()
            conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--once", action="store_true")
    ap.add_argument("--log")
    opt = ap.parse_args()
    log = open(opt.log, "a", encoding="utf-8") if opt.log else None
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    tmp = opt.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{lsock.getsockname()[1]}\n")
    os.replace(tmp, opt.port_file)
    relay = Relay(log)
    while True:
        conn, _ = lsock.accept()
        relay.note("device connected")
        relay.serve(conn)
        if opt.once:
            return 0


if __name__ == "__main__":
    sys.exit(main())
