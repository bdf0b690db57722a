#!/usr/bin/env python3
"""A plain-HTTP front for the TLS-only test Rucio server, for builds
without TLS (tests/config/run.sh). Listens on 127.0.0.1, forwards each
connection byte for byte to 127.0.0.1:<port> over TLS (verified against
the server's CA) and back. It only ever connects to 127.0.0.1.

    unwrap.py --to-port P --ca CA.pem --port-file FILE
"""
import argparse
import os
import socket
import ssl
import threading


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, port, ctx):
    try:
        upstream = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                                   server_hostname="127.0.0.1")
    except OSError:
        client.close()
        return
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
    pipe(client, upstream)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--to-port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    ctx = ssl.create_default_context(cafile=args.ca)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, args.to_port, ctx),
                         daemon=True).start()


if __name__ == "__main__":
    main()
