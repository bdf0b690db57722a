#!/usr/bin/python3
"""Write the benchmark page and its chart from bench.py's results.

Usage: report.py RESULTS_JSON PAGE_MD [SETUP_SECONDS]

The page is written whole, from scratch; the chart goes beside it
(PAGE with .png for .md), drawn by gnuplot.
"""
import json
import os
import subprocess
import sys
import tempfile

COLS = ('rucio-lite', 'curl', 'python', 'floor')
SCENARIOS = (
    ('rsa', 'RSA-2048 chain, one CA file'),
    ('ecdsa', 'ECDSA P-256 chain, one CA file'),
    ('bundle', "Debian's CA bundle + the test CA"),
    ('grid', 'grid-style CA directory'),
    ('auth', 'empty token cache: userpass login + signurl'),
)


# ---- formatting ------------------------------------------------------------------

def fmt_count(n):
    """Instructions as 22.8 M / 73 k."""
    if n is None:
        return '–'
    if n >= 1e6:
        return f'{n / 1e6:.1f} M'
    if n >= 1e3:
        return f'{n / 1e3:.0f} k'
    return f'{n:.0f}'


def fmt_bytes(n):
    if n is None:
        return '–'
    if n >= 1 << 20:
        return f'{n / (1 << 20):.1f} MiB'
    return f'{n / 1024:.0f} KiB'


def fmt_num(x, digits=1):
    return '–' if x is None else f'{x:,.{digits}f}'


def ratio(a, b):
    if a is None or b is None or b == 0:
        return '–'
    return f'{a / b:.2f}×' if a / b >= 0.1 else f'1/{b / a:.0f}'


def get(d, *keys):
    """d[k1][k2]..., None where a level is missing (keys or list indexes)."""
    for k in keys:
        if isinstance(d, dict) and k in d:
            d = d[k]
        elif isinstance(d, list) and isinstance(k, int) and k < len(d):
            d = d[k]
        else:
            return None
    return d


def row(cells):
    return '| ' + ' | '.join(cells) + ' |'


# ---- the main table ----------------------------------------------------------------

def figure_rows(r):
    """(label, values per contender, formatter, smaller-is-better) rows."""
    rows = []
    for key, label in SCENARIOS:
        rows.append((f'cold signurl, instructions: {label}',
                     {c: get(r, 'cold', key, c, 'instructions') for c in COLS}, fmt_count))
    for key, label in SCENARIOS:
        rows.append((f'cold signurl, CPU ms (median): {label}',
                     {c: get(r, 'cold', key, c, 'cpu_ms', 0) for c in COLS},
                     lambda x: fmt_num(x, 2)))
    rows.append(('cold signurl, wall ms (median): RSA, one CA',
                 {c: get(r, 'cold', 'rsa', c, 'wall_ms', 0) for c in COLS},
                 lambda x: fmt_num(x, 2)))
    rows.append(('cold signurl, peak RSS: RSA, one CA',
                 {c: (get(r, 'cold', 'rsa', c, 'rss_kib') or 0) * 1024 or None for c in COLS},
                 fmt_bytes))
    static_rss = get(r, 'cold', 'rsa', 'rucio-lite-static', 'rss_kib')
    if static_rss:
        rows.append(('cold signurl, peak RSS: RSA, one CA, rucio-lite linked statically',
                     {'rucio-lite': static_rss * 1024,
                      'curl': (get(r, 'cold', 'rsa', 'curl', 'rss_kib') or 0) * 1024 or None,
                      'python': (get(r, 'cold', 'rsa', 'python', 'rss_kib') or 0) * 1024 or None},
                     fmt_bytes))
    rows.append(('cold signurl, heap peak (DHAT t-gmax): RSA, one CA',
                 {c: get(r, 'heap', c, 'bytes') for c in COLS}, fmt_bytes))
    for key, label in (('warm', '3,000-character token'),
                       ('warm_short', '52-character token')):
        rows.append((f'warm, instructions per call, {label}',
                     {c: get(r, key, c, 'instructions_per_call') for c in COLS}, fmt_count))
        rows.append((f'warm, CPU µs per call, {label}',
                     {c: get(r, key, c, 'cpu_us_per_call') for c in COLS},
                     lambda x: fmt_num(x, 1)))
        rows.append((f'warm, calls per second (higher is better), {label}',
                     {c: get(r, key, c, 'calls_per_s') for c in COLS},
                     lambda x: fmt_num(x, 0)))
    s = r['sizes']
    rows.append(('size on disk: static binary / curl + its shared libraries / '
                 'Python + stdlib + venv',
                 {'rucio-lite': s['static_binary'], 'curl': s['curl_closure'],
                  'python': s['python_closure']}, fmt_bytes))
    return rows


def main_table(r):
    lines = [row(['figure', 'rucio-lite', 'curl', 'Python client', 'floor (mbedTLS alone)',
                  'rucio-lite / curl', 'rucio-lite / Python']),
             row(['---'] + ['---:'] * 6)]
    for label, values, fmt in figure_rows(r):
        lite = values.get('rucio-lite')
        lines.append(row([label] + [fmt(values.get(c)) for c in COLS]
                         + [ratio(lite, values.get('curl')), ratio(lite, values.get('python'))]))
    return '\n'.join(lines)


def spread_table(cold, title_rows):
    lines = [row(['scenario', 'contender', 'runs', 'wall ms median', 'min', 'max',
                  'CPU ms median', 'min', 'max', 'peak RSS']),
             row(['---', '---'] + ['---:'] * 8)]
    for key, label in title_rows:
        for c in COLS + ('rucio-lite-static',):
            x = get(cold, key, c)
            if not x:
                continue
            lines.append(row([label, c, str(x['runs'])]
                             + [fmt_num(v, 2) for v in x['wall_ms']]
                             + [fmt_num(v, 2) for v in x['cpu_ms']]
                             + [fmt_bytes(x['rss_kib'] * 1024)]))
    return '\n'.join(lines)


def real_tables(real):
    cold = real['cold']
    warm = real['warm']
    lines = [row(['figure', 'rucio-lite', 'curl', 'Python client', 'rucio-lite / curl',
                  'rucio-lite / Python']),
             row(['---'] + ['---:'] * 5)]
    figures = [
        ('cold signurl, instructions', lambda c: get(cold, c, 'instructions'), fmt_count),
        ('cold signurl, CPU ms (median)', lambda c: get(cold, c, 'cpu_ms', 0),
         lambda x: fmt_num(x, 2)),
        ('cold signurl, wall ms (median)', lambda c: get(cold, c, 'wall_ms', 0),
         lambda x: fmt_num(x, 1)),
        ('cold signurl, peak RSS', lambda c: (get(cold, c, 'rss_kib') or 0) * 1024 or None,
         fmt_bytes),
        ('warm, wall ms per call', lambda c: (get(warm, c, 'wall_us_per_call') or 0) / 1e3 or None,
         lambda x: fmt_num(x, 1)),
        ('warm, calls per second (higher is better)', lambda c: get(warm, c, 'calls_per_s'),
         lambda x: fmt_num(x, 1)),
        ('warm, client CPU µs per call', lambda c: get(warm, c, 'cpu_us_per_call'),
         lambda x: fmt_num(x, 0)),
        ('warm, server CPU ms per call (Rucio, all threads)',
         lambda c: (get(warm, c, 'server_cpu_us_per_call') or 0) / 1e3 or None,
         lambda x: fmt_num(x, 1)),
    ]
    for label, value, fmt in figures:
        v = {c: value(c) for c in COLS[:3]}
        lines.append(row([label] + [fmt(v[c]) for c in COLS[:3]]
                         + [ratio(v['rucio-lite'], v['curl']),
                            ratio(v['rucio-lite'], v['python'])]))
    return '\n'.join(lines)


# ---- targets of issue 10 --------------------------------------------------------------

def check(ok):
    return 'met' if ok else '**missed**'


def targets(r):
    lite = lambda key: get(r, 'cold', key, 'rucio-lite', 'instructions')
    rsa, floor = lite('rsa'), get(r, 'cold', 'rsa', 'floor', 'instructions')
    curl, py = get(r, 'cold', 'rsa', 'curl', 'instructions'), get(r, 'cold', 'rsa', 'python', 'instructions')
    rss = get(r, 'cold', 'rsa', 'rucio-lite', 'rss_kib')
    ec, ec_curl = lite('ecdsa'), get(r, 'cold', 'ecdsa', 'curl', 'instructions')
    w = r['warm']['rucio-lite']
    wi, wc = w.get('instructions_per_call'), w['cpu_us_per_call']
    w_curl = r['warm']['curl'].get('instructions_per_call')
    w_py = r['warm']['python'].get('instructions_per_call')
    rw = r['real']['warm']['rucio-lite']
    latency_ms = rw['wall_us_per_call'] / 1e3
    server_ms = rw['server_cpu_us_per_call'] / 1e3
    items = []

    def add(what, measured, ok):
        items.append(row([what, measured, check(ok)]))

    if rsa and floor:
        add('cold, RSA, one CA: ≤ 1.02× the floor', f'{rsa / floor:.2f}×', rsa <= 1.02 * floor)
    if rsa and curl:
        add('cold, RSA, one CA: ≤ 0.7× curl', f'{rsa / curl:.2f}×', rsa <= 0.7 * curl)
    if rsa and py:
        add('cold, RSA, one CA: ≥ 25× below Python', f'{py / rsa:.1f}× below', py >= 25 * rsa)
    if rss:
        add('cold, peak RSS ≤ 2.5 MiB', fmt_bytes(rss * 1024), rss <= 2.5 * 1024)
    static_rss = get(r, 'cold', 'rsa', 'rucio-lite-static', 'rss_kib')
    if static_rss:
        add('cold, peak RSS ≤ 2.5 MiB, linked statically', fmt_bytes(static_rss * 1024),
            static_rss <= 2.5 * 1024)
    for key, label in (('bundle', "Debian's bundle"), ('grid', 'grid CA directory')):
        if lite(key) and rsa:
            add(f'cold, {label}: ≤ 1.2× the one-CA figure', f'{lite(key) / rsa:.2f}×',
                lite(key) <= 1.2 * rsa)
    if ec and ec_curl:
        add('cold, ECDSA P-256: ≤ 1.0× curl', f'{ec / ec_curl:.2f}×', ec <= ec_curl)
    if wi:
        add('warm: ≤ 45 k instructions per call (3,000-character token)', fmt_count(wi), wi <= 45e3)
        ws = get(r, 'warm_short', 'rucio-lite', 'instructions_per_call')
        if ws:
            add('warm: ≤ 45 k instructions per call (52-character token)', fmt_count(ws),
                ws <= 45e3)
    add('warm: ≤ 15 µs CPU per call (noisy on a loaded machine)', f'{wc:.1f} µs', wc <= 15)
    if wi and w_curl:
        add('warm: ≥ 5× below curl (instructions)', f'{w_curl / wi:.1f}× below', w_curl >= 5 * wi)
    if wi and w_py:
        add('warm: ≥ 60× below Python (instructions)', f'{w_py / wi:.1f}× below', w_py >= 60 * wi)
    add('real server: per-call latency ≤ server CPU per call + 2 ms',
        f'{latency_ms:.1f} ms vs {server_ms:.1f} + 2 ms', latency_ms <= server_ms + 2)
    return '\n'.join([row(['target', 'measured', '']), row(['---', '---:', '---'])] + items)


def bounds(r):
    """What bounds the targets that the figures miss, from the figures."""
    cold = lambda key, c, what='instructions': get(r, 'cold', key, c, what)
    parts = []
    ec, ec_floor = cold('ecdsa', 'rucio-lite'), cold('ecdsa', 'floor')
    ec_curl, rsa_curl = cold('ecdsa', 'curl'), cold('rsa', 'curl')
    rsa, rsa_floor = cold('rsa', 'rucio-lite'), cold('rsa', 'floor')
    if ec and ec_floor and ec_curl and rsa and rsa_curl:
        parts.append(f'''**ECDSA P-256 chain.** rucio-lite's {fmt_count(ec)} is {ec / ec_floor:.3f}× the
floor's {fmt_count(ec_floor)}: what is left above curl is mbedTLS's. A TLS 1.2
ECDHE-ECDSA handshake verifies two ECDSA signatures (the server certificate's,
by the CA, and the ServerKeyExchange's) and does two P-256 scalar
multiplications (the ECDHE key pair, the shared secret): with an RSA chain
the same handshake costs rucio-lite {fmt_count(rsa)} (floor {fmt_count(rsa_floor)}), so the P-256
arithmetic is about {fmt_count(ec - rsa)} more. mbedTLS 3.6 does it in portable C,
already in its fastest configuration (the default: comb method with a 4-bit
window, static precomputed tables for the base point, fast NIST reduction,
`MBEDTLS_ECP_NIST_OPTIM` and `MBEDTLS_ECP_FIXED_POINT_OPTIM`; a wider
`MBEDTLS_ECP_WINDOW_SIZE` costs more at 256 bits by mbedTLS's own cost model),
where OpenSSL runs hand-written x86-64 assembly for P-256: curl's figure
hardly depends on the chain (RSA {fmt_count(rsa_curl)}, ECDSA {fmt_count(ec_curl)}), most of it being
OpenSSL's start-up. mbedTLS's other P-256 code, the p256-m driver
(`MBEDTLS_PSA_P256M_DRIVER_ENABLED`, written for small code), was tried and
left off: on x86-64 the floor's handshake took about 5× the instructions with
it (188 M against 37.7 M, measured by hand on 2026-12-03 against
`openssl s_server`, TLS 1.3). Meeting the target needs an assembly P-256 in
mbedTLS, or another TLS library.''')
    for key, label in (('warm', '3,000-character token'), ('warm_short', '52-character token')):
        w = get(r, key, 'rucio-lite')
        wi, tls = get(w, 'instructions_per_call'), get(w, 'tls_instructions_per_call')
        if wi and tls:
            parts.append(f'''**Warm, {label}.** Of {fmt_count(wi)} instructions per call,
{fmt_count(tls)} ({tls / wi:.0%}) run inside `mbedtls_ssl_write` and `mbedtls_ssl_read`: mbedTLS's
record layer sealing the request (token included) and opening the answer
with ChaCha20-Poly1305. rucio-lite's own part (request line and headers,
response parsing, the body, the API around them) is {fmt_count(wi - tls)}.''')
    w = get(r, 'warm', 'rucio-lite')
    if w and w.get('sys_us_per_call') is not None:
        cpu, sys_us = w['cpu_us_per_call'], w['sys_us_per_call']
        parts.append(f'''**Warm CPU time.** Of {cpu:.1f} µs per call, {sys_us:.1f} µs are system time:
on 127.0.0.1 the kernel runs the TCP work of both ends inside the sending
process's system calls, so the client is billed for part of nginx's
receiving too. Per call rucio-lite makes one `recv` that finds nothing (the
kept-alive connection is still open), one `send`, one `recv` that finds
nothing yet and one `poll` that waits for the answer, then mbedTLS reads each
TLS record of the answer with two `recv`s (its 5-byte header, then the
rest).''')
    rss, floor_rss = cold('rsa', 'rucio-lite', 'rss_kib'), cold('rsa', 'floor', 'rss_kib')
    static_rss = cold('rsa', 'rucio-lite-static', 'rss_kib')
    if rss and floor_rss and static_rss:
        parts.append(f'''**Peak RSS.** Linked dynamically, rucio-lite peaks at {fmt_bytes(rss * 1024)} and the
floor, mbedTLS alone linked the same way, at {fmt_bytes(floor_rss * 1024)}; linked statically
rucio-lite peaks at {fmt_bytes(static_rss * 1024)}. The difference is the dynamic loader and the
pages of the shared C library, not rucio-lite's memory (its heap peak above
is mbedTLS's).''')
    return '\n\n'.join(parts)


# ---- the chart -------------------------------------------------------------------------

GNUPLOT = r'''
set terminal pngcairo size 1200,900 font "DejaVu Sans,11" noenhanced
set output '{png}'
set datafile separator "\t"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.95
set grid ytics lc rgb "#dddddd"
set key top left
set logscale y
set format y "%.0s %c"
set xtics nomirror scale 0
set multiplot title "rucio-lite vs curl vs the Python client ({mode}; lower is better)" font ",14"
set size 1,0.52
set origin 0,0.45
set title "cold: one signed URL per process, instructions executed (callgrind)"
set ylabel "instructions"
set yrange [1e6:5e9]
plot '{cold}' using 2:xtic(1) title "rucio-lite" lc rgb "#1b9e77", \
     '' using 3 title "curl" lc rgb "#7570b3", \
     '' using 4 title "Python rucio-clients" lc rgb "#d95f02", \
     '' using 5 title "floor (mbedTLS alone)" lc rgb "#999999"
set size 0.5,0.45
set origin 0,0
set title "warm: per call on one connection, instructions"
set yrange [1e4:1e7]
plot '{warm}' using 2:xtic(1) title "rucio-lite" lc rgb "#1b9e77", \
     '' using 3 title "curl" lc rgb "#7570b3", \
     '' using 4 title "Python" lc rgb "#d95f02"
set size 0.5,0.45
set origin 0.5,0
set title "cold: peak RSS (wait4)"
unset logscale y
set format y "%.0f"
set ylabel "MiB"
set yrange [0:*]
plot '{rss}' using 2:xtic(1) title "rucio-lite" lc rgb "#1b9e77", \
     '' using 3 title "curl" lc rgb "#7570b3", \
     '' using 4 title "Python" lc rgb "#d95f02", \
     '' using 5 title "floor" lc rgb "#999999", \
     '' using 6 title "rucio-lite, static" lc rgb "#66c2a5"
unset multiplot
'''


def tsv(path, rows):
    with open(path, 'w') as f:
        for r in rows:
            f.write('\t'.join('-' if v is None else str(v) for v in r) + '\n')


def chart(r, png):
    short = {'rsa': 'RSA, 1 CA', 'ecdsa': 'ECDSA P-256', 'bundle': 'Debian bundle',
             'grid': 'grid CA dir', 'auth': 'with login'}
    with tempfile.TemporaryDirectory() as tmp:
        cold, warm, rss = (os.path.join(tmp, n) for n in ('cold', 'warm', 'rss'))
        tsv(cold, [[short[k]] + [get(r, 'cold', k, c, 'instructions') for c in COLS]
                   for k, _ in SCENARIOS])
        tsv(warm, [[label] + [get(r, key, c, 'instructions_per_call') for c in COLS[:3]]
                   for key, label in (('warm', '3,000-char token'), ('warm_short', '52-char token'))])
        tsv(rss, [['RSA, 1 CA'] + [(get(r, 'cold', 'rsa', c, 'rss_kib') or 0) / 1024 or None
                                   for c in COLS + ('rucio-lite-static',)]])
        script = GNUPLOT.format(png=png, cold=cold, warm=warm, rss=rss, mode=r['mode'])
        subprocess.run(['gnuplot'], input=script, text=True, check=True)


# ---- the page -----------------------------------------------------------------------------

def load_note(r):
    a, b = r['load_start'][0], r['load_end'][0]
    if max(a, b) < 0.5:
        return f'The machine was quiet (load average {a:.2f} at the start, {b:.2f} at the end).'
    return (f'**The machine was loaded** while this page was measured (1-minute load average '
            f'{a:.2f} at the start, {b:.2f} at the end, on {r["machine"]["cores"]} cores): wall '
            'and CPU times are noisy and somewhat too high; instruction counts, peak RSS and '
            'heap figures are not affected.')


def page(r, png_name, setup_s):
    m, p, s = r['machine'], r['plan'], r['sizes']
    tls = '; '.join(f'{k} ({v:,} requests)' for k, v in sorted(r['tls'].items()))
    quick_note = ('\n**This is a `make bench-quick` smoke run: few runs, not figures to '
                  'quote.**\n' if r['mode'] == 'quick' else '')
    return f'''# Benchmarks

<!-- Generated by `make bench` (bench/report.py); do not edit by hand. -->

rucio-lite side by side with `curl` and the Python client (`rucio-clients`),
each asking for one signed URL (`GET /credentials/signurl`) as a user would.
{quick_note}
Measured on {m['date']}, at commit `{m['commit']}`, in {r['seconds']} s
(installing what was missing and building took {setup_s} s more). {load_note(r)}

| | |
|---|---|
| machine | {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB |
| system | {m['os']} |
| rucio-lite | {m['rucio_lite']}, built with {m['gcc']}, `-O2` |
| mbedTLS | {m['mbedtls']} |
| curl | {m['curl']} |
| OpenSSL | {m['openssl']} |
| Python client | rucio-clients {m['rucio_clients']}, requests {m['requests']}, {m['python']} |
| servers | {m['nginx']} with canned answers; the real Rucio 41.5.1 server of tests/rucio-server |
| tools | {m['valgrind']} (instructions, heap), wait4 (times, peak RSS) |

![Instructions of a cold call per scenario, instructions per warm call and peak RSS, for rucio-lite, curl, the Python client and the mbedTLS floor]({png_name})

## Against nginx with canned Rucio answers

nginx on 127.0.0.1 with TLS answers like the Rucio server: `GET
/credentials/signurl` returns a {r['signed_url_bytes']}-byte S3 signed URL as
text with the real server's headers, `/auth/userpass` returns a
{r['token_chars']:,}-character `X-Rucio-Auth-Token` (Rucio allows up to 3,072), keep-alive on.
Negotiated: {tls}.

**cold**: one process per signed URL, the token in the shared token cache,
{p['runs']} runs per contender, interleaved run by run; instructions from one
callgrind run each. **warm**: N calls on one client (C: `bench/warm.c` on
`librucio.a`; Python: one `CredentialClient`; curl: N URLs in one `-K` file,
one connection), figures per call = (cost of N calls − cost of 1) / (N − 1),
so process start and handshake cancel out: N = {p['warm_n']} for times
(median of {p['warm_reps']}), N = {p['cg_warm_n']} (Python {p['cg_warm_n_python']}) for
instructions. **floor**: `bench/floor.c`, the least an mbedTLS client does
(verified handshake with the same groups as rucio-lite, one GET, no
configuration or cache); it takes a CA file, so it has no grid-directory
figure. **curl** gets the token on its command line (reading the cache is not
counted); with a login it is two processes (`/auth/userpass`, then the
signed URL), summed.

{main_table(r)}

Times of the cold runs (median, min, max):

{spread_table(r['cold'], SCENARIOS)}

Scenarios: *one CA file* is the chain's own CA; *Debian's CA bundle* is
`/etc/ssl/certs/ca-certificates.crt` with the test CA appended (the
worst place for a linear search); the *grid-style CA directory* holds
{p['grid_cas']} RSA-2048 CAs plus the test CA, each as `<name>.pem` with its
`.signing_policy` and `.namespaces`, linked by subject hash (`openssl rehash`),
as `/etc/grid-security/certificates` is; every contender is given it as
`ca_cert` (curl: `--capath`, which Debian's curl uses in addition to its
default bundle). *With login*: the token cache is emptied before every run.

## Against the real Rucio server

The Rucio 41.5.1 server of the end-to-end suite (`tests/rucio-server`,
Werkzeug behind a Python TLS front, SQLite), a short userpass token in the
cache, S3 signing: {p['real_runs']} cold runs per contender, and
{p['real_warm_n']} warm calls on one client. The server's CPU per call is read from
`/proc/<pid>/stat` around the warm runs.

{real_tables(r['real'])}

## Sizes

| what | size |
|---|---:|
| `rucio-lite`, static (glibc + mbedTLS archives), stripped | {fmt_bytes(s['static_binary'])} |
| `rucio-lite`, dynamic, stripped | {fmt_bytes(s['dynamic_binary'])} |
| the same with the shared libraries it loads | {fmt_bytes(s['dynamic_binary_closure'])} |
| `librucio.a` (file; with debug information) | {fmt_bytes(s['library_archive'])} |
| `librucio.a` code: text / data / bss | {s['library_code']['text']:,} / {s['library_code']['data']:,} / {s['library_code']['bss']:,} bytes |
| curl with its {s['curl_libs']} shared libraries | {fmt_bytes(s['curl_closure'])} |
| Python interpreter + standard library + the client's venv | {fmt_bytes(s['python_closure'])} |

The heap figure is valgrind's DHAT peak of live heap bytes (t-gmax) of the
whole process for one cold call. The library itself never allocates, so
for rucio-lite it is mbedTLS's (handshake buffers and certificates) plus the
C library's own.

## Issue 10's targets

{targets(r)}

### What bounds the targets missed

{bounds(r)}

## Regenerating

`make bench` installs what is missing (Debian's nginx, gnuplot, valgrind
and curl as root; `rucio-clients` from PyPI into `build/bench/venv`), builds
into `build/bench` (`BENCH_BUILD=` changes it), makes a throw-away PKI,
starts nginx and the Rucio test server, measures, stops them (they also
die with the bench if it is killed) and writes this page and its chart
(`docs/benchmarks.png`) from scratch. It takes under 15 minutes on 2 cores.
`make bench-quick` runs the same harness with few runs (a smoke test of
about 2 minutes) and writes its page to `build/bench/quick/` instead. The
raw figures are in `build/bench/bench-results.json`; `bench/report.py
build/bench/bench-results.json docs/benchmarks.md` redraws the page from
them. Wall and CPU times need a quiet machine; instruction counts do not.
'''


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit('usage: report.py RESULTS_JSON PAGE_MD [SETUP_SECONDS]')
    with open(sys.argv[1]) as f:
        r = json.load(f)
    md = sys.argv[2]
    png = os.path.splitext(md)[0] + '.png'
    chart(r, os.path.abspath(png))
    text = page(r, os.path.basename(png), sys.argv[3] if len(sys.argv) > 3 else '?')
    with open(md, 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
