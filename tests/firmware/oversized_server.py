#!/usr/bin/env python3
"""A TLS server that sends a record larger than the client's 4 KiB buffer.

It stands for a server that ignores the maximum fragment length extension
(RFC 6066) a small-buffer client asks for, as BoringSSL-, Go- and
s2n-based servers do. OpenSSL (and so Python's ssl) honours the extension
since 1.1.1, so no ready server here can play that part; this one sends
the record header such a server sends and lets the client refuse it:

  --when late   a full TLS handshake (Python's ssl, which is OpenSSL),
                the client's request read, then an application-data
                record of 16,408 bytes: 16 KiB of plaintext with AES-GCM's
                24 bytes, as OpenSSL sends a body written in one piece
                when no fragment length was agreed;
  --when early  the ClientHello read, then a handshake record of the same
                length in place of the ServerHello: a large certificate
                chain from such a server.

The client refuses a record on its 5-byte header, before it reads or
decrypts the rest, so the rest is random bytes.

    oversized_server.py --cert PEM --key PEM --when late|early \\
                        --port-file FILE

listens on 127.0.0.1 on a free port, writes the port number to FILE, and
serves connections one after the other until killed.
"""
import argparse
import os
import socket
import ssl
import struct
import sys

RECORD_LEN = 16384 + 24
APPLICATION_DATA = 23
HANDSHAKE = 22


def oversized_record(content_type):
    header = struct.pack("!BHH", content_type, 0x0303, RECORD_LEN)
    return header + os.urandom(RECORD_LEN)


def recv_some(sock):
    data = sock.recv(4096)
    if not data:
        raise ConnectionError("client closed the connection")
    return data


def run(conn, incoming, outgoing, step):
    """Call step (an SSLObject method) until it no longer needs to read,
    carrying the bytes between the socket and the memory BIOs."""
    while True:
        try:
            result = step()
            done = True
        except ssl.SSLWantReadError:
            done = False
        if outgoing.pending:
            conn.sendall(outgoing.read())
        if done:
            return result
        incoming.write(recv_some(conn))


def serve_late(conn, ctx):
    """Handshake and request through OpenSSL over memory BIOs, so that the
    oversized record goes onto the socket as raw bytes."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_side=True)
    run(conn, incoming, outgoing, tls.do_handshake)
    request = b""
    while b"\r\n\r\n" not in request:
        request += run(conn, incoming, outgoing, lambda: tls.read(4096))
    conn.sendall(oversized_record(APPLICATION_DATA))


def serve_early(conn):
    recv_some(conn)  # the ClientHello; its content does not matter
    conn.sendall(oversized_record(HANDSHAKE))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--when", choices=("late", "early"), required=True)
    ap.add_argument("--port-file", required=True)
    opt = ap.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(opt.cert, opt.key)
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    tmp = opt.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{lsock.getsockname()[1]}\n")
    os.replace(tmp, opt.port_file)
    while True:
        conn, _ = lsock.accept()
        conn.settimeout(60)
        try:
            if opt.when == "late":
                serve_late(conn, ctx)
            else:
                serve_early(conn)
            # Let the client read the record and give up before the end of
            # the stream could be taken for the reason.
            conn.recv(1)
        except (OSError, ssl.SSLError) as e:
            print(f"oversized_server: {e}", file=sys.stderr)
        finally:
            conn.close()


if __name__ == "__main__":
    sys.exit(main())
