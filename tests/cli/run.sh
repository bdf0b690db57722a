#!/bin/bash
# CLI hardening checks that need no Rucio server: the password does not
# survive in the process image, a tiny -T stays tiny, and a control
# character in a header value is a usage error; put/get/delete against a
# local plain-HTTP object store (usage errors, round trip, a file changing
# during put, write failures and signals leaving no file, the progress
# bar on a pty). Usage: tests/cli/run.sh <builddir>
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
    rm -f "$work/port" # else the wait below may read the last server's port
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

# ---- the rucio CLI's options, connection failures, -v, exit codes ----------
# (issue 11). Servers stay on 127.0.0.1; "unreachable" runs rucio-lite in a
# network namespace of its own whose loopback is down, so nothing leaves it.

# A local 'record' server: saves each request head (raw bytes) in
# $work/head.<n> and answers 401 CannotAuthenticate. 'backlog' listens
# with a full backlog and never accepts: a connect there times out.
start_local() {
    local portfile
    portfile=$(mktemp "$work/port.XXXXXX") # fresh: never an old server's port
    python3 - "$1" "$work" >"$portfile" <<'PY' &
import socket, sys, threading, time
mode, work = sys.argv[1], sys.argv[2]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
port = s.getsockname()[1]
if mode == "backlog":
    held = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        held.append(c)
    print(port, flush=True)
    time.sleep(60)
    sys.exit(0)
s.listen(16)
print(port, flush=True)
body = b'{"ExceptionClass": "CannotAuthenticate", "ExceptionMessage": "no"}'
count = 0
while True:
    c, _ = s.accept()
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk:
            break
        data += chunk
    count += 1
    with open(f"{work}/head.{count}", "wb") as f:
        f.write(data)
    c.sendall(b"HTTP/1.1 401 UNAUTHORIZED\r\nContent-Length: %d\r\n"
              b"Connection: close\r\n\r\n%s" % (len(body), body))
    c.close()
PY
    server_pid=$!
    for _ in $(seq 50); do [ -s "$portfile" ] && break; sleep 0.1; done
    port=$(cat "$portfile")
}

# expect NAME WANT_RC FILE TEXT...: exit code and every TEXT in FILE.
expect() {
    local name=$1 want=$2 file=$3 t
    shift 3
    if [ "$rc" != "$want" ]; then
        fail "$name" "exit $rc, expected $want: $(head -c 400 "$file" | tr '\n' ' ')"
        return
    fi
    for t in "$@"; do
        if ! grep -qF -- "$t" "$file"; then
            fail "$name" "no '$t' in: $(head -c 400 "$file" | tr '\n' ' ')"
            return
        fi
    done
    pass "$name"
}

closed=127.0.0.1:9
hosts=(-H "http://$closed" --auth-host "http://$closed")

# Unknown options are named, wherever they are.
"$cli" --frobnicate ping >out 2>err; rc=$?
expect "unknown global option named" 2 err "unknown option '--frobnicate'"
"$cli" ping --frobnicate=1 >out 2>err; rc=$?
expect "unknown option after the command named" 2 err "unknown option '--frobnicate'"
"$cli" signurl --rse R --frobnicate --svc s3 --op read u >out 2>err; rc=$?
expect "unknown signurl option named" 2 err "signurl: unknown option '--frobnicate'"
"$cli" token --frob >out 2>err; rc=$?
expect "unknown token option named" 2 err "token: unknown option '--frob'"
"$cli" -H >out 2>err; rc=$?
expect "missing option value named" 2 err "option '-H' needs a value"

# --version names rucio-lite's and mbedTLS's versions.
# The mbedTLS headers this build used: <builddir>/mbedtls.id names the
# installation (mk/mbedtls.mk), "debian:/usr" for Debian's package.
inc=/usr/include
id=$(cat "${cli%/*}/mbedtls.id" 2>/dev/null)
case $id in /*) inc=$id/include ;; esac
# (3.x defines the version in build_info.h, 2.28 in version.h.)
mbed=$(cat "$inc/mbedtls/build_info.h" "$inc/mbedtls/version.h" 2>/dev/null |
    sed -n 's/^#define MBEDTLS_VERSION_STRING *"\(.*\)"/\1/p' | head -n 1)
"$cli" --version >out 2>err; rc=$?
expect "--version names rucio-lite and mbedTLS" 0 out "rucio-lite 0." "mbedTLS ${mbed:-?}"

# Connection failures say why. Refused: a closed port on 127.0.0.1.
"$cli" "${hosts[@]}" -S userpass -u a --password-file pw -T 5 ping >out 2>err; rc=$?
expect "refused connection says refused (exit 5)" 5 err \
    "ServerConnectionException" "127.0.0.1:9: connection refused"
# Unresolved: a name under .invalid (RFC 6761: never resolves).
"$cli" -H http://rucio-lite-test.invalid --auth-host http://rucio-lite-test.invalid \
    -S userpass -u a --password-file pw -T 5 ping >out 2>err; rc=$?
expect "unresolvable name says name not resolved (exit 5)" 5 err \
    "rucio-lite-test.invalid:80: name not resolved"
# Timed out: a listener whose backlog is full never completes a connect.
start_local backlog
"$cli" -H "http://127.0.0.1:$port" --auth-host "http://127.0.0.1:$port" \
    -S userpass -u a --password-file pw -T 1 ping >out 2>err; rc=$?
stop_server
expect "connect to a full backlog says timed out (exit 5)" 5 err \
    "127.0.0.1:$port: timed out"
# Unreachable: a network namespace whose loopback is down has no route
# even to 127.0.0.1 (ENETUNREACH) and no other interface.
if unshare -n true 2>/dev/null; then
    unshare -n "$cli" "${hosts[@]}" -S userpass -u a --password-file pw -T 5 \
        ping >out 2>err; rc=$?
    expect "no route says network unreachable (exit 5)" 5 err \
        "127.0.0.1:9: network unreachable"
else
    echo "SKIP no route says network unreachable (unshare -n not permitted)"
fi

# Global options after the command, the rucio spellings and the old ones.
start_local record
here=(-H "http://127.0.0.1:$port" --auth-host "http://127.0.0.1:$port")
rm -f "$work"/head.*
"$cli" whoami "${here[@]}" -a alice -S userpass -u alice --password-file pw \
    -U my-agent -T 5 >out 2>err; rc=$?
if [ "$rc" = 3 ] && grep -qa '^X-Rucio-Account: alice' "$work"/head.* \
    && grep -qa '^User-Agent: my-agent/' "$work"/head.*; then
    pass "global options after the command (-a, -U) are applied"
else
    fail "global options after the command (-a, -U) are applied" "exit $rc: $(cat err)"
fi
rm -f "$work"/head.*
"$cli" --hostname "http://127.0.0.1:$port" --auth-host "http://127.0.0.1:$port" \
    --issuer bob --auth-strategy userpass --user bob --password 'pw-on-line' \
    whoami >out 2>err; rc=$?
if [ "$rc" = 3 ] && grep -qa '^X-Rucio-Account: bob' "$work"/head.* \
    && grep -qa '^X-Rucio-Password: pw-on-line' "$work"/head.*; then
    pass "--hostname --issuer --auth-strategy --user --password"
else
    fail "--hostname --issuer --auth-strategy --user --password" "exit $rc: $(cat err)"
fi
rm -f "$work"/head.*
"$cli" --host "http://127.0.0.1:$port" --auth-host "http://127.0.0.1:$port" \
    --account carol --auth-type userpass -u carol --password-file pw whoami \
    >out 2>err; rc=$?
if [ "$rc" = 3 ] && grep -qa '^X-Rucio-Account: carol' "$work"/head.*; then
    pass "old spellings --host --auth-type still work"
else
    fail "old spellings --host --auth-type still work" "exit $rc: $(cat err)"
fi

# User name and password go out in ISO-8859-1, as the Python client sends
# them: é is the byte e9, £ a3, ß df.
rm -f "$work"/head.*
printf '%s\n' 'pässwörd£' >pw-latin1
chmod 600 pw-latin1
"$cli" "${here[@]}" -a latin -S userpass -u 'jürgen' --password-file pw-latin1 \
    whoami >out 2>err; rc=$?
want_user=$(printf 'X-Rucio-Username: j\xfcrgen\r')
want_pw=$(printf 'X-Rucio-Password: p\xe4ssw\xf6rd\xa3\r')
if [ "$rc" = 3 ] && grep -qaF "$want_user" "$work"/head.* \
    && grep -qaF "$want_pw" "$work"/head.*; then
    pass "Latin-1 user name and password sent as ISO-8859-1 bytes"
else
    fail "Latin-1 user name and password sent as ISO-8859-1 bytes" \
        "exit $rc; head: $(grep -a '^X-Rucio-[UP]' "$work"/head.* 2>/dev/null | od -An -c | head -n 4 | tr -s ' \n' ' ')"
fi
# A character outside Latin-1 cannot be sent (nor by Python): refused
# before any request, exit 2.
rm -f "$work"/head.*
"$cli" "${here[@]}" -a latin -S userpass -u latin --password 'price-€' whoami \
    >out 2>err; rc=$?
if [ "$rc" = 2 ] && grep -q '^InputValidationError: the password holds a character outside ISO-8859-1' err \
    && ! ls "$work"/head.* >/dev/null 2>&1; then
    pass "password outside Latin-1 refused before sending (exit 2)"
else
    fail "password outside Latin-1 refused before sending (exit 2)" "exit $rc: $(cat err)"
fi

# -v: config file, auth type, account, request lines and the response
# status; never the password.
rm -f "$work"/head.*
printf '[client]\nauth_type = userpass\nusername = dave\n' >verbose.cfg
"$cli" -v --config "$PWD/verbose.cfg" "${here[@]}" -a dave --password-file pw \
    whoami >out 2>err; rc=$?
expect "-v shows config, auth type, account, request, status" 3 err \
    "config file: $PWD/verbose.cfg" "auth type: userpass" "account: dave" \
    "GET https=0 127.0.0.1:$port/auth/userpass" "last response: HTTP 401"
if grep -qF "$secret" err; then
    fail "-v never shows the password" "it is in stderr"
else
    pass "-v never shows the password"
fi
stop_server

# Exit codes follow the class: gss is CannotAuthenticate like a refused
# login (3), a missing rucio host is a local error (1).
"$cli" "${hosts[@]}" -S gss whoami >out 2>err; rc=$?
expect "gss exits 3 like every CannotAuthenticate" 3 err "CannotAuthenticate: "
"$cli" --config /nonexistent/rucio.cfg ping >out 2>err; rc=$?
expect "missing configuration exits 1" 1 err "ConfigLoadingError: "

# ---- put, get, delete through a signed URL (issue 9) -----------------------
# Offline: usage errors, then a local plain-HTTP object store standing in
# for S3 (tests/transfer/raw.sh has the real servers). A raw URL needs no
# Rucio server, but the client is set up as for every command: the closed
# port 127.0.0.1:9 as its hosts.
"$cli" --help >out 2>err; rc=$?
expect "--help lists put, get, delete and -q" 0 out "  put " "  get " \
    "  delete " "-q, --quiet" "6 data did not verify"
"$cli" get --help >out 2>err; rc=$?
expect "get --help tells the temporary file" 0 out \
    "usage: rucio-lite [global options] get URL FILE" "FILE.rucio-lite.part-XXXXXX"
"$cli" "${hosts[@]}" put http://127.0.0.1:9/b/k >out 2>err; rc=$?
expect "put with one argument is a usage error" 2 err "put: needs a URL and a FILE"
"$cli" "${hosts[@]}" get >out 2>err; rc=$?
expect "get without arguments is a usage error" 2 err "get: needs a URL and a FILE"
"$cli" "${hosts[@]}" delete u1 u2 >out 2>err; rc=$?
expect "delete with two URLs is a usage error" 2 err "rucio-lite delete: "
"$cli" "${hosts[@]}" get --lifetime 5 http://127.0.0.1:9/b/k f >out 2>err; rc=$?
expect "get refuses an option it does not have" 2 err "get: unknown option '--lifetime'"
for c in put get; do
    "$cli" "${hosts[@]}" "$c" 's3.example.org/b/k?X-Amz-Signature=5ecret' f >out 2>err; rc=$?
    expect "$c of a URL that is not http(s) is a usage error" 2 err \
        "$c: URL is not an absolute http or https URL"
    if grep -q 5ecret err; then fail "$c never prints the URL" "it is in stderr"; fi
done
"$cli" "${hosts[@]}" delete ftp://h/b/k >out 2>err; rc=$?
expect "delete of an ftp URL is a usage error" 2 err "URL is not an absolute http"
"$cli" "${hosts[@]}" put http://127.0.0.1:9/b/k "$work/no such file" >out 2>err; rc=$?
expect "put of a missing file exits 1 and names it" 1 err \
    "cannot open $work/no such file: No such file or directory"
"$cli" "${hosts[@]}" put http://127.0.0.1:9/b/k "$work" >out 2>err; rc=$?
expect "put of a directory exits 1" 1 err "$work is a directory"
mkfifo fifo
"$cli" "${hosts[@]}" -T 5 put http://127.0.0.1:9/b/k fifo >out 2>err; rc=$?
expect "put of a FIFO is refused at once (no size)" 1 err "fifo is not a regular file"
"$cli" "${hosts[@]}" get http://127.0.0.1:9/b/k "$work/" >out 2>err; rc=$?
expect "get into a directory name exits 1" 1 err "is a directory: give the file's name"
mkdir -p nodir-parent
"$cli" "${hosts[@]}" get http://127.0.0.1:9/b/k nodir-parent/missing/f >out 2>err; rc=$?
expect "get into a missing folder exits 1" 1 err \
    "cannot create a temporary file beside nodir-parent/missing/f: No such file or directory"
"$cli" "${hosts[@]}" -q get http://127.0.0.1:9/b/k got >out 2>err; rc=$?
expect "get from a closed port exits 5" 5 err "ServerConnectionException: storage: "
if ls got* >/dev/null 2>&1; then
    fail "a failed get leaves no file" "$(ls got*)"
else
    pass "a failed get leaves no file"
fi

# A local object store: PUT stores, GET serves (404 with S3's XML error when
# missing), DELETE removes; keys with "slow" in their name move 64 KiB per
# 50 ms, so that a transfer lasts long enough to be watched or disturbed.
start_objects() {
    local portfile
    mkdir -p "$work/objects"
    portfile=$(mktemp "$work/port.XXXXXX")
    python3 - "$work/objects" >"$portfile" 2>"$work/objects.log" <<'PY' &
import http.server, os, sys, time
root = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def path_of(self):
        return os.path.join(root, self.path.split('?')[0].strip('/').replace('/', '_'))
    def slow(self):
        if 'slow' in self.path:
            time.sleep(0.05)
    def answer(self, status, body=b''):
        self.send_response(status)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_PUT(self):
        left, data = int(self.headers['Content-Length']), b''
        while left:
            chunk = self.rfile.read(min(65536, left))
            if not chunk:
                return
            data, left = data + chunk, left - len(chunk)
            self.slow()
        with open(self.path_of(), 'wb') as f:
            f.write(data)
        self.answer(200)
    def do_GET(self):
        try:
            with open(self.path_of(), 'rb') as f:
                data = f.read()
        except OSError:
            return self.answer(404, b'<Error><Code>NoSuchKey</Code><Message>The specified '
                                    b'key does not exist.</Message></Error>')
        self.send_response(200)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        for i in range(0, len(data), 65536):
            self.wfile.write(data[i:i + 65536])
            self.slow()
    def do_DELETE(self):
        os.unlink(self.path_of())
        self.answer(204)
    def log_message(self, *args):
        pass
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
    server_pid=$!
    for _ in $(seq 50); do [ -s "$portfile" ] && break; sleep 0.1; done
    port=$(cat "$portfile")
}

# sums FILE: what put and get print for it, computed by Python.
sums() {
    python3 - "$1" <<'PY'
import hashlib, os, sys, zlib
d = open(sys.argv[1], 'rb').read()
print(f'{len(d)} adler32:{zlib.adler32(d):08x} md5:{hashlib.md5(d).hexdigest()}')
PY
}

start_objects
url=http://127.0.0.1:$port/bucket
head -c 1048576 /dev/urandom >one-mib
"$cli" "${hosts[@]}" put "$url/one?sig=x" one-mib >out 2>err; rc=$?
expect "put to a local object store prints size and checksums" 0 out "$(sums one-mib)"
"$cli" "${hosts[@]}" get "$url/one?sig=x" one-back >out 2>err; rc=$?
expect "get prints the same size and checksums" 0 out "$(sums one-mib)"
if cmp -s one-mib one-back && [ -z "$(ls one-back.rucio-lite.part-* 2>/dev/null)" ]; then
    pass "get wrote the same bytes, no temporary file left"
else
    fail "get wrote the same bytes, no temporary file left" "$(ls -l one-back*)"
fi
mode=$(umask 027; "$cli" "${hosts[@]}" get "$url/one?sig=x" mode-file >/dev/null 2>&1
       stat -c %a mode-file)
if [ "$mode" = 640 ]; then
    pass "get gives the file the umask's mode (umask 027: 640)"
else
    fail "get gives the file the umask's mode (umask 027: 640)" "mode $mode"
fi
"$cli" "${hosts[@]}" delete "$url/one?sig=x" >out 2>err; rc=$?
expect "delete exits 0" 0 err
[ ! -s out ] || fail "delete prints nothing" "$(cat out)"
"$cli" "${hosts[@]}" get "$url/one?sig=x" gone >out 2>err; rc=$?
expect "get of a missing object: the storage's code, exit 4" 4 err \
    "NoSuchKey: The specified key does not exist. (HTTP 404 from 127.0.0.1:$port)"
if ls gone* >/dev/null 2>&1; then fail "nothing left after a 404" "$(ls gone*)"; fi

# A file that changes while it is sent: the upload stops before its end.
# 16 MiB, more than the socket buffers on both sides hold (the server
# reads 1.3 MB/s), so the change comes while the file is being read.
head -c 4194304 /dev/urandom >changing
for how in grow shrink write; do
    head -c 16777216 /dev/zero >changing-$how
    ( sleep 0.3
      case $how in
      grow) printf more >>changing-$how ;;
      shrink) truncate -s 1000 changing-$how ;;
      write) printf XXXX | dd of=changing-$how bs=1 seek=16000000 conv=notrunc 2>/dev/null ;;
      esac ) &
    "$cli" "${hosts[@]}" put "$url/slow-$how" changing-$how >out 2>err; rc=$?
    wait $!
    expect "put of a file that changes ($how) exits 6" 6 err \
        "changing-$how changed during the upload (" "the upload was stopped before its end"
    [ ! -e "$work/objects/bucket_slow-$how" ] ||
        fail "a changed file is not stored ($how)" "the object exists"
done

# Writes that fail: a file-size limit (SIGXFSZ is ignored by rucio-lite,
# so write fails with EFBIG), and a full tmpfs when root may mount one.
"$cli" "${hosts[@]}" put "$url/big" changing >/dev/null 2>&1
(ulimit -f 100; "$cli" "${hosts[@]}" get "$url/big" limited >out 2>err); rc=$?
expect "get over a file-size limit exits 1: File too large" 1 err \
    "cannot write limited: File too large (nothing of the download was kept)"
if ls limited* >/dev/null 2>&1; then fail "ulimit -f: no partial file" "$(ls limited*)"; fi
mkdir -p small
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256k tmpfs small 2>/dev/null; then
    "$cli" "${hosts[@]}" get "$url/big" small/f >out 2>err; rc=$?
    expect "get onto a full tmpfs exits 1: No space left on device" 1 err \
        "cannot write small/f: No space left on device"
    left=$(ls -A small)
    umount small
    [ -z "$left" ] || fail "full tmpfs: no partial file" "$left"
else
    echo "SKIP get onto a full tmpfs (needs root to mount one)"
fi

# Killed mid-download: the temporary file goes with the process.
cp changing "$work/objects/bucket_slowbig"
"$cli" "${hosts[@]}" get "$url/slowbig" killed >out 2>err & pid=$!
for _ in $(seq 50); do ls killed.rucio-lite.part-* >/dev/null 2>&1 && break; sleep 0.05; done
sleep 0.3
kill -TERM "$pid"; wait "$pid"; rc=$?
if [ "$rc" = 143 ] && ! ls killed* >/dev/null 2>&1; then
    pass "SIGTERM during get leaves no file (exit 143)"
else
    fail "SIGTERM during get leaves no file (exit 143)" "exit $rc: $(ls killed* 2>&1)"
fi

# The progress bar: on a terminal (script gives a pty), not with -q, not
# when stderr is a file.
if command -v script >/dev/null 2>&1; then
    script -qec "'$cli' -H http://$closed --auth-host http://$closed get '$url/slowbig' tty-file" \
        /dev/null >tty.out 2>&1
    if grep -q $'\r4.0 MiB / 4.0 MiB  100%  .*B/s' tty.out && grep -q '4194304 adler32:' tty.out; then
        pass "progress bar on a terminal: bytes, total, rate"
    else
        fail "progress bar on a terminal: bytes, total, rate" "$(cat -v tty.out | tail -c 300)"
    fi
    script -qec "'$cli' -q -H http://$closed --auth-host http://$closed get '$url/slowbig' tty-file" \
        /dev/null >tty.out 2>&1
    if grep -q 'MiB/s' tty.out; then
        fail "-q: no progress bar" "$(cat -v tty.out | tail -c 300)"
    else
        pass "-q: no progress bar"
    fi
else
    echo "SKIP progress bar on a terminal (no script(1))"
fi
"$cli" "${hosts[@]}" get "$url/slowbig" notty >out 2>err; rc=$?
if [ "$rc" = 0 ] && [ ! -s err ]; then
    pass "no progress bar when stderr is not a terminal"
else
    fail "no progress bar when stderr is not a terminal" "exit $rc: $(cat -v err | head -c 300)"
fi
stop_server

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
