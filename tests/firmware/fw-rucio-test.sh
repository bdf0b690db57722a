#!/bin/sh
# rucio-lite firmware against the real Rucio server (make fw-rucio-test):
# start the server of tests/rucio-server, build the librucio image with the
# server's CA in flash, run it in QEMU behind the relay, and check each
# signed URL it prints with verify_signed_url.py, as tests/e2e does, and
# the stack each public call needed ("stack: <call> <bytes>" lines, at most
# FW_STACK_LIMIT bytes each, 8192 by default: the limit of issue 7, not a
# timing).
#
#   tests/firmware/fw-rucio-test.sh <firmware build dir> <make> <make args...>
#
# Prints PASS/FAIL lines and "firmware-rucio: N passed, N failed".
set -eu

fw=${1:?usage: fw-rucio-test.sh <firmware build dir> <make> [make args]}
make=${2:?usage: fw-rucio-test.sh <firmware build dir> <make> [make args]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
harness=$top/tests/rucio-server
python=${RUCIO_TEST_VENV:-$top/.venv}/bin/python
mkdir -p "$fw/rucio-test"
fw=$(cd "$fw" && pwd)
work=$fw/rucio-test
server=$work/server
qemu_timeout=${FW_QEMU_TIMEOUT:-300}
rm -f "$work"/relay.port "$work"/console.txt "$work"/relay.log

passed=0
failed=0
relay=""
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    [ -z "$relay" ] || kill "$relay" 2>/dev/null || true
    "$harness/stop.sh" "$server" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM
finish() {
    echo "firmware-rucio: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

if ! RUCIO_TEST_WATCH_PID=$$ "$harness/start.sh" "$server" >"$work/start.log" 2>&1; then
    fail rucio_server_start "$(tail -n 3 "$work/start.log")"
    finish
fi
# shellcheck disable=SC1091 # written by start.sh
. "$server/server.env"
pass rucio_server_start

# "A given token": one the Python side gets for the signer account, built
# into the image next to the userpass credentials.
token=$("$python" "$harness/userpass_token.py" "$server/server.env") || token=""
if [ -n "$token" ]; then pass got_token_for_image; else fail got_token_for_image "no token"; fi

if (cd "$top" && $make --no-print-directory "$@" fw-rucio FW_RUCIO_CA="$server/pki/ca.pem" \
    FW_RUCIO_TOKEN="$token") >"$work/build.log" 2>&1; then
    pass build_image_with_server_ca
else
    fail build_image_with_server_ca "$(tail -n 3 "$work/build.log")"
    finish
fi
grep -A1 'text.*data.*bss' "$work/build.log" | sed 's/^/    size: /'

python3 "$here/relay.py" --port-file "$work/relay.port" --log "$work/relay.log" &
relay=$!
i=0
while [ ! -s "$work/relay.port" ] && [ "$i" -lt 50 ]; do i=$((i + 1)); sleep 0.2; done

rc=0
timeout "$qemu_timeout" qemu-system-arm -M mps2-an386 -display none -monitor none \
    -kernel "$fw/rucio_proof.elf" \
    -serial "file:$work/console.txt" \
    -serial "tcp:127.0.0.1:$(cat "$work/relay.port")" \
    -semihosting-config "enable=on,target=native,arg=fw,arg=url=$RUCIO_TEST_URL" \
    >"$work/qemu.log" 2>&1 || rc=$?
sed 's/^/    console: /' "$work/console.txt" | cut -c1-200

for name in nv_seed_provisioned modem_hello client_init ping userpass_authentication \
    whoami whoami_account signed_gcs signed_s3 signed_swift token_client_init token_s3 \
    token_used_as_given; do
    line=$(grep "^CHECK $name " "$work/console.txt" | head -n 1 || true)
    case $line in
    "CHECK $name ok") pass "qemu_$name" ;;
    "") fail "qemu_$name" "not reported (QEMU exit $rc)" ;;
    *) fail "qemu_$name" "${line#CHECK "$name" FAIL }" ;;
    esac
done

input_of() {
    case $1 in
    gcs) echo https://storage.googleapis.com/rucio-lite-bucket/dir/file.dat ;;
    s3) echo https://s3.example.org:9000/rucio-lite-bucket/dir/file.dat ;;
    swift) echo https://swift.example.org:8080/v1/AUTH_test/container/dir/file.dat ;;
    esac
}
# verify TAG SERVICE: the URL printed as "TAG SERVICE <url>"
verify() {
    url=$(sed -n "s/^$1 $2 //p" "$work/console.txt" | head -n 1)
    name=$(echo "$1" | tr '[:upper:]' '[:lower:]')_url_$2_verified
    if [ -z "$url" ]; then
        fail "$name" "no URL printed"
    elif "$python" "$harness/verify_signed_url.py" --env "$server/server.env" \
        --service "$2" --op read --lifetime 600 --input-url "$(input_of "$2")" \
        --url "$url" >"$work/verify-$1-$2.log" 2>&1; then
        pass "$name"
    else
        fail "$name" "$(head -c 300 "$work/verify-$1-$2.log")"
    fi
}
for svc in gcs s3 swift; do verify SIGNED "$svc"; done
verify TOKEN s3

# Stack per public call: every call the image makes reports a figure, and
# none needs more than the limit.
stack_limit=${FW_STACK_LIMIT:-8192}
for call in rucio_client_options_default rucio_client_init rucio_ping rucio_authenticate \
    rucio_whoami rucio_client_account rucio_get_signed_url rucio_client_last_error \
    rucio_client_free; do
    bytes=$(sed -n "s/^stack: $call \([0-9][0-9]*\)\$/\1/p" "$work/console.txt" | head -n 1)
    if [ -z "$bytes" ]; then
        fail "stack_$call" "no \"stack: $call\" line"
    elif [ "$bytes" -le "$stack_limit" ]; then
        pass "stack_$call"
    else
        fail "stack_$call" "$bytes bytes, over $stack_limit"
    fi
done
# ... and a call the list above does not know (rucio_strerror after a
# failure, a call added later) is held to the same limit.
over=$(awk -v limit="$stack_limit" '/^stack: / && $3 > limit { print $2 " " $3 }' \
    "$work/console.txt")
if [ -z "$over" ]; then pass stack_every_call_within_limit; else
    fail stack_every_call_within_limit "$(echo "$over" | tr '\n' ' ')"; fi
if [ "$rc" -eq 0 ]; then pass qemu_exit_status; else fail qemu_exit_status "QEMU exited $rc"; fi
finish
