#!/usr/bin/env python3
"""Turn a file into a C array in flash: bin2c.py <in> <symbol> <out.c>.

The array gets a NUL byte after the contents and <symbol>_len counts it,
as mbedtls_x509_crt_parse wants for PEM."""
import sys


def main():
    src, sym, out = sys.argv[1:4]
    data = open(src, "rb").read() + b"\0"
    rows = [", ".join(f"0x{b:02x}" for b in data[i:i + 12]) for i in range(0, len(data), 12)]
    with open(out, "w", encoding="ascii") as f:
        f.write(f"/* Generated from {src} by firmware/bin2c.py. */\n#include <stddef.h>\n\n")
        f.write(f"const unsigned char {sym}[{len(data)}] = {{\n    ")
        f.write(",\n    ".join(rows))
        f.write(f"\n}};\nconst size_t {sym}_len = {len(data)};\n")


if __name__ == "__main__":
    main()
