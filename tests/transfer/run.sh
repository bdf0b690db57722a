#!/bin/bash
# Transfer suite (issue 9): rucio-lite's upload/download/put/get/delete
# against the genuine Rucio server (tests/rucio-server) and real object
# stores (tests/storage: S3 = s3s-fs, Swift, GCS stand-in), and against
# the Python `rucio upload`/`rucio download` of the server's version.
# Usage: tests/transfer/run.sh <builddir>
#
# Needs <builddir>/rucio-lite, the test venv (.venv) and the storage
# servers (tests/storage/install.sh, i.e. make storage-deps; s3s-fs from
# $STORAGE_TOOLS, default <repo>/build/storage-tools).
# Work dir <builddir>/transfer-work: rucio/ (the server), storage/ (the
# object stores), checks/<name>/ (one per case, with its commands' output).
# Runs tests/transfer/interop.sh (upload/download, Python interop, catalogue
# comparison), then every other case script tests/transfer/*.sh (raw.sh:
# put/get/delete; resume.sh: cut transfers), with the environment lib.sh
# describes.
# TRANSFER_ONLY=<bash regex> runs only the cases whose names match.
# Swift: Rucio's Swift signer drops the port from the URLs it signs, so
# the Python client can only reach Swift on port 443: when root and 443 is
# free, Swift also listens there (STORAGE_SWIFT_443=1); otherwise the
# cases that need it are skipped, and a NOTE line says so.
# Prints PASS/FAIL/SKIP lines and "transfer: N passed, N failed, N skipped
# in S s"; exits 1 if any case failed. Everything started is stopped on exit.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:?usage: tests/transfer/run.sh <builddir>}
build=$(cd "$build" && pwd) || exit 1
cli=$build/rucio-lite
work=$build/transfer-work
venv=${RUCIO_TEST_VENV:-$repo/.venv}
python=$venv/bin/python
t_begin=$EPOCHREALTIME

[ -x "$cli" ] || { echo "FAIL setup: $cli missing"; exit 1; }
export STORAGE_TOOLS=${STORAGE_TOOLS:-$repo/build/storage-tools}
[ -x "$STORAGE_TOOLS/bin/s3s-fs" ] || {
    echo "FAIL setup: $STORAGE_TOOLS/bin/s3s-fs missing (make storage-deps, ~5 min)"
    exit 1
}

# Nothing from the caller's environment may steer a client.
unset RUCIO_CONFIG RUCIO_HOME RUCIO_ACCOUNT RUCIO_AUTH_TYPE RUCIO_VO \
      RUCIO_CLIENT_CERT RUCIO_CLIENT_KEY RUCIO_CLIENT_PROXY X509_USER_PROXY \
      X509_CERT_DIR BEARER_TOKEN BEARER_TOKEN_FILE XDG_RUNTIME_DIR \
      REQUESTS_CA_BUNDLE CURL_CA_BUNDLE VIRTUAL_ENV CONDA_PREFIX TEMP TMP

cleanup() {
    local rc=$?
    "$repo/tests/storage/stop.sh" "$work/storage" >/dev/null 2>&1
    "$repo/tests/rucio-server/stop.sh" "$work/rucio" >/dev/null 2>&1
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

setup_fail() {
    echo "FAIL $1"
    echo "transfer: 0 passed, 1 failed, 0 skipped"
    exit 1
}

# ---- servers ------------------------------------------------------------------

# Both exit with this script whatever happens (they watch its pid).
export RUCIO_TEST_WATCH_PID=$$ STORAGE_WATCH_PID=$$ RUCIO_TEST_VENV=$venv
mkdir -p "$work"
"$repo/tests/rucio-server/start.sh" "$work/rucio" >"$work/rucio-start.log" 2>&1 ||
    setup_fail "start Rucio server: $(tail -n 5 "$work/rucio-start.log" | tr '\n' ' ')"
t_rucio=$EPOCHREALTIME

port_free() {
    python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' \
        "$1" 2>/dev/null
}
start_storage() {  # start_storage SWIFT_443
    STORAGE_SWIFT_443=$1 STORAGE_RUCIO_ENV=$work/rucio/server.env \
        "$repo/tests/storage/start.sh" "$work/storage" >"$work/storage-start.log" 2>&1
}
swift_py=0
swift_note=
if [ "$(id -u)" = 0 ] && port_free 443; then
    if start_storage 1; then
        swift_py=1
    else
        # Another test run may have taken 443 in between: go on without it.
        swift_note="could not listen on 127.0.0.1:443 ($(tail -n 2 "$work/storage-start.log" | tr '\n' ' '))"
        start_storage 0 ||
            setup_fail "start storage: $(tail -n 5 "$work/storage-start.log" | tr '\n' ' ')"
    fi
else
    [ "$(id -u)" = 0 ] && swift_note="port 443 is in use" || swift_note="not root"
    start_storage 0 || setup_fail "start storage: $(tail -n 5 "$work/storage-start.log" | tr '\n' ' ')"
fi
if [ "$swift_py" = 1 ]; then
    echo "NOTE swift: also on 127.0.0.1:443, where Rucio's Swift URLs point (the Python cases run)"
else
    echo "NOTE swift: $swift_note: Rucio's Swift URLs (port dropped) are unreachable;" \
         "the Swift cases through Rucio-signed URLs are skipped"
fi
t_storage=$EPOCHREALTIME

set -a
# shellcheck source=/dev/null
. "$work/rucio/server.env"
# shellcheck source=/dev/null
. "$work/storage/storage.env"
set +a
export RUCIO_CONFIG=$RUCIO_TEST_CLIENT_CONFIG
env TMPDIR="$work" PYTHONWARNINGS=ignore "$python" "$here/setup_rses.py" \
    "$work/rucio/server.env" "$work/storage/storage.env" >"$work/setup-rses.log" 2>&1 ||
    setup_fail "RSE set-up: $(tail -n 5 "$work/setup-rses.log" | tr '\n' ' ')"

# ---- cases ----------------------------------------------------------------------

export TRANSFER_BUILD=$build TRANSFER_CLI=$cli TRANSFER_WORK=$work TRANSFER_REPO=$repo \
       TRANSFER_PYTHON=$python TRANSFER_RUCIO=$venv/bin/rucio TRANSFER_SWIFT_PY=$swift_py
mkdir -p "$work/checks"
status=0
: >"$work/results.log"
# interop.sh first, then every other case script here (raw.sh: put, get,
# delete; resume.sh: transfers cut by tests/tools/faultproxy.py), each
# called as <script> <builddir> <workdir of its own>.
scripts=(interop.sh)
for f in "$here"/*.sh; do
    f=${f##*/}
    case $f in run.sh | lib.sh | interop.sh) ;; *) scripts+=("$f") ;; esac
done
for script in "${scripts[@]}"; do
    [ -f "$here/$script" ] || { echo "NOTE $script: not in the tree yet, not run"; continue; }
    mkdir -p "$work/${script%.sh}"
    t0=$SECONDS
    bash "$here/$script" "$build" "$work/${script%.sh}" | tee -a "$work/results.log" || status=1
    echo "NOTE $script took $((SECONDS - t0)) s"
done

t_end=$EPOCHREALTIME
awk -v p="$(grep -c '^PASS' "$work/results.log")" -v f="$(grep -c '^FAIL' "$work/results.log")" \
    -v s="$(grep -c '^SKIP' "$work/results.log")" \
    -v a="$t_begin" -v b="$t_rucio" -v c="$t_storage" -v d="$t_end" 'BEGIN {
    printf "transfer: %d passed, %d failed, %d skipped in %.1f s (Rucio server %.1f s, storage %.1f s, cases %.1f s)\n",
           p, f, s, d - a, b - a, c - b, d - c }'
[ "$status" = 0 ] || { echo "transfer: logs in $work (checks/, rucio/server.log, storage/logs/)"; exit 1; }
