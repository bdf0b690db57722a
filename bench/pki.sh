#!/bin/bash
# Make the benchmark's throw-away PKI in <dir>:
#   rsa-ca.pem   rsa-server.pem/.key   RSA-2048 chain (CA -> server)
#   ec-ca.pem    ec-server.pem/.key    ECDSA P-256 chain (CA -> server)
#   bundle.pem   Debian's CA bundle with rsa-ca.pem appended
#   grid/        a grid-style CA directory: <count> RSA-2048 CAs plus
#                rsa-ca.pem, each with the files a grid site has beside it
#                (.signing_policy, .namespaces), linked by subject hash
#                (openssl rehash naming: <hash>.0)
# Server certificates are for IP:127.0.0.1 and DNS:localhost.
# Usage: pki.sh <dir> [count]   (count: CAs in grid/, default 300)
set -euo pipefail

dir=${1:?usage: pki.sh <dir> [count]}
count=${2:-300}
system_bundle=/etc/ssl/certs/ca-certificates.crt
mkdir -p "$dir"
cd "$dir"
umask 022

serial() { echo "0x$(openssl rand -hex 8)"; }

# new_chain <prefix> <openssl genpkey options...>: <prefix>-ca and a
# <prefix>-server certificate signed by it, each with a key of that kind.
new_chain() {
    local p=$1
    shift
    openssl genpkey "$@" -out "$p-ca.key" 2>/dev/null
    openssl req -x509 -new -key "$p-ca.key" -sha256 -days 30 \
        -subj "/O=rucio-lite bench/CN=Bench $p CA" -set_serial "$(serial)" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$p-ca.pem"
    openssl genpkey "$@" -out "$p-server.key" 2>/dev/null
    openssl req -new -key "$p-server.key" -subj "/O=rucio-lite bench/CN=localhost" \
        -out "$p-server.csr"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" \
        "subjectAltName=IP:127.0.0.1,DNS:localhost" > "$p-server.ext"
    openssl x509 -req -in "$p-server.csr" -CA "$p-ca.pem" -CAkey "$p-ca.key" \
        -set_serial "$(serial)" -days 30 -sha256 -extfile "$p-server.ext" \
        -out "$p-server.pem" 2>/dev/null
    rm -f "$p-server.csr" "$p-server.ext"
}

# The grid's CAs share one key: what a client pays for is parsing and
# searching certificates, and 300 RSA key generations would take minutes.
grid_dir() {
    local i name
    mkdir -p grid
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out grid.key 2>/dev/null
    for i in $(seq -w 1 "$count"); do
        name=grid/Bench-Grid-CA-$i
        openssl req -x509 -new -key grid.key -sha256 -days 30 \
            -subj "/DC=org/DC=bench/O=Grid $i/CN=Bench Grid CA $i" -set_serial "$(serial)" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$name.pem"
    done
    cp rsa-ca.pem grid/Bench-rsa-CA.pem
    for name in grid/*.pem; do
        printf "access_id_CA X509 '/CN=%s'\n" "${name##*/}" > "${name%.pem}.signing_policy"
        printf 'TO Issuer "/CN=%s" PERMIT Subject ".*"\n' "${name##*/}" > "${name%.pem}.namespaces"
    done
    openssl rehash grid 2>/dev/null
}

new_chain rsa -algorithm RSA -pkeyopt rsa_keygen_bits:2048
new_chain ec -algorithm EC -pkeyopt ec_paramgen_curve:P-256
cat "$system_bundle" rsa-ca.pem > bundle.pem
grid_dir
echo "pki: $(grep -c 'BEGIN CERT' bundle.pem) CAs in bundle.pem, $(find grid -name '*.0' | wc -l) hashed CAs in grid/"
