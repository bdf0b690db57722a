#!/bin/bash
# Install what the benchmark needs and is missing: Debian packages (as
# root, else say which) and the Python client's venv in <build>/venv.
# Quiet when nothing is missing. Usage: bench/deps.sh <build>
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: deps.sh <build>}
venv=$build/venv
req=$here/requirements.txt

# What the build and the test server need (compiler, mbedTLS, openssl,
# python3-venv, valgrind, ...).
"$here/../tools/deps.sh"

missing=""
need() { missing="$missing $1"; }
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need nginx
command -v gnuplot >/dev/null 2>&1 || need gnuplot-nox
command -v curl >/dev/null 2>&1 || need curl
command -v valgrind >/dev/null 2>&1 || need valgrind
command -v strip >/dev/null 2>&1 || need binutils
[ -f /etc/ssl/certs/ca-certificates.crt ] || need ca-certificates
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -n "$(find /usr/lib -name libc.a -print -quit)" ] ||
    need libc6-dev

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "bench: missing Debian packages:$missing (sudo apt-get install$missing)" >&2
        exit 1
    fi
    echo "bench: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # Other jobs may hold the lock (apt-get waits for it, up to 10 min).
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    # shellcheck disable=SC2086
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi

# The Python client in a venv of its own (Debian's interpreter), made
# again only when bench/requirements.txt changes.
want=$(sha256sum "$req" | cut -d' ' -f1)
stamp=$venv/.bench-requirements.sha256
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "bench: installing the Python client into $venv"
    mkdir -p "$venv"
    log=$build/venv-install.log
    if ! { [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv"; } >"$log" 2>&1 ||
       ! "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req" >>"$log" 2>&1; then
        cat "$log" >&2
        echo "bench: could not set up $venv" >&2
        exit 1
    fi
    echo "$want" > "$stamp"
fi
