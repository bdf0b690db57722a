#!/bin/sh
# Hostile-server suite: the real CLI against a TLS server that misbehaves
# in a different way per case (tests/hostile/server.py), checked against
# the error contract of issue 8 by tests/hostile/hostile.py.
#
#   tests/hostile/run.sh <builddir>
#   HOSTILE_ONLY='redirect|chunk' tests/hostile/run.sh <builddir>
#
# Needs <builddir>/rucio-lite, a C compiler (for the small RSS meter
# maxrss.c), python3, openssl and ssh-keygen. Makes its
# own PKI (tests/tls/pki.sh plus a certificate for 127.0.0.2) in
# <builddir>/hostile-test/, starts and stops every server itself. One
# PASS/FAIL line per case; exit 1 if any failed.
set -eu

build=${1:?usage: run.sh <builddir>}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
cli=$build/rucio-lite
work=$build/hostile-test
pki=$work/pki

if [ ! -x "$cli" ]; then
    echo "FAIL setup: $cli is missing (make BUILD=$build all)"
    echo "hostile: 0 passed, 1 failed"
    exit 1
fi

# The capture listeners on another host must be able to complete a
# handshake, so that a client that wrongly follows a redirect there
# really sends what it would send: a certificate for 127.0.0.2.
make_capture_cert() {
    cat > "$pki/cap.ext" <<'X'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.2, IP:127.0.0.1
X
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$pki/cap.key" 2>/dev/null
    openssl req -new -key "$pki/cap.key" -out "$pki/cap.csr" \
        -subj "/O=rucio-lite tests/CN=capture"
    openssl x509 -req -in "$pki/cap.csr" -CA "$pki/ca.pem" \
        -CAkey "$pki/ca.key" -set_serial 0x3001 -days 30 -sha256 \
        -extfile "$pki/cap.ext" -out "$pki/cap.pem" 2>/dev/null
}

setup() {
    rm -rf "$work"
    mkdir -p "$work"
    sh "$here/../tls/pki.sh" "$pki" &&
        make_capture_cert &&
        ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f "$work/ssh_key" &&
        ${CC:-cc} -std=c11 -O1 -Wall -Wextra -Werror \
            -o "$work/maxrss" "$here/maxrss.c"
}

if ! setup >"$work.setup.log" 2>&1; then
    echo "FAIL setup: test PKI, ssh key or maxrss (see $work.setup.log)"
    cat "$work.setup.log"
    echo "hostile: 0 passed, 1 failed"
    exit 1
fi
mv "$work.setup.log" "$work/setup.log"

# ASan's shadow memory and quarantine raise the RSS of a sanitized CLI
# far above what the suite allows a normal one.
if [ -z "${HOSTILE_RSS_KIB:-}" ] && grep -q __asan_init "$cli"; then
    HOSTILE_RSS_KIB=262144
    export HOSTILE_RSS_KIB
fi

# The driver starts and stops the servers; nothing outlives it.
exec python3 "$here/hostile.py" --cli "$cli" --work "$work" --pki "$pki" \
    --ssh-key "$work/ssh_key" --maxrss "$work/maxrss"
