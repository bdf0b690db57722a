#!/bin/bash
# Self-test of the Rucio test-server harness: start the genuine server,
# drive it with the genuine Python client, verify the signed URLs
# independently, stop it and check that no process is left; then restart
# it in the same work dir and check that it dies with its watched parent.
# Usage: selftest.sh   (RUCIO_TEST_VENV selects the venv, default <repo>/.venv)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export RUCIO_TEST_VENV=${RUCIO_TEST_VENV:-$(cd "$here/../.." && pwd)/.venv}
python=$RUCIO_TEST_VENV/bin/python
tmp=$(mktemp -d -t rucio-selftest.XXXXXX)
work=$tmp/work
passed=0

finish() {
    local rc=$?
    "$here/stop.sh" "$work" 2>/dev/null || true
    [ -z "${sleeper:-}" ] || kill "$sleeper" 2>/dev/null || true
    if [ "$rc" = 0 ]; then
        rm -rf "$tmp"
        echo "selftest: $passed passed, 0 failed"
    else
        echo "selftest: $passed passed, 1 failed (logs kept in $work)"
    fi
}
trap finish EXIT

# step <name> <command...>: run, time, count.
step() {
    local name=$1 t0=$EPOCHREALTIME
    shift
    if ! "$@"; then
        echo "FAIL $name" >&2
        return 1
    fi
    passed=$((passed + 1))
    printf 'ok   %-58s %6.2f s\n' "$name" "$(bc_sub "$EPOCHREALTIME" "$t0")"
}
bc_sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

# Processes (other than zombies) whose command line mentions the work dir.
leftover_processes() {
    local f
    for f in /proc/[0-9]*/cmdline; do
        [ "$f" = "/proc/$$/cmdline" ] && continue
        grep -qaF "$work" "$f" 2>/dev/null && grep -qv '^State:.*Z' "${f%cmdline}status" &&
            echo "${f//[^0-9]/}"
    done
    return 0
}
no_process_left() {
    local left
    left=$(leftover_processes)
    [ -z "$left" ] || { echo "processes left: $left" >&2; return 1; }
}

python_client() {
    env -u RUCIO_HOME -u RUCIO_ACCOUNT -u RUCIO_AUTH_TYPE -u RUCIO_VO -u X509_CERT_DIR \
        -u X509_USER_PROXY -u RUCIO_CLIENT_PROXY -u VIRTUAL_ENV \
        RUCIO_CONFIG="$work/client/rucio.cfg" TMPDIR="$tmp/tokens" \
        "$python" "$here/selftest_client.py" "$work" "$tmp/signed.tsv"
}

verify_all() {
    local svc op life input url n=0
    while IFS=$'\t' read -r svc op life input url; do
        "$python" "$here/verify_signed_url.py" --env "$work/server.env" --service "$svc" \
            --op "$op" --lifetime "$life" --input-url "$input" --url "$url" | sed 's/^/     /'
        n=$((n + 1))
    done < "$tmp/signed.tsv"
    [ "$n" = 9 ] || { echo "expected 9 signed URLs, got $n" >&2; return 1; }
}

# The verifier must reject a URL whose signature was altered in one place.
verify_rejects_tampering() {
    local svc op life input url bad
    while IFS=$'\t' read -r svc op life input url; do
        [ "$op" = read ] || continue
        bad=$(printf '%s' "$url" | sed -E 's/(Signature=|temp_url_sig=)(.)/\1\2Z/')
        [ "$bad" != "$url" ] || { echo "could not tamper with $url" >&2; return 1; }
        if "$python" "$here/verify_signed_url.py" --env "$work/server.env" --service "$svc" \
            --op "$op" --lifetime "$life" --input-url "$input" --url "$bad" 2>/dev/null; then
            echo "tampered $svc URL accepted" >&2
            return 1
        fi
        # The wrong operation must be rejected as well.
        if "$python" "$here/verify_signed_url.py" --env "$work/server.env" --service "$svc" \
            --op write --lifetime "$life" --input-url "$input" --url "$url" >/dev/null 2>&1; then
            echo "$svc read URL accepted as write" >&2
            return 1
        fi
    done < "$tmp/signed.tsv"
}

server_pid() { sed -n 's/^RUCIO_TEST_SERVER_PID=//p' "$work/server.env"; }

dies_with_watched_process() {
    local pid
    pid=$(server_pid)
    kill "$sleeper"
    for _ in $(seq 50); do
        [ -e "/proc/$pid" ] || return 0
        sleep 0.1
    done
    echo "server $pid still running 5 s after its watched process died" >&2
    return 1
}

mkdir -p "$tmp/tokens"
step "venv ready ($RUCIO_TEST_VENV)" "$here/venv.sh" "$RUCIO_TEST_VENV"
step "start.sh" "$here/start.sh" "$work"
echo "     python client checks:"
step "python client: auth types, whoami, signurl, errors" python_client
step "verify_signed_url.py: 9 signed URLs" verify_all
step "verify_signed_url.py rejects tampered/wrong-op URLs" verify_rejects_tampering
step "stop.sh" "$here/stop.sh" "$work"
step "no process left after stop" no_process_left
step "stop.sh again (idempotent)" "$here/stop.sh" "$work"

sleep 300 &
sleeper=$!
step "start.sh again in the same work dir (watching pid $sleeper)" \
    env RUCIO_TEST_WATCH_PID="$sleeper" "$here/start.sh" "$work"
step "server exits when its watched process dies" dies_with_watched_process
step "no process left" no_process_left
