#!/bin/bash
# Print the nginx configuration of the storage TLS fronts.
# Usage: nginx-conf.sh <workdir> <s3 backend port> <s3 tls port> <gcs tls port>
#                      <swift tls port or 0> <swift proxy port> <swift on 443: 0|1>
set -euo pipefail

work=$1 s3=$2 s3_tls=$3 gcs_tls=$4 swift_tls=$5 swift=$6 swift443=$7

# Workers write the GCS files and read the key: as root they would
# otherwise run as "nobody".
[ "$(id -u)" != 0 ] || echo "user root;"
cat <<CONF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/logs/nginx-error.log warn;
events { worker_connections 512; }

http {
    access_log $work/logs/nginx-access.log;
    client_body_temp_path $work/nginx/client_body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    default_type application/octet-stream;
    server_tokens off;
    client_max_body_size 0;
    ssl_certificate $work/pki/server.pem;
    ssl_certificate_key $work/pki/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;

    # Pass requests through untouched: SigV4 signs the Host header (with its
    # port) and the URI as sent; proxy_pass without a URI part forwards the
    # client's request URI unchanged. Bodies stream both ways, unbuffered.
    proxy_http_version 1.1;
    proxy_set_header Host \$http_host;
    proxy_set_header Connection "";
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_read_timeout 300s;
    proxy_send_timeout 300s;

    upstream s3 { server 127.0.0.1:$s3; keepalive 8; }
    server {
        listen 127.0.0.1:$s3_tls ssl;
        location / { proxy_pass http://s3; }
    }

    # GCS stand-in: a plain object store, no signature check.
    server {
        listen 127.0.0.1:$gcs_tls ssl;
        root $work/gcs;
        location / {
            dav_methods PUT DELETE;
            create_full_put_path on;
            dav_access user:rw;
        }
    }
CONF
if [ "$swift_tls" != 0 ]; then
    cat <<CONF

    upstream swift { server 127.0.0.1:$swift; keepalive 8; }
    server {
        listen 127.0.0.1:$swift_tls ssl;
CONF
    [ "$swift443" != 1 ] || echo "        listen 127.0.0.1:443 ssl;"
    cat <<CONF
        location / { proxy_pass http://swift; }
    }
CONF
fi
echo "}"
