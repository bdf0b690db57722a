#!/usr/bin/env python3
"""rucio-lite's footprint on a Cortex-M4: writes docs/footprint.md (make size).

    size-report.py --out FILE --work DIR --cc arm-none-eabi-gcc
        --nm arm-none-eabi-nm --cflags "FLAGS" --cppflags "FLAGS"
        --profile NAME RUCIO_CONFIG_H MBEDTLS_CONFIG_H "FEATURES" "SOURCES"
                                           (once per profile; "" for none)
        [--image-map MAP] [--console TXT] [--test-log LOG]
        [--console16 TXT] [--test-log16 LOG]

Everything is measured here, from the sources as they are now; nothing is
copied from an earlier run except the QEMU console logs it is pointed at.

* Library code per layer: each profile's sources (chosen by the Makefile's
  rl_features/rl_lib_srcs) are compiled with the profile's
  RUCIO_USER_CONFIG_FILE, then linked with --gc-sections against a
  generated file that takes the address of every public function (every
  function declared in include/rucio/*.h and defined by those sources).
  Only the library's own sections are counted: libc and mbedTLS stay
  unresolved (--unresolved-symbols=ignore-all), their share comes from the
  real firmware image.
* sizeof of every struct the public headers define, per profile, read back
  from the symbol sizes of a compiled file (arm-none-eabi-nm -S).
* jsmn compiled the same way, for the comparison.
* The firmware image, stack per public call and mbedTLS pool high-water:
  the image's linker map and the console logs of fw-rucio-test runs.

The map parsing is tests/firmware/fw-size.py's (make fw-size)."""
import argparse
import concurrent.futures
import datetime
import importlib.util
import os
import re
import shlex
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIB_LAYERS = ["src/core", "src/http", "src/json", "src/client", "src/tls"]
KIB = 1024
# The API of a program that uses the client (not the HTTP, TLS and string
# layers underneath, whose headers are public too).
CLIENT_HEADERS = ("client.h", "transfer.h", "status.h")

# Targets of issue 7.
TARGET_TEXT = {"full": 32 * KIB, "firmware": 16 * KIB}
TARGET_STACK = 8 * KIB
TARGET_RAM = 64 * KIB
AIM_RAM = 48 * KIB
TARGET_FLASH = 128 * KIB

# What a caller does with the public structs (descriptions, not figures).
STRUCT_NOTES = {
    "rucio_client": "the client: the one large object a caller allocates",
    "rucio_client_options": "filled before rucio_client_init, may be dropped after",
    "rucio_account_info": "result of rucio_whoami",
    "rucio_error": "inside rucio_client (rucio_client_last_error)",
    "rucio_settings": "inside rucio_client",
    "rucio_port": "the port's function table, must outlive the client",
    "rucio_http_conn": "inside rucio_client (one per connection)",
    "rucio_http_response": "inside rucio_client",
    "rucio_tls_config": "inside rucio_client when TLS is on",
    "rucio_transfer_options": "per transfer call",
    "rucio_transfer_result": "per transfer call",
}


def load_fw_size():
    path = os.path.join(TOP, "tests", "firmware", "fw-size.py")
    spec = importlib.util.spec_from_file_location("fw_size", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FW_SIZE = load_fw_size()


def run(cmd, **kw):
    """Run cmd; on failure stop with its output (a broken build is not a
    figure)."""
    p = subprocess.run(cmd, cwd=TOP, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit("size-report: failed: %s\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return p.stdout


class Profile:
    def __init__(self, name, config, mbedtls_config, features, sources, args):
        self.name = name
        self.config = config
        self.mbedtls_config = mbedtls_config
        self.features = features.split()
        self.sources = sources.split()
        self.work = os.path.join(args.work, name)
        self.cc = args.cc
        self.nm = args.nm
        self.flags = shlex.split(args.cflags) + shlex.split(args.cppflags)
        if config:
            self.flags.append('-DRUCIO_USER_CONFIG_FILE="%s"' % os.path.join(TOP, config))
        if mbedtls_config:
            self.flags.append('-DMBEDTLS_CONFIG_FILE="%s"' % mbedtls_config)
        self.layers = {}
        self.client_layers = {}
        self.roots = []
        self.client_roots = []
        self.structs = {}
        self.mbedtls_off = []

    def obj(self, src):
        return os.path.join(self.work, "obj", os.path.splitext(src)[0] + ".o")

    def compile_all(self, pool):
        jobs = []
        for src in self.sources:
            os.makedirs(os.path.dirname(self.obj(src)), exist_ok=True)
            jobs.append(pool.submit(run, [self.cc] + self.flags + ["-c", src, "-o", self.obj(src)]))
        for j in jobs:
            j.result()

    def public_functions(self, headers=None):
        """Names declared in the public headers this profile can include
        (or in those of them named in headers)."""
        names = set()
        for header in sorted(os.listdir(os.path.join(TOP, "include", "rucio"))):
            if not header.endswith(".h") or (headers and header not in headers):
                continue
            p = subprocess.run([self.cc] + self.flags + ["-E", "-x", "c", "-"], cwd=TOP,
                               input='#include "rucio/%s"\n' % header,
                               capture_output=True, text=True)
            if p.returncode != 0:
                continue  # a header of a feature this profile leaves out
            own = public_text(p.stdout, "include/rucio/" + header if headers else None)
            names |= set(re.findall(r"\b(rucio_\w+)\s*\(", own))
        return names

    def defined_functions(self):
        out = run([self.nm, "--defined-only", "-g"]
                  + [self.obj(s) for s in self.sources])
        return {line.split()[2] for line in out.splitlines()
                if len(line.split()) == 3 and line.split()[1] == "T"}

    def link(self):
        """Link the library twice: with every public function as a root,
        and with the client API's only."""
        defined = self.defined_functions()
        self.roots = sorted(self.public_functions() & defined)
        self.client_roots = sorted(self.public_functions(CLIENT_HEADERS) & defined)
        self.layers = self.link_with(self.roots, "library")
        self.client_layers = self.link_with(self.client_roots, "client-api")
        self.mbedtls_off = self.mbedtls_options_off()

    def link_with(self, roots, tag):
        """.text/.data/.bss per layer kept by --gc-sections from roots."""
        roots_c = os.path.join(self.work, tag + "-roots.c")
        with open(roots_c, "w", encoding="utf-8") as f:
            f.write("/* Generated by tools/size-report.py: every public function\n"
                    " * as a root of --gc-sections (only addresses are taken). */\n")
            for name in roots:
                f.write("extern void %s(void);\n" % name)
            f.write("void (*const rl_size_roots[])(void) = {\n")
            f.write("".join("    %s,\n" % name for name in roots))
            f.write("};\n")
        roots_o = os.path.join(self.work, tag + "-roots.o")
        run([self.cc] + self.flags + ["-Wno-missing-variable-declarations", "-c", roots_c,
                                      "-o", roots_o])
        lib_map = os.path.join(self.work, tag + ".map")
        run([self.cc] + arch_flags(self.flags) + [
            "-nostdlib", "-Wl,--gc-sections", "-Wl,--unresolved-symbols=ignore-all",
            "-Wl,-e,rl_size_roots", "-Wl,-u,rl_size_roots", "-Wl,-Map=" + lib_map,
            roots_o] + [self.obj(s) for s in self.sources]
            + ["-o", os.path.join(self.work, tag + ".elf")])
        return layer_sizes(lib_map, "/%s/obj/" % self.name)

    def mbedtls_options_off(self):
        """The MBEDTLS_* options the sources test with defined() that the
        mbedTLS configuration compiled against leaves out: code behind them
        is not in the figures."""
        options = mbedtls_options(self.flags)
        wanted = set()
        for src in self.sources:
            with open(os.path.join(TOP, src), encoding="utf-8") as f:
                # Tested for presence (not "!defined", not #ifndef).
                wanted |= set(re.findall(r"(?:(?<!!)defined\s*\(?|#\s*ifdef)\s*(MBEDTLS_\w+)",
                                         f.read()))
        wanted &= options
        if not wanted or "TLS=1" not in self.features:
            return []
        probe = '#include <mbedtls/build_info.h>\n' + "".join(
            "#ifndef %s\nrl_off %s\n#endif\n" % (w, w) for w in sorted(wanted))
        out = run([self.cc] + self.flags + ["-E", "-P", "-x", "c", "-"], input=probe)
        return re.findall(r"^rl_off (\w+)", out, re.M)

    def measure_structs(self):
        headers = []
        for header in sorted(os.listdir(os.path.join(TOP, "include", "rucio"))):
            if header.endswith(".h") and subprocess.run(
                    [self.cc] + self.flags + ["-fsyntax-only", "-x", "c", "-"], cwd=TOP,
                    input='#include "rucio/%s"\n' % header,
                    capture_output=True, text=True).returncode == 0:
                headers.append(header)
        text = "".join('#include "rucio/%s"\n' % h for h in headers)
        pre = run([self.cc] + self.flags + ["-E", "-x", "c", "-"], input=text)
        names = typedef_structs(public_text(pre))
        src = os.path.join(self.work, "sizes.c")
        with open(src, "w", encoding="utf-8") as f:
            f.write("/* Generated by tools/size-report.py: one array per public\n"
                    " * struct, as long as the struct (read with nm -S). */\n" + text)
            for name in names:
                f.write("char rl_sizeof__%s[sizeof(%s)];\n" % (name, name))
        obj = os.path.join(self.work, "sizes.o")
        run([self.cc] + self.flags + ["-Wno-missing-variable-declarations", "-c", src,
                                      "-o", obj])
        out = run([self.nm, "-S", "--defined-only", obj])
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[3].startswith("rl_sizeof__"):
                self.structs[parts[3][len("rl_sizeof__"):]] = int(parts[1], 16)


def mbedtls_options(flags):
    """The option names of mbedTLS's default configuration file (every
    option, on or commented out) in the -isystem folders of flags."""
    for i, f in enumerate(flags):
        if f == "-isystem" and i + 1 < len(flags):
            h = os.path.join(TOP, flags[i + 1], "mbedtls", "mbedtls_config.h")
            if os.path.exists(h):
                with open(h, encoding="utf-8") as cfg:
                    return set(re.findall(r"^\s*(?://)?\s*#define\s+(MBEDTLS_\w+)",
                                          cfg.read(), re.M))
    return set()


def arch_flags(flags):
    return [f for f in flags if f.startswith(("-mcpu", "-mthumb", "-mfloat-abi", "-mfpu"))]


def public_text(preprocessed, only=None):
    """The part of preprocessor output that comes from include/rucio/ (or
    from the one header `only`)."""
    keep, out = False, []
    for line in preprocessed.splitlines():
        m = re.match(r'^# \d+ "([^"]*)"', line)
        if m:
            keep = m.group(1).endswith(only) if only else "include/rucio/" in m.group(1)
        elif keep:
            out.append(line)
    return "\n".join(out)


def typedef_structs(text):
    """Names of `typedef struct|union [tag] { ... } name;`, in order."""
    names = []
    for m in re.finditer(r"\btypedef\s+(?:struct|union)\s*\w*\s*\{", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        n = re.match(r"\s*(\w+)\s*;", text[i:])
        if n and n.group(1) not in names:
            names.append(n.group(1))
    return names


def layer_sizes(map_path, obj_key):
    """.text/.data/.bss per library layer of a linker map: the input
    sections of objects under <obj_key>src/<layer>/."""
    sizes = {layer: {"text": 0, "data": 0, "bss": 0} for layer in LIB_LAYERS}
    for out_sec, in_path, size in FW_SIZE.map_entries(map_path)[0]:
        kind = FW_SIZE.KIND.get(out_sec)
        for layer in LIB_LAYERS:
            if kind and obj_key + layer + "/" in in_path:
                sizes[layer][kind] += size
    return sizes


def ram_objects(map_path, count=6):
    """The largest input sections in RAM (.data, .bss) of a map."""
    found = []
    entry = re.compile(r"^ (\.(?:bss|data)\.\S+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$")
    with open(map_path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        # A long section name puts address, size and file on the next line.
        if re.match(r"^ \.(?:bss|data)\.\S+$", line) and i + 1 < len(lines):
            line = line + lines[i + 1]
        m = entry.match(line)
        if m:
            found.append((int(m.group(2), 16), m.group(1), os.path.basename(m.group(3))))
    found.sort(reverse=True)
    return found[:count]


def jsmn_size(args):
    """jsmn (Debian's header-only /usr/include/jsmn.h) alone, compiled and
    collected like the library: its two functions as roots."""
    work = os.path.join(args.work, "jsmn")
    os.makedirs(work, exist_ok=True)
    flags = shlex.split(args.cflags) + shlex.split(args.cppflags)
    src = os.path.join(work, "jsmn.c")
    with open(src, "w", encoding="utf-8") as f:
        f.write("/* Generated by tools/size-report.py: jsmn's implementation. */\n"
                "#include <jsmn.h>\n")
    roots = os.path.join(work, "roots.c")
    with open(roots, "w", encoding="utf-8") as f:
        f.write("extern void jsmn_init(void);\nextern void jsmn_parse(void);\n"
                "void (*const rl_size_roots[])(void) = {jsmn_init, jsmn_parse};\n")
    os.makedirs(os.path.join(work, "obj"), exist_ok=True)
    run([args.cc] + flags + ["-c", src, "-o", os.path.join(work, "obj", "jsmn.o")])
    run([args.cc] + flags + ["-Wno-missing-variable-declarations", "-c", roots, "-o",
                             os.path.join(work, "roots.o")])
    lib_map = os.path.join(work, "jsmn.map")
    run([args.cc] + arch_flags(flags) + [
        "-nostdlib", "-Wl,--gc-sections", "-Wl,--unresolved-symbols=ignore-all",
        "-Wl,-e,rl_size_roots", "-Wl,-u,rl_size_roots", "-Wl,-Map=" + lib_map,
        os.path.join(work, "roots.o"), os.path.join(work, "obj", "jsmn.o"),
        "-o", os.path.join(work, "jsmn.elf")])
    total = {"text": 0, "data": 0, "bss": 0}
    for out_sec, in_path, size in FW_SIZE.map_entries(lib_map)[0]:
        kind = FW_SIZE.KIND.get(out_sec)
        if kind and in_path.endswith("/obj/jsmn.o"):
            total[kind] += size
    return total


# ---- QEMU console logs ---------------------------------------------------

def read_console(path, test_log):
    """The figures a rucio_proof run printed, or None when there is no log."""
    if not path or not os.path.exists(path):
        return None
    text = open(path, encoding="utf-8", errors="replace").read()
    c = {"path": os.path.relpath(path, TOP), "stack": {}, "when": datetime.datetime.fromtimestamp(
        os.path.getmtime(path), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    m = re.search(r"RAM (\d+) (?:of \d+ )?bytes by the linker map \((?:budget \d+; )?"
                  r"client (\d+), stack (\d+), mbedTLS pool (\d+)\)", text)
    if m:
        c["ram"], c["client"], c["stack_size"], c["pool"] = map(int, m.groups())
    m = re.search(r"^ram: mbedTLS pool high-water (\d+) bytes \((\d+) blocks\)", text, re.M)
    if m:
        c["pool_high"], c["pool_blocks"] = map(int, m.groups())
    m = re.search(r"^ram: stack high-water (\d+) bytes", text, re.M)
    if m:
        c["stack_high"] = int(m.group(1))
    for name, val in re.findall(r"^stack: (\S+) (\d+)$", text, re.M):
        c["stack"][name] = int(val)
    m = re.search(r"^firmware: done, (\d+) failed", text, re.M)
    c["failed"] = int(m.group(1)) if m else None
    c["signed"] = len(re.findall(r"^CHECK signed_\w+ ok$", text, re.M))
    c["summary"] = None
    # The test's own log counts only when it was written by the same run
    # (after the console); with SIZE_QEMU=0 it may be older.
    if test_log and os.path.exists(test_log) and \
            os.path.getmtime(test_log) >= os.path.getmtime(path):
        m = re.findall(r"^firmware-rucio: (\d+) passed, (\d+) failed$",
                       open(test_log, encoding="utf-8", errors="replace").read(), re.M)
        if m:
            c["summary"] = "%s passed, %s failed" % m[-1]
    return c


# ---- the document ---------------------------------------------------------

def met(ok):
    return "**met**" if ok else "**not met**"


def kib(n):
    return "%d (%.1f KiB)" % (n, n / KIB)


def total_of(layers):
    return {k: sum(layers[layer][k] for layer in LIB_LAYERS) for k in ("text", "data", "bss")}


def git_describe():
    p = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=TOP,
                       capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else "unknown"


def first_line(cmd):
    p = subprocess.run(cmd, cwd=TOP, capture_output=True, text=True)
    return p.stdout.splitlines()[0] if p.returncode == 0 and p.stdout else "unknown"


def mbedtls_version(cppflags):
    flags = shlex.split(cppflags)
    for i, f in enumerate(flags):
        if f == "-isystem" and i + 1 < len(flags):
            h = os.path.join(TOP, flags[i + 1], "mbedtls", "build_info.h")
            if os.path.exists(h):
                m = re.search(r'MBEDTLS_VERSION_STRING\s+"([^"]+)"', open(h).read())
                if m:
                    return m.group(1)
    return "unknown"


def write_doc(args, profiles, jsmn, image, console4, console16):
    L = []
    add = L.append
    by = {p.name: p for p in profiles}
    add("# rucio-lite footprint on a Cortex-M4")
    add("")
    add("<!-- Generated by `make size` (mk/size.mk, tools/size-report.py): do not edit. -->")
    add("Generated by `make size` on %s from `%s`; regenerate it with `make size`"
        % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"), git_describe()))
    add("(about a minute: it compiles the library three times for the M4 and runs the")
    add("firmware twice in QEMU against the real Rucio server; `make size SIZE_QEMU=0`")
    add("reuses the console logs of the last runs instead). Every figure below is")
    add("measured from the tree as it is; none is typed in, except the published")
    add("figures of coreHTTP and coreJSON.")
    add("")
    add("Compiler: `%s`, flags `%s`" % (
        first_line([args.cc, "--version"]),
        " ".join(f for f in shlex.split(args.cflags) if not f.startswith("-W"))))
    add("(and the project's warning flags). mbedTLS %s: the headers of `make fw-mbedtls`."
        % mbedtls_version(args.cppflags))
    add("")
    add("Profiles: **full** (no configuration file: every feature on), **firmware**")
    add("(`firmware/rucio_config_fw.h`), **off** (`tests/config/minimal.h`: every")
    add("optional feature off, plain HTTP, a caller-given token only); their switches")
    add("as the Makefile resolves them, and the mbedTLS configuration compiled against:")
    add("")
    for p in profiles:
        add("- %s: `%s`; mbedTLS configuration %s." % (
            p.name, " ".join(p.features) or "(unknown)",
            "none (TLS is off)" if "TLS=0" in p.features
            else "`firmware/%s`" % p.mbedtls_config if p.mbedtls_config
            else "`mbedtls/mbedtls_config.h` (mbedTLS's default: everything rucio-lite "
                 "can use)"))
        if p.mbedtls_off:
            add("  It leaves out %s: rucio-lite's code for %s is not compiled." % (
                ", ".join("`%s`" % o for o in p.mbedtls_off),
                "it" if len(p.mbedtls_off) == 1 else "them"))
    add("")

    # Targets.
    add("## Targets of issue 7")
    add("")
    add("| target | limit | measured | |")
    add("|---|---:|---:|---|")
    for name, limit in TARGET_TEXT.items():
        if name in by:
            t = total_of(by[name].layers)["text"]
            add("| library .text, %s profile | %s | %s | %s |" % (name, kib(limit), kib(t),
                                                                 met(t <= limit)))
    for p in profiles:
        t = total_of(p.layers)
        add("| library .data + .bss, %s profile | 0 | %d | %s |"
            % (p.name, t["data"] + t["bss"], met(t["data"] + t["bss"] == 0)))
    if console4 and console4["stack"]:
        worst = max(console4["stack"].items(), key=lambda kv: kv[1])
        add("| stack per public call, firmware | %s | %d (%s) | %s |"
            % (kib(TARGET_STACK), worst[1], worst[0], met(worst[1] <= TARGET_STACK)))
    else:
        add("| stack per public call, firmware | %s | not measured (no console log) | "
            "unknown |" % kib(TARGET_STACK))
    if image:
        add("| firmware image RAM (aim %s) | %s | %s | %s%s |"
            % (kib(AIM_RAM), kib(TARGET_RAM), kib(image["ram"]), met(image["ram"] <= TARGET_RAM),
               ", aim met" if image["ram"] <= AIM_RAM else ", aim not met"))
        add("| firmware image flash | %s | %s | %s |"
            % (kib(TARGET_FLASH), kib(image["flash"]), met(image["flash"] <= TARGET_FLASH)))
    add("")

    # Library per layer.
    add("## Library code per layer")
    add("")
    add("`.text` (code and read-only data), `.data` and `.bss` in bytes, after")
    add("`--gc-sections` with every public function as a root: the functions declared")
    add("in `include/rucio/*.h` and defined by the profile's sources (%s)."
        % ", ".join("%s: %d" % (p.name, len(p.roots)) for p in profiles))
    add("A program calling only some of them links less (see the firmware image below).")
    add("mbedTLS, jsmn's declarations and libc are outside these figures; `src/json`")
    add("includes jsmn's code (rucio-lite compiles jsmn's header-only implementation).")
    add("")
    head = "| layer |" + "".join(" %s .text | .data | .bss |" % p.name for p in profiles)
    add(head)
    add("|---|" + "---:|---:|---:|" * len(profiles))
    for layer in LIB_LAYERS:
        row = "| %s |" % layer
        for p in profiles:
            s = p.layers[layer]
            row += " %d | %d | %d |" % (s["text"], s["data"], s["bss"])
        add(row)
    row = "| **total** |"
    for p in profiles:
        t = total_of(p.layers)
        row += " **%d** | %d | %d |" % (t["text"], t["data"], t["bss"])
    add(row)
    row = "| total, client API only |"
    for p in profiles:
        row += " %d | %d | %d |" % tuple(total_of(p.client_layers)[k]
                                         for k in ("text", "data", "bss"))
    add(row)
    add("")
    add("The last row keeps only the functions of %s (%s): what a program that"
        % (", ".join("`%s`" % h for h in CLIENT_HEADERS),
           ", ".join("%s: %d" % (p.name, len(p.client_roots)) for p in profiles)))
    add("uses the client, and not the HTTP, TLS and string layers directly, links.")
    add("The targets above are checked against the first total.")
    add("")

    # Side by side.
    add("## Side by side")
    add("")
    add("| library | what | .text (bytes) | source |")
    add("|---|---|---:|---|")
    for p in profiles:
        s = p.layers
        add("| rucio-lite, %s | HTTP/1.1 client (`src/http`) | %d | measured |"
            % (p.name, s["src/http"]["text"]))
    for p in profiles:
        add("| rucio-lite, %s | the whole library | %d | measured |"
            % (p.name, total_of(p.layers)["text"]))
    add("| rucio-lite | JSON (`src/json`, jsmn included) | %d | measured |"
        % by[profiles[0].name].layers["src/json"]["text"])
    add("| jsmn | tokenizer (Debian's `jsmn.h`, `jsmn_init` + `jsmn_parse`) | %d | "
        "measured, same flags |" % jsmn["text"])
    add("| coreHTTP | HTTP client alone | 22,300–31,900 | published (FreeRTOS) |")
    add("| coreJSON | JSON parser | 2,500 | published (FreeRTOS) |")
    add("")

    # Firmware image.
    add("## The firmware image")
    add("")
    if image:
        add("`%s` (`make fw-rucio`: librucio in the firmware profile, mbedTLS, the"
            % image["path"])
        add("modem port, the board, newlib-nano), from its linker map. Here librucio holds")
        add("only what the firmware calls.")
        add("")
        add("| part | .text | .data | .bss |")
        add("|---|---:|---:|---:|")
        for name, s in image["rows"]:
            add("| %s | %d | %d | %d |" % (name, s["text"], s["data"], s["bss"]))
        add("| **image** | **%d** | **%d** | **%d** |"
            % (image["tot"]["text"], image["tot"]["data"], image["tot"]["bss"]))
        add("")
        add("- librucio: %d bytes of flash; mbedTLS: %d bytes (%.0f%% of the image's flash)."
            % (image["lib"], image["mbedtls"], 100.0 * image["mbedtls"] / image["flash"]))
        add("- Flash %s of %s allowed (the board's region is 256 KiB)."
            % (kib(image["flash"]), kib(TARGET_FLASH)))
        add("- RAM %s of %s: stack %d, .data %d, .bss %d. Largest RAM objects:"
            % (kib(image["ram"]), kib(TARGET_RAM), image["stack"], image["tot"]["data"],
               image["tot"]["bss"]))
        for size, sec, obj in image["ram_objects"]:
            add("  `%s` %d (%s)" % (sec, size, obj) + ",")
        L[-1] = L[-1].rstrip(",") + "."
    else:
        add("Not built: no linker map of `make fw-rucio` was found.")
    add("")

    # RAM: structs.
    add("## RAM a caller provides: `sizeof` on the M4")
    add("")
    add("Every struct the public headers define, compiled for the Cortex-M4 with each")
    add("profile's configuration (\u2014: not in that profile's headers). The library has")
    add("no heap and no static state: the client and the mbedTLS pool (the firmware's")
    add("static pool, below) are the RAM it needs, with the stack of the calls.")
    add("")
    names = []
    for p in profiles:
        names += [n for n in p.structs if n not in names]
    names.sort(key=lambda n: (n not in STRUCT_NOTES, n))
    add("| struct |" + "".join(" %s |" % p.name for p in profiles) + " note |")
    add("|---|" + "---:|" * len(profiles) + "---|")
    for n in names:
        cells = "".join(" %s |" % (p.structs[n] if n in p.structs else "\u2014") for p in profiles)
        label = "**%s**" % n if n == "rucio_client" else "`%s`" % n
        add("| %s |%s %s |" % (label, cells, STRUCT_NOTES.get(n, "")))
    add("")

    # Stack.
    add("## Stack per public call (firmware profile, in QEMU)")
    add("")
    if console4 and console4["stack"]:
        add("From `%s` (%s; fw-rucio-test: %s). Before each public call"
            % (console4["path"], console4["when"], console4["summary"] or "result not recorded"))
        add("`firmware/rucio_proof.c` paints the free stack; after it, the deepest word")
        add("written, measured from the caller's stack pointer, is the call's need (an")
        add("interrupt taken during the call adds its 32-byte frame, as on a real board).")
        add("The deepest of all calls of a function is kept.")
        add("`tests/firmware/fw-rucio-test.sh` fails when a figure is over %d." % TARGET_STACK)
        add("")
        add("| public call | stack (bytes) | limit %d |" % TARGET_STACK)
        add("|---|---:|---|")
        for name, val in sorted(console4["stack"].items(), key=lambda kv: -kv[1]):
            add("| `%s` | %d | %s |" % (name, val, met(val <= TARGET_STACK)))
        add("")
        if "stack_high" in console4:
            add("Deepest point of the whole run, from the top of the %d-byte stack (the"
                % console4.get("stack_size", 0))
            add("firmware's own frames included): %d bytes." % console4["stack_high"])
    else:
        add("Not measured: no console log of `make fw-rucio-test` (run `make size` with")
        add("the Rucio server available).")
    add("")

    # Pool.
    add("## mbedTLS pool high-water")
    add("")
    add("The firmware's mbedTLS allocates from one static pool")
    add("(`MBEDTLS_MEMORY_BUFFER_ALLOC_C`); its high-water after the whole run (userpass")
    add("authentication, whoami, three signed URLs, then a token-only client).")
    add("")
    add("| TLS records | pool | high-water | blocks | image RAM | run |")
    add("|---|---:|---:|---:|---:|---|")
    for label, c, note in (("4 KiB (the firmware)", console4, "the normal image, 64 KiB RAM"),
                           ("16 KiB (mbedTLS default)", console16,
                            "measurement variant: RAM region %s, pool %s" % (
                                args.fw16_ram, args.fw16_pool))):
        if c and "pool_high" in c:
            add("| %s | %d | %d | %d | %d | %s; %s, %s |"
                % (label, c.get("pool", 0), c["pool_high"], c["pool_blocks"], c.get("ram", 0),
                   note, c["when"], c["summary"] or "test result not recorded"))
        else:
            add("| %s | \u2014 | not measured | | | %s: no console log |" % (label, note))
    add("")
    add("16 KiB records do not fit the firmware's 64 KiB of RAM with its 24 KiB pool.")
    add("They are measured in a variant of the image built only for this figure")
    add("(`mk/size.mk`: `FW_RECORD=16384`, a larger `FW_POOL`, and a copy of the")
    add("linker script whose RAM region is %s; the board has 4 MB of SRAM). That"
        % args.fw16_ram)
    add("variant does not meet the 64 KiB target and is not the firmware of `make test`.")
    add("")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(L))


def image_figures(map_path):
    if not map_path or not os.path.exists(map_path):
        return None
    sizes, stack = FW_SIZE.parse(map_path)
    rows = [(name, sizes[name]) for name, _ in FW_SIZE.LAYERS if any(sizes[name].values())]
    tot = {k: sum(s[k] for _, s in rows) for k in ("text", "data", "bss")}
    lib = sum(s["text"] + s["data"] for n, s in rows if n.startswith("librucio"))
    mbed = sum(s["text"] + s["data"] for n, s in rows if n.startswith("mbedTLS"))
    return {"path": os.path.relpath(map_path, TOP).replace(".map", ".elf"), "rows": rows,
            "tot": tot, "stack": stack, "flash": tot["text"] + tot["data"],
            "ram": tot["data"] + tot["bss"] + stack, "lib": lib, "mbedtls": mbed,
            "ram_objects": ram_objects(map_path)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--nm", required=True)
    ap.add_argument("--cflags", required=True)
    ap.add_argument("--cppflags", required=True)
    ap.add_argument("--profile", nargs=5, action="append", required=True,
                    metavar=("NAME", "CONFIG", "MBEDTLS_CONFIG", "FEATURES", "SOURCES"))
    ap.add_argument("--image-map")
    ap.add_argument("--console")
    ap.add_argument("--test-log")
    ap.add_argument("--console16")
    ap.add_argument("--test-log16")
    ap.add_argument("--fw16-ram", default="?")
    ap.add_argument("--fw16-pool", default="?")
    args = ap.parse_args()

    profiles = [Profile(*p, args) for p in args.profile]
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for p in profiles:
            p.compile_all(pool)
        list(pool.map(lambda p: (p.link(), p.measure_structs()), profiles))
    jsmn = jsmn_size(args)
    image = image_figures(args.image_map)
    console4 = read_console(args.console, args.test_log)
    console16 = read_console(args.console16, args.test_log16)
    write_doc(args, profiles, jsmn, image, console4, console16)
    for p in profiles:
        t = total_of(p.layers)
        print("size: %-8s library .text %6d .data %d .bss %d (%d public functions)"
              % (p.name, t["text"], t["data"], t["bss"], len(p.roots)))
    if image:
        print("size: image flash %d, RAM %d (mbedTLS %d)" % (image["flash"], image["ram"],
                                                             image["mbedtls"]))
    print("size: wrote %s" % os.path.relpath(args.out, TOP))


if __name__ == "__main__":
    main()
