#!/bin/bash
# Self-test of the test storage servers: start them, check that S3 really
# verifies SigV4 pre-signed URLs and Swift temp URLs (and that the GCS
# stand-in stores objects), stop, restart in the same work dir with the
# secrets and CA of the real Rucio test server (tests/rucio-server, when its
# venv exists), check URLs that server signs, and die with the watched process.
# Prints PASS/FAIL lines and "storage: N passed, N failed"; exit 1 on failure.
# Usage: selftest.sh [workdir]   (default: a new temporary directory)
# Environment: STORAGE_TOOLS (see start.sh), STORAGE_PYTHON (default
# <repo>/.venv/bin/python if it has botocore, else python3).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${1:-}
own_tmp=
if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/storage-selftest.XXXXXX")
    own_tmp=$work
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
expect() {  # expect NAME WHY-IF-NOT COMMAND...: PASS if COMMAND succeeds
    local name=$1 why=$2
    shift 2
    if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

python=${STORAGE_PYTHON:-$repo/.venv/bin/python}
if ! "$python" -c 'import botocore' 2>/dev/null; then
    echo "note: $python has no botocore; S3 URLs are signed by the stdlib presigner"
    python=python3
fi

sleeper=
cleanup() {
    "$here/stop.sh" "$work/a" || true
    [ ! -d "$work/rucio" ] || "$repo/tests/rucio-server/stop.sh" "$work/rucio" || true
    [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null || true
    [ -z "$own_tmp" ] || rm -rf "$own_tmp"
}
trap cleanup EXIT

# Processes left in the process group led by $1 (supervise.sh's pid).
group_left() {
    local leader=$1 stat rest n=0
    for stat in /proc/[0-9]*/stat; do
        { read -r rest < "$stat"; } 2>/dev/null || continue
        rest=${rest##*) }
        # shellcheck disable=SC2086
        set -- $rest   # state, ppid, pgrp, ...
        [ "$3" = "$leader" ] && [ "$1" != Z ] && n=$((n + 1))
    done
    echo "$n"
}

# shellcheck disable=SC1090  # storage.env / server.env: shell-quoted by their writers
env_var() { (. "$1" && eval "printf '%s' \"\${$2:-}\""); }

# 1. start, signature checks, stop
start_s=$SECONDS
if STORAGE_WATCH_PID=$$ "$here/start.sh" "$work/a" >"$work.start-a.log" 2>&1; then
    pass "start.sh (S3, Swift, GCS) in $((SECONDS - start_s)) s"
    "$python" "$here/selftest_client.py" "$work/a/storage.env" > "$work.client.log" 2>&1 || true
    cat "$work.client.log"
    passed=$((passed + $(grep -c '^PASS ' "$work.client.log" || true)))
    failed=$((failed + $(grep -c '^FAIL ' "$work.client.log" || true)))
    grep -qE '^(PASS|FAIL) ' "$work.client.log" ||
        fail "selftest_client.py" "no check ran (see above)"
    leader=$(env_var "$work/a/storage.env" STORAGE_PID)
    "$here/stop.sh" "$work/a"
    left=$(group_left "$leader")
    expect "stop.sh leaves no process" "$left left" [ "$left" = 0 ]
    expect "stop.sh again is a no-op" "it failed" "$here/stop.sh" "$work/a"
else
    fail "start.sh (S3, Swift, GCS)" "$(tail -n 20 "$work.start-a.log")"
fi

# 2. restart in the same dir with a Rucio server.env: the real Rucio test
#    server's if its venv is there (then URLs it signs must verify), else a
#    made-up one; then the servers must die with the watched process.
rucio_python=$repo/.venv/bin/python
rucio_env=
if "$rucio_python" -c 'import rucio.client' 2>/dev/null; then
    if RUCIO_TEST_VENV=$repo/.venv RUCIO_TEST_WATCH_PID=$$ \
            "$repo/tests/rucio-server/start.sh" "$work/rucio" >"$work.rucio.log" 2>&1; then
        rucio_env=$work/rucio/server.env
    else
        fail "Rucio test server starts" "$(tail -n 20 "$work.rucio.log")"
    fi
else
    echo "note: no Rucio venv at $repo/.venv: a made-up server.env, no Rucio-signed URLs"
    mkdir -p "$work/fake-rucio"
    "$here/pki.sh" "$work/fake-rucio" >/dev/null 2>&1   # a CA: ca.pem + ca.key
    rucio_env=$work/fake-rucio/server.env
    cat > "$rucio_env" <<EOF
RUCIO_TEST_CA=$work/fake-rucio/ca.pem
RUCIO_TEST_S3_ACCESS_KEY=AKFROMRUCIOENV
RUCIO_TEST_S3_SECRET_KEY='s3cr3t-from/rucio+env'
RUCIO_TEST_S3_REGION=eu-west-1
RUCIO_TEST_SWIFT_TEMPURL_KEY=tempurlfromrucio
EOF
fi
sleep 300 & sleeper=$!
if [ -n "$rucio_env" ] && STORAGE_WATCH_PID=$sleeper STORAGE_RUCIO_ENV=$rucio_env \
        "$here/start.sh" "$work/a" >"$work.start-b.log" 2>&1; then
    pass "start.sh again in a used work dir, with STORAGE_RUCIO_ENV"
    env=$work/a/storage.env
    got='' want=''
    for v in S3_ACCESS_KEY S3_SECRET_KEY S3_REGION SWIFT_TEMPURL_KEY; do
        got="$got $(env_var "$env" "STORAGE_$v")" want="$want $(env_var "$rucio_env" "RUCIO_TEST_$v")"
    done
    expect "secrets taken from the Rucio server.env" "got '$got', want '$want'" \
        [ "$got" = "$want" ]
    ca=$(env_var "$rucio_env" RUCIO_TEST_CA)
    code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" "$(env_var "$env" STORAGE_S3_URL)/" || true)
    expect "TLS certificate issued by the Rucio CA" "curl status $code" [ "$code" = 403 ]
    if [ -f "$work/rucio/server.env" ]; then
        RUCIO_CONFIG=$(env_var "$rucio_env" RUCIO_TEST_CLIENT_CONFIG) PYTHONPATH=$here PYTHONDONTWRITEBYTECODE=1 \
            "$rucio_python" "$here/selftest_rucio.py" "$env" > "$work.rucio-client.log" 2>&1 || true
        cat "$work.rucio-client.log"
        passed=$((passed + $(grep -c '^PASS ' "$work.rucio-client.log" || true)))
        failed=$((failed + $(grep -c '^FAIL ' "$work.rucio-client.log" || true)))
        grep -qE '^(PASS|FAIL) ' "$work.rucio-client.log" ||
            fail "selftest_rucio.py" "no check ran (see above)"
        "$repo/tests/rucio-server/stop.sh" "$work/rucio"
    fi
    leader=$(env_var "$env" STORAGE_PID)
    kill "$sleeper"; wait "$sleeper" 2>/dev/null || true; sleeper=
    for _ in $(seq 150); do [ "$(group_left "$leader")" = 0 ] && break; sleep 0.1; done
    left=$(group_left "$leader")
    expect "all servers exit with STORAGE_WATCH_PID" "$left left after 15 s" [ "$left" = 0 ]
else
    fail "start.sh again with STORAGE_RUCIO_ENV" "$(tail -n 20 "$work.start-b.log" 2>/dev/null)"
fi

# 3. a foreign non-empty directory is refused, and left alone
mkdir -p "$work/foreign" && touch "$work/foreign/keep"
if STORAGE_WATCH_PID=0 "$here/start.sh" "$work/foreign" >/dev/null 2>&1; then
    fail "start.sh refuses a foreign non-empty dir" "it started"
    "$here/stop.sh" "$work/foreign"
else
    expect "start.sh refuses a foreign non-empty dir" "its file was removed" \
        [ -f "$work/foreign/keep" ]
fi
rm -f "$work".*.log

echo "storage: $passed passed, $failed failed"
[ "$failed" = 0 ]
