#!/bin/sh
# Generate the throw-away PKI of the TLS suite into <dir>:
#   ca.pem ca.key          test CA (P-256)
#   ca2.pem                a second CA that signed nothing we use
#   cadir/                 ca.pem under its `openssl rehash` name, and a
#                          file that is not a certificate
#   server.pem server.key  IP 127.0.0.1, IP ::1, DNS localhost
#   expired.pem            same key and names, validity ended in 2020
#   noip.pem               no iPAddress SAN: dNSNames localhost and
#                          "127.0.0.1", CN 127.0.0.1 (an IP host is matched
#                          against iPAddress SANs only, so 127.0.0.1 must
#                          be refused)
#   client.pem client.key  client certificate (RSA), key mode 0600
#   proxy.pem              RFC 3820 proxy of the client: proxy cert, proxy
#                          key, client cert in one file, as voms-proxy-init
#                          writes it
set -eu
dir=${1:?usage: pki.sh <dir>}
mkdir -p "$dir"
cd "$dir"
umask 077

ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# --- CAs ---------------------------------------------------------------------
for n in ca ca2; do
    ec_key "$n.key"
    openssl req -new -x509 -key "$n.key" -out "$n.pem" -days 30 -sha256 \
        -subj "/O=rucio-lite tests/CN=Test $n" \
        -addext 'basicConstraints=critical,CA:TRUE' \
        -addext 'keyUsage=critical,keyCertSign,cRLSign'
done
mkdir -p cadir
cp ca.pem cadir/ca.pem
openssl rehash cadir 2>/dev/null
# A directory like /etc/grid-security/certificates also holds files that
# are not certificates; loading must get past them.
echo 'not a certificate' > cadir/README

# --- Server certificates -----------------------------------------------------
cat > server.ext <<'X'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
X
cat > noip.ext <<'X'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:127.0.0.1
X
ec_key server.key
openssl req -new -key server.key -subj "/O=rucio-lite tests/CN=localhost" -out server.csr
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 0x1001 \
    -days 30 -sha256 -extfile server.ext -out server.pem 2>/dev/null
# An RSA server key: a TLS 1.2 server may sign its key exchange with
# RSA-PSS or PKCS#1 v1.5, whichever the client offers first.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-server.key 2>/dev/null
openssl req -new -key rsa-server.key -subj "/O=rucio-lite tests/CN=localhost" -out rsa-server.csr
openssl x509 -req -in rsa-server.csr -CA ca.pem -CAkey ca.key -set_serial 0x1003 \
    -days 30 -sha256 -extfile server.ext -out rsa-server.pem 2>/dev/null
openssl req -new -key server.key -subj "/O=rucio-lite tests/CN=127.0.0.1" -out noip.csr
openssl x509 -req -in noip.csr -CA ca.pem -CAkey ca.key -set_serial 0x1002 \
    -days 30 -sha256 -extfile noip.ext -out noip.pem 2>/dev/null

# OpenSSL 3.0's x509 cannot set a past notBefore; `openssl ca` can.
mkdir -p ca-db
: > ca-db/index.txt
echo 1003 > ca-db/serial
cat > ca-db/ca.cnf <<'X'
[ca]
default_ca = test_ca
[test_ca]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
default_md = sha256
policy = policy_any
unique_subject = no
[policy_any]
organizationName = optional
commonName = supplied
X
openssl ca -batch -config ca-db/ca.cnf -notext -cert ca.pem -keyfile ca.key \
    -startdate 20200101000000Z -enddate 20200201000000Z \
    -extfile server.ext -in server.csr -out expired.pem 2>/dev/null

# --- Client certificate and its RFC 3820 proxy -------------------------------
cat > client.ext <<'X'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
X
cat > proxy.ext <<'X'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
proxyCertInfo = critical, language:id-ppl-inheritAll
X
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client.key 2>/dev/null
chmod 600 client.key
openssl req -new -key client.key -subj "/O=rucio-lite tests/CN=Test Client" -out client.csr
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -set_serial 0x2001 \
    -days 30 -sha256 -extfile client.ext -out client.pem 2>/dev/null

# A proxy is signed by the end-entity key; its subject is the issuer's
# subject plus one CN, conventionally a number.
proxy_cn=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out proxy.key 2>/dev/null
openssl req -new -key proxy.key \
    -subj "/O=rucio-lite tests/CN=Test Client/CN=$proxy_cn" -out proxy.csr
openssl x509 -req -in proxy.csr -CA client.pem -CAkey client.key \
    -set_serial "$proxy_cn" -days 1 -sha256 -extfile proxy.ext \
    -out proxy.crt 2>/dev/null
cat proxy.crt proxy.key client.pem > proxy.pem
chmod 600 proxy.pem
rm -f ./*.csr proxy.crt proxy.key
