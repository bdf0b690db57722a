#!/bin/sh
# Host test of the modem port (port/modem/) against the relay
# (tests/firmware/relay.py): the port runs in a host program whose "UART" is
# a TCP connection to the relay, as QEMU's -serial tcp: is for the firmware.
#
#   tests/firmware/modem-test.sh <modem_host binary> <workdir>
set -eu

bin=${1:?usage: modem-test.sh <modem_host> <workdir>}
work=${2:?usage: modem-test.sh <modem_host> <workdir>}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
rm -f "$work/relay.port" "$work/relay.log"

python3 "$here/relay.py" --port-file "$work/relay.port" --once --log "$work/relay.log" &
relay=$!
trap 'kill "$relay" 2>/dev/null || true' EXIT INT TERM

i=0
while [ ! -s "$work/relay.port" ]; do
    i=$((i + 1))
    if [ "$i" -gt 50 ]; then
        echo "FAIL relay_start: no port file after 10 s"
        echo "modem-host: 0 passed, 1 failed"
        exit 1
    fi
    sleep 0.2
done

rc=0
timeout 120 "$bin" "$(cat "$work/relay.port")" || rc=$?
exit "$rc"
