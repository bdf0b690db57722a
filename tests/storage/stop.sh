#!/bin/bash
# Stop the storage servers of <workdir>: TERM to their process group, KILL
# after 10 s. Idempotent; succeeds when nothing runs.
# Usage: stop.sh <workdir>
set -euo pipefail

work=${1:?usage: stop.sh <workdir>}
pidfile=$work/storage.pid
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

# Only signal if $pid still leads our supervisor's group (pids get reused).
if [[ "$pid" =~ ^[0-9]+$ ]] && grep -qa supervise.sh "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        group_alive || break
        sleep 0.1
    done
    if group_alive; then
        echo "stop.sh: storage servers ($pid) ignored TERM for 10 s, killing" >&2
        kill -KILL -- "-$pid" 2>/dev/null || true
        for _ in $(seq 50); do group_alive || break; sleep 0.1; done
    fi
fi
rm -f "$pidfile"
