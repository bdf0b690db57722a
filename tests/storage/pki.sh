#!/bin/bash
# TLS certificate for the storage fronts: <dir>/server.pem + server.key for
# IP:127.0.0.1 and DNS:localhost, issued by the given CA or by a new one
# (<dir>/ca.pem + ca.key).
# Usage: pki.sh <dir> [<ca cert> <ca key>]
set -euo pipefail

dir=${1:?usage: pki.sh <dir> [<ca cert> <ca key>]}
ca=${2:-}
ca_key=${3:-}
[ -z "$ca" ] || ca=$(realpath "$ca")
[ -z "$ca_key" ] || ca_key=$(realpath "$ca_key")
mkdir -p "$dir"
cd "$dir"
umask 077

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
serial() { echo "0x$(openssl rand -hex 8)"; }

if [ -z "$ca" ]; then
    new_key ca.key
    openssl req -x509 -new -key ca.key -subj "/O=rucio-lite/CN=Storage Test CA" \
        -days 30 -sha256 -set_serial "$(serial)" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
    ca=$PWD/ca.pem ca_key=$PWD/ca.key
fi
if [ ! -r "$ca" ] || [ ! -r "$ca_key" ]; then
    echo "pki.sh: cannot read the CA $ca / $ca_key" >&2
    exit 1
fi

new_key server.key
cat > server.ext <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EXT
openssl req -new -key server.key -subj "/O=rucio-lite/CN=localhost" -out server.csr
openssl x509 -req -in server.csr -CA "$ca" -CAkey "$ca_key" -set_serial "$(serial)" \
    -days 30 -sha256 -extfile server.ext -out server.pem 2>/dev/null
rm -f server.csr server.ext
