#!/bin/bash
# Stop the Rucio test server of <workdir>: TERM to its process group, KILL
# after 10 s. Idempotent; succeeds when nothing runs.
# Usage: stop.sh <workdir>
set -euo pipefail

work=${1:?usage: stop.sh <workdir>}
pidfile=$work/server.pid
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

# Only signal the pid if it is still our server (pids get reused).
if [[ "$pid" =~ ^[0-9]+$ ]] && grep -qa rucioserver.py "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        group_alive || break
        sleep 0.1
    done
    if group_alive; then
        echo "stop.sh: server $pid ignored TERM for 10 s, killing" >&2
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 50); do group_alive || break; sleep 0.1; done
    fi
fi
rm -f "$pidfile" "$work/port"
