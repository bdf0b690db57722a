#!/bin/sh
# Fleet behaviour suite (issue 8, item 15): many rucio-lite processes
# started together against one server on 127.0.0.1 that answers 503, 503
# with Retry-After, or refuses connections for a while, then recovers.
# Checks that the retries are spread by full jitter, not in lockstep,
# that Retry-After is honoured, that nodes succeed after the recovery and
# that cached tokens are reused (no /auth/ request). See tests/fleet/fleet.py
# and docs/testing.md, "Fleet behaviour".
#
# Usage: tests/fleet/run.sh <builddir>     (needs <builddir>/rucio-lite)
# FLEET_NODES=N (50 to 999) processes per scenario: 150 by default, 60
# when ASAN_OPTIONS or UBSAN_OPTIONS is set (make test SANITIZE=1), whose
# slow start-up would otherwise load two cores for most of a second;
# FLEET_ONLY=503,retry-after,refused runs only those scenarios;
# FLEET_NICE=N (default 5): the clients run that much nicer than the driver.
# Files stay in <builddir>/fleet-work/<scenario>/ (requests.log, and per
# node its token cache, stdout and time-stamped stderr).
set -eu

build=${1:?usage: tests/fleet/run.sh <builddir>}
here=$(cd "$(dirname "$0")" && pwd)
cli=$build/rucio-lite
if [ ! -x "$cli" ]; then
    echo "FAIL fleet setup: $cli missing (make BUILD=$build cli)"
    echo "fleet: 0 passed, 1 failed"
    exit 1
fi

nodes=150
if [ -n "${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}" ]; then
    nodes=60
fi
nodes=${FLEET_NODES:-$nodes}

driver=
# Called from the traps (shellcheck 0.9 thinks it unreachable).
# shellcheck disable=SC2317
cleanup() {
    if [ -n "$driver" ]; then
        kill "$driver" 2>/dev/null || true
        wait "$driver" 2>/dev/null || true
        driver=
    fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# The driver runs in the background so that an interrupted suite can stop
# it; it kills the client processes it started before it exits.
python3 "$here/fleet.py" --cli "$cli" --work "$build/fleet-work" \
    --nodes "$nodes" \
    --only "${FLEET_ONLY:-503,retry-after,refused}" &
driver=$!
status=0
wait "$driver" || status=$?
driver=
exit "$status"
