#!/bin/bash
# Stop a supervised test server: TERM to the process group whose leader's
# pid is in PIDFILE, KILL after 10 s. Only a leader whose command line
# still holds MARKER is signalled (pids get reused). Idempotent: succeeds
# when nothing runs; PIDFILE (and any EXTRA file) is removed.
# Usage: stop-group.sh PIDFILE MARKER WHAT [EXTRA...]
#   (tests/rucio-server/stop.sh and tests/storage/stop.sh)
set -euo pipefail

pidfile=${1:?usage: stop-group.sh PIDFILE MARKER WHAT [EXTRA...]}
marker=${2:?usage: stop-group.sh PIDFILE MARKER WHAT [EXTRA...]}
what=${3:?usage: stop-group.sh PIDFILE MARKER WHAT [EXTRA...]}
shift 3
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")

# Live (non-zombie) processes in process group $pid.
group_alive() {
    local stat rest
    for stat in /proc/[0-9]*/stat; do
        { read -r rest < "$stat"; } 2>/dev/null || continue  # may have exited
        rest=${rest##*) }
        # shellcheck disable=SC2086
        set -- $rest
        [ "$3" = "$pid" ] && [ "$1" != Z ] && return 0
    done
    return 1
}

if [[ "$pid" =~ ^[0-9]+$ ]] && grep -qa -- "$marker" "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        group_alive || break
        sleep 0.1
    done
    if group_alive; then
        echo "stop.sh: $what ($pid) ignored TERM for 10 s, killing" >&2
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 50); do group_alive || break; sleep 0.1; done
    fi
fi
rm -f "$pidfile" "$@"
