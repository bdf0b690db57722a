#!/bin/bash
# Transfers cut by the network: `rucio-lite get` and `put` through
# tests/tools/faultproxy.py, which resets chosen connections to the S3
# test storage after a chosen number of bytes.
#
#   get cut once (in the first record of the response, after it, in the
#       middle, in the last record) or twice -> resumes (Range), sha256
#                                          identical
#   get stalled in the middle longer than -T -> resumes, identical
#   get cut on every connection (each after its first 16 KiB of body)
#                                       -> exit 5, neither FILE nor a
#                                          FILE.rucio-lite.part-* left
#   put cut on every connection (up)    -> exit 5 and an error on stderr
#   put cut once                        -> reported as a note (the library
#                                          may send it again on a new connection)
#
# Usage: resume.sh <builddir> <workdir>, run by tests/transfer/run.sh
# with server.env and storage.env sourced (TRANSFER_ONLY=resume picks it).
#
# The proxy counts TLS bytes (handshake included), so the cut points are
# calibrated by one uncut download of the object and one of an empty
# object (handshake + response head, D_HEAD). nginx sends the response in
# 16 KiB TLS records, the head in the same record as the first body
# bytes, and the client can use a record only once it is whole: a cut
# "at 1 byte of body" (D_HEAD + 8) is one in that first record, before
# the client has seen even the head. The object is 1 MiB + 3,001 bytes:
# its last record holds 3,001 bytes, and the cut half-way through it
# leaves a few missing whatever the few bytes by which the responses of
# two runs differ (response headers, session tickets).
#
# URLs are signed for the proxy's port (SigV4 signs Host with the port)
# by the Rucio server (`rucio-lite signurl --svc s3`). Prints PASS/FAIL lines and
# "resume: N passed, N failed"; exit 1 on a failure. With the suite's
# TRANSFER_ONLY it runs only when that regex matches "resume".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(realpath "${1:?usage: resume.sh <builddir> <workdir>}")
work=${2:?usage: resume.sh <builddir> <workdir>}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cli=$build/rucio-lite
proxy_py=$repo/tests/tools/faultproxy.py
size=$((1024 * 1024 + 3001))
[ -x "$cli" ] || { echo "resume.sh: $cli missing" >&2; exit 1; }
# The suite's TRANSFER_ONLY (a bash regex) selects this script as "resume".
[[ -z "${TRANSFER_ONLY:-}" || resume =~ $TRANSFER_ONLY ]] || exit 0

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
note() { echo "note: $*"; }

proxy_pid=
trap stop_proxy EXIT

if [ -z "${STORAGE_S3_URL:-}" ] || [ -z "${RUCIO_TEST_CLIENT_CONFIG:-}" ]; then
    echo "resume.sh: run it through tests/transfer/run.sh" >&2
    exit 2
fi

# rucio-lite's settings: the Rucio client config (its CA also issued the
# storage certificate).
config=$RUCIO_TEST_CLIENT_CONFIG
rl() { RUCIO_CONFIG=$config "$cli" --ca-certificate "$STORAGE_CA" -T 60 "$@"; }

# sign METHOD PORT KEY: a URL signed by the Rucio server for the object
# KEY in the S3 bucket, for a client that connects to 127.0.0.1:PORT.
sign() {
    local url="https://127.0.0.1:$2/$STORAGE_S3_BUCKET/$3" op=read
    case $1 in PUT) op="write" ;; DELETE) op="delete" ;; esac
    RUCIO_CONFIG=$config "$cli" signurl --rse S3-SITE --svc s3 --op "$op" \
        --lifetime 600 "$url"
}

# --- the proxy ---------------------------------------------------------------------
# start_proxy NAME [faultproxy options...]: sets proxy_port, proxy_log.
start_proxy() {
    local name=$1
    shift
    proxy_log=$work/proxy-$name.log
    rm -f "$work/proxy.port"
    python3 "$proxy_py" --target "127.0.0.1:$STORAGE_S3_PORT" --port-file "$work/proxy.port" \
        --watch-pid $$ "$@" 2>"$proxy_log" &
    proxy_pid=$!
    for _ in $(seq 100); do [ -s "$work/proxy.port" ] && break; sleep 0.05; done
    [ -s "$work/proxy.port" ] || { cat "$proxy_log" >&2; echo "resume.sh: proxy did not start" >&2; exit 1; }
    proxy_port=$(cat "$work/proxy.port")
}
ended() { grep -c ' bytes$' "$proxy_log" || true; }
stop_proxy() {
    [ -n "$proxy_pid" ] || return 0
    # Let it see the client's last close first, for complete counts.
    for _ in $(seq 40); do [ "$(ended)" -ge "$(conns)" ] && break; sleep 0.05; done
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    proxy_pid=
}
conns() { grep -c ' open from ' "$proxy_log" || true; }
cuts() { grep -c ' cut after ' "$proxy_log" || true; }
# Down (or up) bytes of connection 1 when it closed.
conn1_bytes() {
    sed -n "s/^faultproxy: conn 1 [^:]*: up \([0-9]*\) down \([0-9]*\) bytes$/\1 \2/p" "$proxy_log"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
leftovers() {  # leftovers FILE: FILE and its temporary files, if any
    ls -d "$1" "$1".rucio-lite.part-* 2>/dev/null || true
}

# --- the objects, stored directly (not through the proxy) ---------------------------
head -c "$size" /dev/urandom > "$work/object"
: > "$work/empty"
want=$(sha "$work/object")
for k in object empty; do
    code=$(curl -sS --cacert "$STORAGE_CA" -T "$work/$k" -o /dev/null -w '%{http_code}' \
        "$(sign PUT "$STORAGE_S3_PORT" "resume/$k")")
    [ "$code" = 200 ] || { echo "resume.sh: storing $k: status $code" >&2; exit 1; }
done

# --- calibration: uncut downloads --------------------------------------------------
# calibrate KEY: prints the down bytes of one uncut `rucio-lite get`.
calibrate() {
    start_proxy "calibrate-$1"
    rm -f "$work/got"
    rl get "$(sign GET "$proxy_port" "resume/$1")" "$work/got" >"$work/get.out" 2>"$work/get.err" ||
        { cat "$work/get.err" >&2; echo "resume.sh: uncut get of $1 failed" >&2; exit 1; }
    stop_proxy
    conn1_bytes | cut -d' ' -f2
}
d_full=$(calibrate object)
if [ "$(sha "$work/got")" = "$want" ]; then
    pass "get through the uncut proxy: byte-identical ($d_full TLS bytes down)"
else
    fail "get through the uncut proxy" "sha256 differs"
fi
out_md5=$(sed -n 's/.* md5:\([0-9a-f]*\).*/\1/p' "$work/get.out")
py_md5=$(python3 -c 'import hashlib,sys; print(hashlib.md5(open(sys.argv[1],"rb").read()).hexdigest())' "$work/object")
if [ "$out_md5" = "$py_md5" ]; then
    pass "get prints the md5 Python computes"
else
    fail "get prints the md5 Python computes" "printed '$(cat "$work/get.out")', want md5 $py_md5"
fi
d_head=$(calibrate empty)
if [ -z "$d_full" ] || [ -z "$d_head" ]; then
    echo "resume.sh: calibration failed" >&2
    exit 1
fi
body=$((d_full - d_head))   # TLS bytes of the body (records included)
note "calibration: $d_full bytes down for the object, $d_head for an empty one"

# --- get, cut once or twice: resumes ----------------------------------------------
# get_cut TAG NAME EXPECTED-CONNECTIONS CUTS: a cut download must end
# identical (logs: proxy-get-TAG.log, get-TAG.err).
get_cut() {
    local tag=$1 name=$2 want_conns=$3 cutlist=$4 rc=0
    start_proxy "get-$tag" --cut-after-bytes="$cutlist"
    rm -f "$work/got"
    rl get "$(sign GET "$proxy_port" resume/object)" "$work/got" \
        >"$work/get.out" 2>"$work/get-$tag.err" || rc=$?
    stop_proxy
    local why=
    if [ "$rc" != 0 ]; then
        why="exit $rc: $(tail -n 2 "$work/get-$tag.err" | tr '\n' ' ')"
    elif [ "$(sha "$work/got")" != "$want" ]; then
        why="sha256 differs"
    elif [ "$(cuts)" != $((want_conns - 1)) ] || [ "$(conns)" != "$want_conns" ]; then
        why="$(cuts) cuts, $(conns) connections (want $((want_conns - 1)), $want_conns)"
    fi
    if [ -z "$why" ]; then
        pass "get cut $name (at $cutlist bytes down): resumed, byte-identical"
    else
        fail "get cut $name (at $cutlist bytes down)" "$why"
    fi
    [ -z "$(ls "$work"/got.rucio-lite.part-* 2>/dev/null)" ] ||
        fail "get cut $name leaves no temporary file" "$(ls "$work"/got.rucio-lite.part-*)"
}
first_record=$((d_head + 64))            # just past the head: "1 byte of body"
after_first=$((d_head + 16384 + 200))    # the first 16 KiB record complete
middle=$((d_head + body / 2))
last_record=$((d_full - 1500))           # inside the last (3,001-byte) record
get_cut first "in the first record (head + first 16 KiB of body)" 2 "$first_record"
get_cut second "after the first 16 KiB record" 2 "$after_first"
get_cut middle "in the middle" 2 "$middle"
get_cut last "in the last record" 2 "$last_record"
get_cut twice "twice (middle, then early in the resumed stream)" 3 "$middle,$((d_head + 20000))"

# --- get, stalled longer than the timeout: resumes ---------------------------------
start_proxy get-stall --stall-after-bytes="$middle" --stall-seconds 8
rm -f "$work/got"
rc=0
RUCIO_CONFIG=$config "$cli" --ca-certificate "$STORAGE_CA" -T 3 \
    get "$(sign GET "$proxy_port" resume/object)" "$work/got" >/dev/null 2>"$work/get-stall.err" || rc=$?
stop_proxy
if [ "$rc" = 0 ] && [ "$(sha "$work/got")" = "$want" ] && [ "$(conns)" = 2 ]; then
    pass "get stalled 8 s in the middle with -T 3: timed out, resumed, byte-identical"
else
    fail "get stalled 8 s in the middle with -T 3" "exit $rc, $(conns) connections: $(tail -n 1 "$work/get-stall.err")"
fi

# --- get, cut on every connection: fails cleanly ----------------------------------
# Each connection gets its first 16 KiB of body through (progress every
# time), so only the attempt limit stops the client.
start_proxy get-always --cut-after-bytes="$(printf "$after_first,%.0s" $(seq 10))$after_first"
rm -f "$work/got"
rc=0
rl get "$(sign GET "$proxy_port" resume/object)" "$work/got" >/dev/null 2>"$work/get-always.err" || rc=$?
stop_proxy
if [ "$rc" = 5 ] && [ -z "$(leftovers "$work/got")" ]; then
    pass "get cut on every connection: exit 5 after $(conns) connections, no file left"
else
    fail "get cut on every connection" "exit $rc, left: '$(leftovers "$work/got")', stderr: $(tail -n 2 "$work/get-always.err")"
fi
note "its message: $(tail -n 1 "$work/get-always.err")"

# --- put ------------------------------------------------------------------------------
start_proxy put-calibrate
rl put "$(sign PUT "$proxy_port" resume/put-uncut)" "$work/object" >/dev/null 2>"$work/put.err" ||
    { cat "$work/put.err" >&2; echo "resume.sh: uncut put failed" >&2; exit 1; }
stop_proxy
u_full=$(conn1_bytes | cut -d' ' -f1)
half=$((u_full / 2))

start_proxy put-always --direction up --cut-after-bytes="$(printf "$half,%.0s" $(seq 10))$half"
rc=0
rl put "$(sign PUT "$proxy_port" resume/put-cut)" "$work/object" >"$work/put.out" 2>"$work/put-always.err" || rc=$?
stop_proxy
msg=$(tail -n 1 "$work/put-always.err")
if [ "$rc" = 5 ] && [ -n "$msg" ] && [ ! -s "$work/put.out" ]; then
    pass "put cut mid-body on every connection: exit 5 after $(conns) connections, error on stderr"
else
    fail "put cut mid-body on every connection" "exit $rc, stdout '$(cat "$work/put.out")', stderr '$msg'"
fi
note "its message: $msg"

start_proxy put-once --direction up --cut-after-bytes="$half"
rc=0
rl put "$(sign PUT "$proxy_port" resume/put-once)" "$work/object" >/dev/null 2>"$work/put-once.err" || rc=$?
stop_proxy
rm -f "$work/got"
curl -sS --cacert "$STORAGE_CA" -o "$work/got" "$(sign GET "$STORAGE_S3_PORT" resume/put-once)" || true
if [ "$rc" = 0 ] && [ "$(sha "$work/got")" = "$want" ]; then
    note "put cut once: sent again on a new connection ($(conns) connections), stored byte-identical"
else
    note "put cut once: exit $rc after $(conns) connections: $(tail -n 1 "$work/put-once.err")"
fi

echo "resume: $passed passed, $failed failed"
[ "$failed" = 0 ]
