#!/bin/bash
# The build with every optional feature off (tests/config/minimal.h: no
# TLS, no files, no environment, no auth type but a given token) against
# the genuine Rucio server: ping, whoami and three signed URLs, each URL
# verified as tests/e2e verifies them. The server speaks only TLS, so a
# plain-HTTP front on 127.0.0.1 (unwrap.py) forwards to it.
# Usage: tests/config/run.sh <builddir>
#
# The library and e2e_client of that configuration are built (when
# missing) into <builddir>/cfg-minimal, as `make check-configs` does.
# Prints "PASS <name>" or "FAIL <name>: <why>" and "config: N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
harness=$repo/tests/rucio-server
build=${1:?usage: tests/config/run.sh <builddir>}
build=$(cd "$build" && pwd) || exit 1
work=$build/config-work
server=$work/server
venv=${RUCIO_TEST_VENV:-$repo/.venv}
python=$venv/bin/python
client=$build/cfg-minimal/tools/e2e_client
passed=0 failed=0 unwrap=""

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() {
    echo "config: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
cleanup() {
    local rc=$?
    [ -z "$unwrap" ] || kill "$unwrap" 2>/dev/null
    "$harness/stop.sh" "$server" >/dev/null 2>&1
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$work"
mkdir -p "$work"
if make -C "$repo" --no-print-directory BUILD="$build/cfg-minimal" \
    CPPFLAGS="-DRUCIO_USER_CONFIG_FILE=\\\"$repo/tests/config/minimal.h\\\"" \
    CFLAGS=-Werror "$client" >"$work/build.log" 2>&1; then
    pass build_minimal_client
else
    fail build_minimal_client "$(tail -n 3 "$work/build.log")"
    finish
fi
# An http-only build links no mbedTLS: not one of its symbols.
if nm "$client" | grep -qi ' [TtDdBbRr] mbedtls_'; then
    fail no_mbedtls_linked "$(nm "$client" | grep -i -m3 ' mbedtls_')"
else
    pass no_mbedtls_linked
fi

if ! RUCIO_TEST_WATCH_PID=$$ "$harness/start.sh" "$server" >"$work/start.log" 2>&1; then
    fail rucio_server_start "$(tail -n 3 "$work/start.log")"
    finish
fi
# shellcheck disable=SC1091 # written by start.sh
. "$server/server.env"
pass rucio_server_start

# The given token: one the Python side gets for the signer account.
token=$("$python" "$harness/userpass_token.py" "$server/server.env") || token=""
[ -n "$token" ] || { fail got_token "no token from the server"; finish; }
pass got_token

python3 "$here/unwrap.py" --to-port "$RUCIO_TEST_PORT" --ca "$server/pki/ca.pem" \
    --port-file "$work/plain.port" 2>"$work/unwrap.log" &
unwrap=$!
i=0
while [ ! -s "$work/plain.port" ] && [ "$i" -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
plain=http://127.0.0.1:$(cat "$work/plain.port")

input_of() {
    case $1 in
    gcs) echo https://storage.googleapis.com/rucio-lite-bucket/dir/file.dat ;;
    s3) echo https://s3.example.org:9000/rucio-lite-bucket/dir/file.dat ;;
    swift) echo https://swift.example.org:8080/v1/AUTH_test/container/dir/file.dat ;;
    esac
}

# The token goes on the command line: it is valid for this run's
# throw-away server only.
"$client" --host "$plain" --auth-host "$plain" --account signer --token "$token" \
    ping whoami \
    signurl GCS-SITE gcs read 600 "$(input_of gcs)" \
    signurl S3-SITE s3 read 600 "$(input_of s3)" \
    signurl SWIFT-SITE swift read 600 "$(input_of swift)" \
    >"$work/client.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then pass client_steps; else fail client_steps "exit $rc: $(head -c 300 "$work/client.out")"; fi
if grep -q '^ping ok version=' "$work/client.out"; then pass ping; else fail ping "$(grep -m1 '^ping' "$work/client.out")"; fi
if grep -q '^whoami ok account=signer ' "$work/client.out"; then pass whoami; else fail whoami "$(grep -m1 '^whoami' "$work/client.out")"; fi

n=0
for svc in gcs s3 swift; do
    n=$((n + 1))
    url=$(grep '^signurl ok url=' "$work/client.out" | sed -n "${n}s/^signurl ok url=//p")
    if [ -z "$url" ]; then
        fail "signed_${svc}_verified" "no URL"
    elif "$python" "$harness/verify_signed_url.py" --env "$server/server.env" \
        --service "$svc" --op read --lifetime 600 --input-url "$(input_of "$svc")" \
        --url "$url" >"$work/verify-$svc.log" 2>&1; then
        pass "signed_${svc}_verified"
    else
        fail "signed_${svc}_verified" "$(head -c 300 "$work/verify-$svc.log")"
    fi
done

# An https host is refused at once, naming the switch.
"$client" --host "https://127.0.0.1:$RUCIO_TEST_PORT" \
    --auth-host "https://127.0.0.1:$RUCIO_TEST_PORT" --account signer --token "$token" \
    ping >"$work/https.out" 2>&1
if grep -q '^init error status=E_UNSUPPORTED .*without TLS' "$work/https.out"; then
    pass https_refused_without_tls
else
    fail https_refused_without_tls "$(head -c 300 "$work/https.out")"
fi
finish
