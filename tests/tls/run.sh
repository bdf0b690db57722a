#!/bin/sh
# TLS suite: rucio_tls and rucio_http_conn over the POSIX port against
# Python HTTPS servers, with a PKI made at test time.
#
#   tests/tls/run.sh <builddir>
#
# Needs <builddir>/tools/https_get (make BUILD=<builddir> tests), python3
# and openssl. Everything is started and stopped here; files go to
# <builddir>/tls-test/. One PASS/FAIL line per check; exit 1 if any failed.
set -u

build=${1:?usage: run.sh <builddir>}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
get=$build/tools/https_get
ip_check=$build/tools/tls_ip_check
work=$build/tls-test
pki=$work/pki
big=268435456          # 256 MiB
# Peak RSS bound of the streaming check; TLS_RSS_LIMIT_KIB overrides it.
# ASan's shadow memory and allocator add about 10 MiB to a sanitized
# https_get (make test SANITIZE=1), so that build gets a bound of its own.
rss_limit_kib=8192
if grep -q __asan_init "$get" 2>/dev/null; then
    rss_limit_kib=32768
fi
rss_limit_kib=${TLS_RSS_LIMIT_KIB:-$rss_limit_kib}

passed=0
failed=0
pids=""

cleanup() {
    for p in $pids; do
        kill "$p" 2>/dev/null
    done
    for p in $pids; do
        wait "$p" 2>/dev/null
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() {
    echo "PASS  tls: $1"
    passed=$((passed + 1))
}

# fail NAME [FILE...]: the files are shown, indented, to say why.
fail() {
    echo "FAIL  tls: $1"
    failed=$((failed + 1))
    shift
    for f in "$@"; do
        sed 's/^/        /' "$f"
    done
}

# start_server NAME SERVER-ARGS...: sets $port once it accepts.
start_server() {
    name=$1
    shift
    rm -f "$work/$name.port"
    python3 "$here/server.py" --port-file "$work/$name.port" "$@" \
        2>"$work/server-$name.log" &
    pids="$pids $!"
    tries=0
    while [ ! -s "$work/$name.port" ]; do
        tries=$((tries + 1))
        if [ $tries -gt 100 ]; then
            fail "server $name did not start" "$work/server-$name.log"
            exit 1
        fi
        sleep 0.1
    done
    port=$(cat "$work/$name.port")
}

# get NAME HTTPS_GET-ARGS...: output in $work/NAME.out and .err, exit
# code in $rc.
get() {
    name=$1
    shift
    "$get" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
}

# has NAME PATTERN: the output of run NAME matches the basic regex.
has() {
    grep -q -- "$2" "$work/$1.out"
}

# last_stat NAME KEY: a counter from the last /stats body of run NAME.
last_stat() {
    sed -n "s/^body=.*\"$2\": \\([0-9]*\\).*/\\1/p" "$work/$1.out" | tail -n 1
}

# Succeeded, answered 200 and said hello.
expect_hello() {
    if [ "$rc" = 0 ] && has "$1" '^request=1 status=200 ' &&
        has "$1" '^body=hello from the TLS test server$'; then
        pass "$2"
    else
        fail "$2" "$work/$1.out" "$work/$1.err"
    fi
}

# negotiated NAME: "TLSv1.3 TLS1-3-AES-256-GCM-SHA384", from the first
# handshake that the --verbose run NAME logged.
negotiated() {
    sed -n 's/^log: DEBUG TLS handshake with .* done: \([^,]*\), \([^,]*\), .*/\1 \2/p' \
        "$work/$1.err" | head -n 1
}

# no_cert_refusals SERVER: handshakes the server failed for want of a
# client certificate.
no_cert_refusals() {
    grep -c 'handshake failed: .*PEER_DID_NOT_RETURN_A_CERTIFICATE' \
        "$work/server-$1.log"
}

# refusals_reach SERVER N: wait up to 2 s for the server to have logged N
# such refusals; the client may see the refusal before it is logged.
refusals_reach() {
    tries=0
    while [ "$(no_cert_refusals "$1")" -lt "$2" ]; do
        tries=$((tries + 1))
        [ $tries -le 20 ] || return 1
        sleep 0.1
    done
}

# Failed with exit 1 and an error line matching the pattern.
expect_error() {
    if [ "$rc" = 1 ] && has "$1" "^error=.*$3"; then
        pass "$2"
    else
        fail "$2" "$work/$1.out" "$work/$1.err"
    fi
}

# ---- setup --------------------------------------------------------------------

for tool in "$get" "$ip_check"; do
    if [ ! -x "$tool" ]; then
        echo "FAIL  tls: $tool is missing (make BUILD=$build tests)"
        exit 1
    fi
done
rm -rf "$work"
mkdir -p "$work"
if ! sh "$here/pki.sh" "$pki" >"$work/pki.log" 2>&1; then
    fail "test PKI generation" "$work/pki.log"
    exit 1
fi
ca=$pki/ca.pem
crt=$pki/client.pem
key=$pki/client.key

# ---- the IP-address code on its own ----------------------------------------------

"$ip_check" "$pki" >"$work/ip-check.out" 2>&1
cat "$work/ip-check.out"
passed=$((passed + $(grep -c '^PASS' "$work/ip-check.out")))
failed=$((failed + $(grep -c '^FAIL' "$work/ip-check.out")))

start_server main --cert "$pki/server.pem" --key "$pki/server.key"
main=$port
start_server expired --cert "$pki/expired.pem" --key "$pki/server.key"
expired=$port
start_server noip --cert "$pki/noip.pem" --key "$pki/server.key"
noip=$port
start_server mtls --cert "$pki/server.pem" --key "$pki/server.key" \
    --client-ca "$pki/ca.pem" --require-client-cert
mtls=$port
start_server optional --cert "$pki/server.pem" --key "$pki/server.key" \
    --client-ca "$pki/ca.pem"
optional=$port
start_server stall --cert "$pki/server.pem" --key "$pki/server.key" --stall
stall=$port
start_server main12 --cert "$pki/server.pem" --key "$pki/server.key" \
    --max-tls 1.2
main12=$port
start_server mtls12 --cert "$pki/server.pem" --key "$pki/server.key" \
    --client-ca "$pki/ca.pem" --require-client-cert --max-tls 1.2
mtls12=$port
start_server rsa12 --cert "$pki/rsa-server.pem" --key "$pki/rsa-server.key" \
    --max-tls 1.2 --client-order
rsa12=$port

# ---- negotiated protocol --------------------------------------------------------

# The Python server offers TLS 1.3 when its OpenSSL has it, so 1.3 is
# expected exactly when this build's mbedTLS has it too (3.6 does by
# default, 2.28 never). Later checks that differ by version use $tls_version.
get protocol --verbose --ca "$ca" --port "$main" /hello
tls=$(negotiated protocol)
tls_version=${tls%% *}
lib=$(sed -n 's/^mbedtls=//p' "$work/protocol.out")
want=TLSv1.2
case "$lib" in
*tls13=yes)
    python3 -c 'import ssl, sys; sys.exit(not ssl.HAS_TLSv1_3)' && want=TLSv1.3
    ;;
esac
echo "INFO  tls: mbedTLS ${lib:-unknown}; negotiated ${tls:-nothing}"
if [ "$rc" = 0 ] && [ "$tls_version" = "$want" ]; then
    pass "negotiated $want, the newest version both sides have"
else
    fail "negotiated ${tls_version:-nothing}, expected $want" \
        "$work/protocol.out" "$work/protocol.err"
fi

# ---- verification that must pass ----------------------------------------------

get ca-file --ca "$ca" --port "$main" /hello
expect_hello ca-file "CA file, IPv4 host 127.0.0.1 matched against its iPAddress SAN"

get ca-dir --ca-dir "$pki/cadir" --port "$main" /hello
expect_hello ca-dir "CA directory (hashed links and a non-certificate file)"

get dns-name --ca "$ca" --servername localhost --port "$main" /hello
expect_hello dns-name "DNS host name localhost (SNI and dNSName SAN)"

get ipv6 --ca "$ca" --servername ::1 --port "$main" /hello
expect_hello ipv6 "IPv6 host ::1 matched against its iPAddress SAN"

get ca-mixed --ca "$pki/ca2.pem" --ca-dir "$pki/cadir" --port "$main" /hello
expect_hello ca-mixed "CA file and CA directory together"

# ---- verification that must fail ------------------------------------------------

get wrong-ca --ca "$pki/ca2.pem" --port "$main" /hello
expect_error wrong-ca "unrelated CA is refused" \
    'verification failed.*not correctly signed'

get wrong-name --ca "$ca" --servername wronghost.example --port "$main" /hello
expect_error wrong-name "wrong host name is refused" \
    'verification failed.*Common Name'

get expired --ca "$ca" --port "$expired" /hello
expect_error expired "expired certificate is refused" \
    'verification failed.*expired'

get no-ip-san --ca "$ca" --port "$noip" /hello
expect_error no-ip-san \
    "IP host without that iPAddress SAN is refused (CN and dNSName do not count)" \
    'verification failed.*Common Name'

get no-ip-control --ca "$ca" --servername localhost --port "$noip" /hello
expect_hello no-ip-control "the same certificate passes for its DNS name"

get other-ipv6 --ca "$ca" --servername ::2 --port "$main" /hello
expect_error other-ipv6 "IPv6 host not in the certificate is refused" \
    'verification failed.*Common Name'

get stall --ca "$ca" --timeout 500 --port "$stall" /hello
expect_error stall "a server that never answers the handshake: timeout" \
    'timed out: TLS handshake.*timed out'

# ---- insecure ---------------------------------------------------------------------

get insecure --insecure --port "$expired" /hello
if [ "$rc" = 0 ] && has insecure '^body=hello' &&
    grep -q 'WARN.*INSECURE.*NOT verified' "$work/insecure.err"; then
    pass "--insecure connects to an expired certificate and warns"
else
    fail "--insecure connects to an expired certificate and warns" \
        "$work/insecure.out" "$work/insecure.err"
fi

# ---- configuration errors -----------------------------------------------------------

get no-ca --port "$main" /hello
expect_error no-ca "no CA and not insecure is a configuration error" \
    'no trusted CA'

get missing-ca --ca "$work/nonexistent.pem" --port "$main" /hello
expect_error missing-ca "an unreadable CA file is named in the error" \
    "CA file $work/nonexistent.pem"

get key-mismatch --ca "$ca" --cert "$pki/client.pem" --key "$pki/server.key" \
    --port "$mtls" /client
expect_error key-mismatch "a key that does not match the certificate is refused" \
    'does not match the client certificate'

# ---- client certificates ------------------------------------------------------------

get mtls --ca "$ca" --cert "$crt" --key "$key" --port "$mtls" /client
if [ "$rc" = 0 ] && has mtls '^body=O=rucio-lite tests,CN=Test Client$'; then
    pass "client certificate presented to a server that requires one"
else
    fail "client certificate presented to a server that requires one" \
        "$work/mtls.out" "$work/mtls.err"
fi

# In TLS 1.2 the server's refusal ends the client's handshake. In TLS 1.3
# the client's handshake is over once it has sent its (empty) Certificate
# and Finished, so the refusal (an alert, then close) meets the request
# being sent or the response being awaited. Either way the server must
# have refused for want of a certificate, and no response was read.
refused=$(no_cert_refusals mtls)
get mtls-none --ca "$ca" --port "$mtls" /client
case $tls_version in
TLSv1.3) stage='\(TLS handshake\|sending to\|waiting for a response\)' ;;
*) stage='TLS handshake' ;;
esac
if [ "$rc" = 1 ] && has mtls-none "^error=.*$stage" &&
    ! has mtls-none '^request=' && refusals_reach mtls $((refused + 1)); then
    pass "no client certificate: the server refuses it ($tls_version)"
else
    fail "no client certificate: the server refuses it ($tls_version)" \
        "$work/mtls-none.out" "$work/mtls-none.err" "$work/server-mtls.log"
fi

get proxy --ca "$ca" --cert "$pki/proxy.pem" --port "$mtls" /client
if [ "$rc" = 0 ] &&
    has proxy '^body=O=rucio-lite tests,CN=Test Client,CN=[0-9][0-9]*$'; then
    pass "RFC 3820 proxy file (cert, key and chain in one PEM) accepted"
else
    fail "RFC 3820 proxy file (cert, key and chain in one PEM) accepted" \
        "$work/proxy.out" "$work/proxy.err"
fi

get not-asked --ca "$ca" --cert "$crt" --key "$key" --no-client-cert \
    --port "$optional" /client
if [ "$rc" = 0 ] && has not-asked '^request=1 status=401 '; then
    pass "a configured client certificate is not sent unless asked"
else
    fail "a configured client certificate is not sent unless asked" \
        "$work/not-asked.out" "$work/not-asked.err"
fi

get asked --ca "$ca" --cert "$crt" --key "$key" --port "$optional" /client
if [ "$rc" = 0 ] && has asked '^body=O=rucio-lite tests,CN=Test Client$'; then
    pass "the same client certificate is sent when asked"
else
    fail "the same client certificate is sent when asked" \
        "$work/asked.out" "$work/asked.err"
fi

# With the certificate, without, with again: each connection does what it
# was told, and no session made with the client's identity is resumed
# without it (nor the reverse).
get toggle --ca "$ca" --cert "$crt" --key "$key" --toggle-client-cert \
    --port "$optional" \
    /client /close /client /close /client
if [ "$rc" = 0 ] &&
    has toggle '^request=1 status=200 .* connects=1 resumed=0$' &&
    has toggle '^request=3 status=401 .* connects=2 resumed=0$' &&
    has toggle '^request=5 status=200 .* connects=3 resumed=0$' &&
    [ "$(grep -c '^body=O=rucio-lite tests,CN=Test Client$' "$work/toggle.out")" = 2 ]; then
    pass "client certificate chosen per connection; sessions not resumed across the choice"
else
    fail "client certificate chosen per connection; sessions not resumed across the choice" \
        "$work/toggle.out" "$work/toggle.err"
fi

# ---- keep-alive, reconnect, resumption ---------------------------------------------

get before-keepalive --ca "$ca" --port "$main" /stats
get keepalive --ca "$ca" --port "$main" /hello /hello /hello /hello /hello /stats
conns=$(( $(last_stat keepalive connections) - $(last_stat before-keepalive connections) ))
if [ "$rc" = 0 ] && has keepalive '^request=5 status=200 .* connects=1 ' &&
    has keepalive '^request=6 status=200 .* connects=1 ' && [ "$conns" = 1 ]; then
    pass "keep-alive: 5 requests on one connection (server counted $conns)"
else
    fail "keep-alive: 5 requests on one connection (server counted $conns)" \
        "$work/keepalive.out" "$work/keepalive.err"
fi

get before-resume --ca "$ca" --port "$main" /stats
get resume --ca "$ca" --port "$main" /close /hello /stats
conns=$(( $(last_stat resume connections) - $(last_stat before-resume connections) ))
resumed=$(( $(last_stat resume resumed) - $(last_stat before-resume resumed) ))
if [ "$rc" = 0 ] && has resume '^request=1 status=200 .* connects=1 resumed=0$' &&
    has resume '^request=2 status=200 .* connects=2 ' && [ "$conns" = 2 ]; then
    pass "/close forces a reconnect that the client sees (connects=2)"
else
    fail "/close forces a reconnect that the client sees (connects=2)" \
        "$work/resume.out" "$work/resume.err"
fi
if [ "$rc" = 0 ] && has resume '^request=2 status=200 .* resumed=1$' &&
    [ "$resumed" = 1 ]; then
    pass "second connection resumed the TLS session (client and server agree)"
else
    fail "second connection resumed the TLS session (server counted $resumed)" \
        "$work/resume.out" "$work/resume.err"
fi

get resume-mtls --ca "$ca" --cert "$crt" --key "$key" --port "$mtls" /client /close /client
if [ "$rc" = 0 ] && has resume-mtls '^request=3 status=200 .* resumed=1$' &&
    [ "$(grep -c '^body=O=rucio-lite tests,CN=Test Client$' "$work/resume-mtls.out")" = 2 ]; then
    pass "resumed session keeps the client identity"
else
    fail "resumed session keeps the client identity" \
        "$work/resume-mtls.out" "$work/resume-mtls.err"
fi

# ---- TLS 1.2 also where 1.3 is negotiated ----------------------------------------

# Servers that offer at most TLS 1.2. A 1.2 session is ready when the
# handshake ends (a 1.3 one comes in a ticket after it), and a missing
# client certificate is refused within the handshake.
get tls12 --verbose --ca "$ca" --port "$main12" /close /hello /stats
tls12=$(negotiated tls12)
if [ "$rc" = 0 ] && [ "${tls12%% *}" = TLSv1.2 ] &&
    has tls12 '^request=1 status=200 .* connects=1 resumed=0$' &&
    has tls12 '^request=2 status=200 .* connects=2 resumed=1$' &&
    [ "$(last_stat tls12 resumed)" = 1 ]; then
    pass "TLS 1.2-only server: ${tls12}, session resumed (client and server agree)"
else
    fail "TLS 1.2-only server: ${tls12:-no handshake}, session resumed (client and server agree)" \
        "$work/tls12.out" "$work/tls12.err"
fi

# An RSA key on a TLS 1.2-only server that takes the client's order of
# signature algorithms (nginx's and Apache's default): mbedTLS 3.6 cannot
# check an RSA-PSS key exchange in TLS 1.2, so PKCS#1 v1.5 must come
# first (docs/design.md, "TLS 1.2 servers with RSA keys").
get rsa12 --verbose --ca "$ca" --port "$rsa12" /hello
if [ "$rc" = 0 ] && [ "$(negotiated rsa12 | cut -d' ' -f1)" = TLSv1.2 ]; then
    pass "TLS 1.2-only server with an RSA key: $(negotiated rsa12)"
else
    fail "TLS 1.2-only server with an RSA key" "$work/rsa12.out" "$work/rsa12.err"
fi

get resume-mtls12 --verbose --ca "$ca" --cert "$crt" --key "$key" \
    --port "$mtls12" /client /close /client
if [ "$rc" = 0 ] && [ "$(negotiated resume-mtls12 | cut -d' ' -f1)" = TLSv1.2 ] &&
    has resume-mtls12 '^request=3 status=200 .* resumed=1$' &&
    [ "$(grep -c '^body=O=rucio-lite tests,CN=Test Client$' "$work/resume-mtls12.out")" = 2 ]; then
    pass "TLS 1.2: client certificate, and the resumed session keeps the identity"
else
    fail "TLS 1.2: client certificate, and the resumed session keeps the identity" \
        "$work/resume-mtls12.out" "$work/resume-mtls12.err"
fi

get mtls12-none --ca "$ca" --port "$mtls12" /client
if [ "$rc" = 1 ] && has mtls12-none '^error=.*TLS handshake' &&
    refusals_reach mtls12 1; then
    pass "TLS 1.2: no client certificate is refused within the handshake"
else
    fail "TLS 1.2: no client certificate is refused within the handshake" \
        "$work/mtls12-none.out" "$work/mtls12-none.err" \
        "$work/server-mtls12.log"
fi

# ---- streaming a large body ------------------------------------------------------

get big --ca "$ca" --port "$main" --count-only --check-pattern "/chunked?bytes=$big"
rss=$(sed -n 's/^maxrss_kib=//p' "$work/big.out")
if [ "$rc" = 0 ] && has big "^request=1 status=200 bytes=$big " &&
    has big '^pattern=ok$'; then
    pass "256 MiB chunked body streamed, byte count exact, content checked"
else
    fail "256 MiB chunked body streamed, byte count exact, content checked" \
        "$work/big.out" "$work/big.err"
fi
if [ -n "$rss" ] && [ "$rss" -lt "$rss_limit_kib" ]; then
    pass "peak RSS while streaming 256 MiB: $rss KiB (limit $rss_limit_kib)"
else
    fail "peak RSS while streaming 256 MiB: ${rss:-unknown} KiB (limit $rss_limit_kib)" \
        "$work/big.out"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
