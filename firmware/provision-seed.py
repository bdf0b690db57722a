#!/usr/bin/env python3
"""Write a fresh NV seed into a firmware image.

    provision-seed.py <image.elf> [<out.elf>]

Finds the marker "rucio-nvseed-v1\\0" of firmware/nvseed.c (exactly once, or
it refuses) and replaces the 32 bytes after it with bytes from the host's
/dev/urandom (os.urandom). Works on the ELF (the section's bytes are stored
verbatim in the file) or a raw binary. Run it once per image, that is once
per device: two devices must never share a seed.
"""
import os
import sys

MARKER = b"rucio-nvseed-v1\0"
SEED_LEN = 32


def main():
    src = sys.argv[1]
    dst = sys.argv[2] if len(sys.argv) > 2 else src
    data = bytearray(open(src, "rb").read())
    at = data.find(MARKER)
    if at < 0 or data.find(MARKER, at + 1) >= 0:
        sys.exit(f"provision-seed: marker not found exactly once in {src}")
    start = at + len(MARKER)
    seed = os.urandom(SEED_LEN)
    while not any(seed):
        seed = os.urandom(SEED_LEN)
    data[start:start + SEED_LEN] = seed
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o755)
    os.replace(tmp, dst)


if __name__ == "__main__":
    main()
