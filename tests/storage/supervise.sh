#!/bin/bash
# Run the storage servers listed in <workdir>/servers.list ("name<TAB>command"
# per line, command shell-quoted) as one process group, logs in
# <workdir>/logs/<name>.log. Everything stops when the watched process exits
# (unless it is 0), when one server dies, or on TERM/INT.
# Started by start.sh under setsid; stop.sh signals the whole group.
# Usage: supervise.sh <workdir> <watch pid>
set -euo pipefail

work=$1 watch=$2
names=() pids=()

alive() {  # alive PID: true if PID exists and is not a zombie
    local rest
    { read -r rest < "/proc/$1/stat"; } 2>/dev/null || return 1
    rest=${rest##*) }
    [ "${rest%% *}" != Z ]
}

stop_all() {
    trap - TERM INT
    echo "supervise: stopping ($1)"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 100); do
        local left=0 p
        for p in "${pids[@]}"; do alive "$p" && left=1; done
        [ "$left" = 0 ] && exit 0
        sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    exit 0
}
trap 'stop_all signal' TERM INT

while IFS=$'\t' read -r name cmd; do
    # shellcheck disable=SC2086  # cmd is a %q-quoted command line from start.sh
    ( eval "exec $cmd" ) </dev/null >>"$work/logs/$name.log" 2>&1 &
    names+=("$name") pids+=("$!")
    echo "supervise: started $name (pid $!)"
done < "$work/servers.list"

while true; do
    if [ "$watch" != 0 ] && ! alive "$watch"; then
        stop_all "watched process $watch exited"
    fi
    for i in "${!pids[@]}"; do
        alive "${pids[$i]}" || stop_all "${names[$i]} (pid ${pids[$i]}) exited"
    done
    sleep 0.5 & wait $! || true
done
