#!/bin/bash
# CLI hardening checks that need no Rucio server: the password does not
# survive in the process image, a tiny -T stays tiny, and a control
# character in a header value is a usage error. Usage: tests/cli/run.sh <builddir>
# Prints "PASS <name>" or "FAIL <name>: <why>" per check.
set -uo pipefail

build=${1:?usage: tests/cli/run.sh <builddir>}
cli=$(cd "$build" && pwd)/rucio-lite
[ -x "$cli" ] || { echo "FAIL setup: $cli missing"; exit 1; }
work=$(mktemp -d)
server_pid=
cleanup() {
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# A local server on 127.0.0.1: 'refuse' answers every request 401 (so the
# password is sent and refused), 'silent' accepts and never answers.
start_server() {
    python3 - "$1" >"$work/port" <<'PY' &
import socket, sys, threading
mode = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
body = b'{"ExceptionClass": "CannotAuthenticate", "ExceptionMessage": "no"}'
def serve(c):
    if mode == "silent":
        threading.Event().wait(30)
        return
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk:
            return
        data += chunk
    c.sendall(b"HTTP/1.1 401 UNAUTHORIZED\r\nContent-Length: %d\r\n"
              b"Connection: close\r\n\r\n%s" % (len(body), body))
    c.close()
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
    server_pid=$!
    for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
    port=$(cat "$work/port")
}
stop_server() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=; }

cd "$work" || exit 1
export TMPDIR=$work HOME=$work
unset RUCIO_CONFIG RUCIO_HOME RUCIO_ACCOUNT RUCIO_AUTH_TYPE X509_USER_PROXY

# ---- the password does not outlive its use ----------------------------------
# The whole process image is dumped as the process exits (gdb's gcore at
# exit_group): no copy of the password may be left anywhere in it.
secret="Pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$secret" >pw
chmod 600 pw
if readelf -d "$cli" | grep -q 'BIND_NOW'; then
    pass "cli linked with -z now"
else
    fail "cli linked with -z now" "no BIND_NOW in the dynamic section"
fi
# A sanitizer build maps terabytes of shadow memory that gcore would
# write out: the check is for the normal build. ulimit -f bounds the
# image whatever happens.
if grep -q '__asan_init\|__tsan_init\|__msan_init' <(nm "$cli" 2>/dev/null); then
    echo "SKIP password wiped before exit (sanitizer build: no process image)"
elif command -v gdb >/dev/null 2>&1; then
    start_server refuse
    printf '%s\n' 'set pagination off' 'catch syscall exit_group' 'run' \
        'gcore image' 'kill' 'quit' >gdb.cmd
    (ulimit -f 1048576
     gdb -q -batch -x gdb.cmd --args "$cli" -H "http://127.0.0.1:$port" \
        --auth-host "http://127.0.0.1:$port" -S userpass -u alice -a alice \
        --password-file pw -T 5 token) >gdb.out 2>&1
    stop_server
    if [ ! -s image ]; then
        fail "password wiped before exit" "no process image ($(tail -n 2 gdb.out | tr '\n' ' '))"
    elif ! grep -q 'CannotAuthenticate' gdb.out; then
        fail "password wiped before exit" "the login was not attempted: $(tail -n 3 gdb.out | tr '\n' ' ')"
    elif grep -aqF "$secret" image; then
        fail "password wiped before exit" "$(grep -acF "$secret" image) copies in the process image"
    else
        pass "password wiped before exit"
    fi
else
    fail "password wiped before exit" "gdb missing (make deps installs it)"
fi

# ---- a tiny -T stays tiny --------------------------------------------------
start_server silent
t0=$EPOCHREALTIME
"$cli" -H "http://127.0.0.1:$port" --auth-host "http://127.0.0.1:$port" \
    -S userpass -u a --password-file pw \
    -T 0.0001 ping >out 2>err
rc=$?
elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
stop_server
if [ "$rc" = 5 ] && awk -v e="$elapsed" 'BEGIN { exit !(e < 2) }'; then
    pass "-T 0.0001 times out at once (${elapsed} s)"
else
    fail "-T 0.0001 times out at once" "exit $rc after ${elapsed} s: $(cat err)"
fi

# ---- a control character in a header value is a usage error ----------------
for acct in $'root\r\nX-Evil: 1' $'root\e[2J'; do
    "$cli" -H "http://127.0.0.1:9" --auth-host "http://127.0.0.1:9" -a "$acct" \
        -S userpass -u a \
        --password-file pw -T 2 ping >out 2>err
    rc=$?
    name="control character in --account ($(printf '%q' "$acct"))"
    if [ "$rc" = 2 ] && grep -q '^InputValidationError: .*X-Rucio-Account' err \
        && ! grep -q $'\e' err; then
        pass "$name"
    else
        fail "$name" "exit $rc: $(cat -v err)"
    fi
done

# ---- output that cannot be written is not a success ------------------------
if [ -w /dev/full ]; then
    "$cli" --version >/dev/full 2>err
    rc=$?
    if [ "$rc" = 1 ] && grep -q 'could not write' err; then
        pass "output to a full device is an error"
    else
        fail "output to a full device is an error" "exit $rc: $(cat err)"
    fi
fi

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
