#!/usr/bin/env python3
"""Flash and RAM of a firmware image per layer, from its linker map.

    fw-size.py <image.map> [...]

Counts every input section the linker kept (after --gc-sections) under
the output section it landed in: .text (code and read-only data, vectors,
NV seed) is flash, .data is flash and RAM, .bss and .stack are RAM.
Prints a Markdown table per map."""
import re
import sys

LAYERS = [
    ("librucio src/core", "/obj/src/core/"),
    ("librucio src/http", "/obj/src/http/"),
    ("librucio src/json", "/obj/src/json/"),
    ("librucio src/client", "/obj/src/client/"),
    ("librucio src/tls", "/obj/src/tls/"),
    ("port/modem", "/obj/port/modem/"),
    ("firmware board", "/obj/firmware/board/"),
    ("firmware (app, entropy, pool, CA)", "/obj/"),
    ("mbedTLS libmbedtls", "libmbedtls.a"),
    ("mbedTLS libmbedx509", "libmbedx509.a"),
    ("mbedTLS libmbedcrypto", "libmbedcrypto.a"),
    ("newlib-nano libc", "libc_nano.a"),
    ("libgcc", "libgcc.a"),
]
# Output sections of the firmware's linker script, and of the toolchain's
# default script (.rodata, ...) that tools/size-report.py links with.
KIND = {".vectors": "text", ".text": "text", ".ARM.exidx": "text", ".nvseed": "text",
        ".rodata": "text", ".rodata1": "text", ".ARM.extab": "text",
        ".data": "data", ".bss": "bss", ".stack": "bss"}
ENTRY = re.compile(r"^ (\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$")
OUT = re.compile(r"^(\.[A-Za-z_.]+)\s")


def layer_of(path):
    for name, key in LAYERS:
        if key in path:
            return name
    return None


def map_entries(path):
    """The input sections the linker kept, as (output section, input file,
    size), and the size of each output section that states one."""
    entries, out_sizes = [], {}
    out, pending, started = None, None, False
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    for line in lines:
        if line.startswith("Linker script and memory map"):
            started = True
            continue
        if not started:
            continue
        m = OUT.match(line)
        if m:
            out = m.group(1)
            fields = line.split()
            if len(fields) >= 3 and fields[2].startswith("0x"):
                out_sizes[out] = int(fields[2], 16)
            continue
        # A long section name puts address, size and file on the next line.
        if pending and re.match(r"^\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+\S+$", line):
            line = " " + pending + line
        pending = None
        if re.match(r"^ \.\S+$", line):
            pending = line.strip()
            continue
        m = ENTRY.match(line)
        if m and not (m.group(1) or "").startswith("*"):
            entries.append((out, m.group(3), int(m.group(2), 16)))
    return entries, out_sizes


def parse(path):
    sizes = {name: {"text": 0, "data": 0, "bss": 0} for name, _ in LAYERS}
    entries, out_sizes = map_entries(path)
    for out, in_path, size in entries:
        layer = layer_of(in_path)
        if layer and out in KIND:
            sizes[layer][KIND[out]] += size
    return sizes, out_sizes.get(".stack", 0)


def main():
    for path in sys.argv[1:]:
        sizes, stack = parse(path)
        print(f"\n{path}\n")
        print("| layer | .text | .data | .bss |")
        print("|---|---:|---:|---:|")
        tot = {"text": 0, "data": 0, "bss": 0}
        for name, _ in LAYERS:
            s = sizes[name]
            if not any(s.values()):
                continue
            print(f"| {name} | {s['text']} | {s['data']} | {s['bss']} |")
            for k in tot:
                tot[k] += s[k]
        lib = [sizes[n] for n, _ in LAYERS if n.startswith("librucio")]
        print(f"| **librucio total** | {sum(s['text'] for s in lib)} | "
              f"{sum(s['data'] for s in lib)} | {sum(s['bss'] for s in lib)} |")
        print(f"| **image** | {tot['text']} | {tot['data']} | {tot['bss']} |")
        print(f"\nflash {tot['text'] + tot['data']} bytes of 262144; RAM "
              f"{tot['data'] + tot['bss'] + stack} bytes of 65536 "
              f"(stack {stack}, .data {tot['data']}, .bss {tot['bss']})")


if __name__ == "__main__":
    main()
