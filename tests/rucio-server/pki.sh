#!/bin/bash
# Generate the throw-away test PKI and keys for the Rucio test server into
# <dir>: a CA, a server certificate for 127.0.0.1/localhost, a user
# certificate, an RFC 3820 proxy of it, an RSA ssh key and the RSA key of
# the GCS service account. Everything is new on every run.
set -euo pipefail

dir=${1:?usage: pki.sh <dir>}
mkdir -p "$dir"
cd "$dir"
umask 077

USER_SUBJ="/O=rucio-lite/CN=Rucio Test User"
DAYS=365

serial() { echo "0x$(openssl rand -hex 8)"; }

new_rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

# sign_csr <name> <subject> <issuer cert> <issuer key> <days> <extensions>
# Makes <name>.key (if absent) and <name>.pem signed by the issuer.
sign_csr() {
    local name=$1 subj=$2 ca=$3 cakey=$4 days=$5 ext=$6
    [ -f "$name.key" ] || new_rsa_key "$name.key"
    printf '%b\n' "$ext" > "$name.ext"
    openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
    openssl x509 -req -in "$name.csr" -CA "$ca" -CAkey "$cakey" \
        -set_serial "$(serial)" -days "$days" -sha256 \
        -extfile "$name.ext" -out "$name.pem" 2>/dev/null
    rm -f "$name.csr" "$name.ext"
}

# CA
new_rsa_key ca.key
openssl req -x509 -new -key ca.key -subj "/O=rucio-lite/CN=Rucio Test CA" \
    -days "$DAYS" -sha256 -set_serial "$(serial)" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

# Server certificate for https://127.0.0.1 and https://localhost
sign_csr server "/O=rucio-lite/CN=localhost" ca.pem ca.key "$DAYS" \
    "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"

# User certificate. digitalSignature is needed in keyUsage because the
# user key signs the proxy (OpenSSL checks this for proxy issuers).
sign_csr user "$USER_SUBJ" ca.pem ca.key "$DAYS" \
    "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment,nonRepudiation
extendedKeyUsage=clientAuth"

# RFC 3820 proxy: subject = user subject + CN=<digits>, signed by the user
# key, proxyCertInfo critical with the inherit-all policy.
proxy_cn=$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')
sign_csr proxy_only "$USER_SUBJ/CN=$proxy_cn" user.pem user.key 30 \
    "keyUsage=critical,digitalSignature,keyEncipherment
proxyCertInfo=critical,language:id-ppl-inheritAll"
# One PEM file as grid tools write it: proxy cert, proxy key, user cert.
cat proxy_only.pem proxy_only.key user.pem > proxy.pem
rm -f proxy_only.pem proxy_only.key

# ssh key (PEM "RSA PRIVATE KEY" format, as paramiko and the C client read it)
rm -f ssh_key ssh_key.pub
ssh-keygen -q -m PEM -t rsa -b 2048 -N '' -C rucio-test -f ssh_key

# GCS service-account key (PKCS#8 PEM) and its public half for verification
new_rsa_key gcs.key
openssl pkey -in gcs.key -pubout -out gcs-public.pem

chmod 0644 ca.pem server.pem user.pem ssh_key.pub gcs-public.pem
chmod 0600 ca.key server.key user.key proxy.pem ssh_key gcs.key
