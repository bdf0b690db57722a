#!/bin/bash
# Start the test object stores on 127.0.0.1, each behind nginx TLS:
#   S3    s3s-fs (verifies SigV4 pre-signed URLs) behind nginx
#   Swift OpenStack Swift (proxy + account + container + object servers,
#         tempurl + tempauth middleware) behind nginx
#   GCS   nginx's WebDAV module serving a directory (no signature check)
# Usage: start.sh <workdir>
#
# Environment:
#   STORAGE_TOOLS       where install.sh put s3s-fs (default <repo>/build/storage-tools)
#   STORAGE_WATCH_PID   everything exits when this process exits (default: the
#                       caller of this script; 0 = never)
#   STORAGE_RUCIO_ENV   a Rucio test server's server.env: its S3 keys, region,
#                       Swift temp-URL key and CA (pki/ca.pem + ca.key) are used,
#                       so the URLs that server signs verify here
#   STORAGE_S3_ACCESS_KEY, STORAGE_S3_SECRET_KEY, STORAGE_S3_REGION,
#   STORAGE_SWIFT_TEMPURL_KEY   explicit secrets (win over STORAGE_RUCIO_ENV;
#                       default: random)
#   STORAGE_CA_CERT + STORAGE_CA_KEY   issue the server certificate from this CA
#                       (default: the Rucio CA with STORAGE_RUCIO_ENV, else a new one)
#   STORAGE_S3_BUCKET (rucio-lite-bucket), STORAGE_GCS_BUCKET (rucio-lite-bucket),
#   STORAGE_SWIFT_ACCOUNT (AUTH_test), STORAGE_SWIFT_CONTAINER (rucio-lite)
#   STORAGE_SWIFT       1 (default) or 0 to leave Swift out
#   STORAGE_SWIFT_443   1: Swift's TLS front also listens on 127.0.0.1:443 (Rucio's
#                       Swift signer drops the port from the URL it returns)
# On success <workdir>/storage.env describes everything and one line
# "storage servers up: ..." is printed. Stop with stop.sh <workdir>.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${1:?usage: start.sh <workdir>}
tools=$(realpath -m "${STORAGE_TOOLS:-$repo/build/storage-tools}")
watch_pid=${STORAGE_WATCH_PID:-$PPID}
marker=.storage-test-workdir

die() { echo "start.sh: $*" >&2; exit 1; }
t0=$(date +%s%N)
mark() {  # mark WHAT: log the time since start-up began (logs/start-times.log)
    echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms $1" >> "$work/logs/start-times.log"
}

# --- prerequisites -----------------------------------------------------------
s3s=$tools/bin/s3s-fs
[ -x "$s3s" ] || die "$s3s missing: run tests/storage/install.sh"
command -v nginx >/dev/null || die "nginx missing: run tests/storage/install.sh"
command -v openssl >/dev/null || die "openssl missing"
with_swift=${STORAGE_SWIFT:-1}
if [ "$with_swift" = 1 ]; then
    for b in swift-proxy-server swift-account-server swift-container-server \
             swift-object-server swift-ring-builder; do
        command -v "$b" >/dev/null || die "$b missing: run tests/storage/install.sh"
    done
fi
[[ "$watch_pid" =~ ^[0-9]+$ ]] || die "STORAGE_WATCH_PID must be a pid or 0"

# --- work dir: new/empty, or one of ours (stopped and wiped) -------------------
mkdir -p "$work"
work=$(cd "$work" && pwd)
if [ -n "$(ls -A "$work")" ]; then
    [ -f "$work/$marker" ] || die "$work is not empty and not a storage test work dir"
    "$here/stop.sh" "$work"
    find "$work" -mindepth 1 -delete
fi
touch "$work/$marker"
mkdir -p "$work/logs" "$work/s3" "$work/gcs" "$work/nginx"

# --- secrets -----------------------------------------------------------------
rucio_var() {  # rucio_var NAME: value of NAME in $STORAGE_RUCIO_ENV, or empty
    [ -n "${STORAGE_RUCIO_ENV:-}" ] || return 0
    # server.env is shell-quoted by setup_workdir.py: source it in a subshell.
    # shellcheck disable=SC1090
    (. "$STORAGE_RUCIO_ENV" && eval "printf '%s' \"\${$1:-}\"")
}
if [ -n "${STORAGE_RUCIO_ENV:-}" ]; then
    [ -r "$STORAGE_RUCIO_ENV" ] || die "STORAGE_RUCIO_ENV=$STORAGE_RUCIO_ENV is not readable"
fi
random_key() { openssl rand -hex "$1"; }
s3_access=${STORAGE_S3_ACCESS_KEY:-$(rucio_var RUCIO_TEST_S3_ACCESS_KEY)}
s3_access=${s3_access:-AK$(random_key 8 | tr a-f A-F)}
s3_secret=${STORAGE_S3_SECRET_KEY:-$(rucio_var RUCIO_TEST_S3_SECRET_KEY)}
s3_secret=${s3_secret:-$(random_key 20)}
s3_region=${STORAGE_S3_REGION:-$(rucio_var RUCIO_TEST_S3_REGION)}
s3_region=${s3_region:-us-east-1}
swift_key=${STORAGE_SWIFT_TEMPURL_KEY:-$(rucio_var RUCIO_TEST_SWIFT_TEMPURL_KEY)}
swift_key=${swift_key:-$(random_key 16)}
s3_bucket=${STORAGE_S3_BUCKET:-rucio-lite-bucket}
gcs_bucket=${STORAGE_GCS_BUCKET:-rucio-lite-bucket}
swift_account=${STORAGE_SWIFT_ACCOUNT:-AUTH_test}
swift_container=${STORAGE_SWIFT_CONTAINER:-rucio-lite}

# --- TLS certificate (SAN IP:127.0.0.1, DNS:localhost) -------------------------
ca_cert=${STORAGE_CA_CERT:-}
ca_key=${STORAGE_CA_KEY:-}
if [ -z "$ca_cert" ] && [ -n "${STORAGE_RUCIO_ENV:-}" ]; then
    ca_cert=$(rucio_var RUCIO_TEST_CA)
    ca_key=$(dirname "$ca_cert")/ca.key
fi
"$here/pki.sh" "$work/pki" "$ca_cert" "$ca_key" ||
    die "could not make the TLS certificate"
ca_pem=$(realpath "${ca_cert:-$work/pki/ca.pem}")
mark "certificate made"

# --- ports ---------------------------------------------------------------------
# Bound together, so they are distinct; a race with another program that
# grabs one between here and our bind is possible but shows as a start error.
read -r p_s3 p_s3_tls p_gcs_tls p_swift_tls p_proxy p_account p_container p_object \
    < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(8)]
for s in socks:
    s.bind(('127.0.0.1', 0))
print(' '.join(str(s.getsockname()[1]) for s in socks))
EOF
)

# --- configuration files -------------------------------------------------------
mkdir -p "$work/s3/$s3_bucket" "$work/gcs/$gcs_bucket"
"$here/nginx-conf.sh" "$work" "$p_s3" "$p_s3_tls" "$p_gcs_tls" \
    "$([ "$with_swift" = 1 ] && echo "$p_swift_tls" || echo 0)" "$p_proxy" \
    "${STORAGE_SWIFT_443:-0}" > "$work/nginx/nginx.conf"
nginx -t -q -e "$work/logs/nginx-error.log" -c "$work/nginx/nginx.conf" \
    2>"$work/logs/nginx-test.log" ||
    { cat "$work/logs/nginx-test.log" >&2; die "nginx rejects its configuration"; }
if [ "$with_swift" = 1 ]; then
    "$here/swift-conf.sh" "$work/swift" "$p_proxy" "$p_account" "$p_container" "$p_object" \
        > "$work/logs/swift-conf.log" 2>&1 ||
        { cat "$work/logs/swift-conf.log" >&2; die "Swift configuration failed"; }
fi

# --- the servers, in one process group under supervise.sh ----------------------
# The s3s-fs keys are on its command line (it has no other way); the machine
# is a test box and the keys are throw-away.
cmds=$work/servers.list
{
    printf 's3s-fs\t%q --host 127.0.0.1 --port %s --access-key %q --secret-key %q %q\n' \
        "$s3s" "$p_s3" "$s3_access" "$s3_secret" "$work/s3"
    printf 'nginx\tnginx -e %q -c %q\n' "$work/logs/nginx-error.log" "$work/nginx/nginx.conf"
    if [ "$with_swift" = 1 ]; then
        for s in account container object proxy; do
            printf 'swift-%s\tswift-%s-server %q -v\n' "$s" "$s" "$work/swift/etc/$s-server.conf"
        done
    fi
} > "$cmds"
setsid "$here/supervise.sh" "$work" "$watch_pid" </dev/null >>"$work/logs/supervise.log" 2>&1 &
echo $! > "$work/storage.pid"
mark "configured, servers launched"

fail() {
    echo "start.sh: $*" >&2
    echo "start.sh: --- last lines of the logs in $work/logs ---" >&2
    tail -n 8 "$work"/logs/*.log >&2 || true
    "$here/stop.sh" "$work"
    exit 1
}

# --- wait until each TLS front answers through to its back end -----------------
wait_https() {  # wait_https NAME URL EXPECTED-STATUS
    local code=000
    for _ in $(seq 300); do
        kill -0 "$(cat "$work/storage.pid")" 2>/dev/null || fail "the servers exited during start-up"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ca_pem" "$2" || true)
        if [ "$code" = "$3" ]; then mark "$1 answers"; return 0; fi
        sleep 0.1
    done
    fail "$1 did not answer $3 at $2 within 30 s (last status $code)"
}
wait_https S3 "https://127.0.0.1:$p_s3_tls/$s3_bucket/" 403   # unsigned: AccessDenied
wait_https GCS "https://127.0.0.1:$p_gcs_tls/$gcs_bucket/.none" 404
if [ "$with_swift" = 1 ]; then
    wait_https Swift "https://127.0.0.1:$p_swift_tls/healthcheck" 200
    /usr/bin/python3 "$here/swift_setup.py" "$work/swift/etc/internal-client.conf" \
        "$swift_account" "$swift_container" "$swift_key" >>"$work/logs/swift-setup.log" 2>&1 ||
        fail "could not create the Swift container / set the temp-URL key"
    mark "Swift container and temp-URL key set"
fi

# --- storage.env -----------------------------------------------------------------
q() { printf '%q' "$1"; }
{
    echo "STORAGE_WORKDIR=$(q "$work")"
    echo "STORAGE_PID=$(cat "$work/storage.pid")"
    echo "STORAGE_CA=$(q "$ca_pem")"
    echo "STORAGE_S3_URL=https://127.0.0.1:$p_s3_tls"
    echo "STORAGE_S3_PORT=$p_s3_tls"
    echo "STORAGE_S3_BACKEND_PORT=$p_s3"
    echo "STORAGE_S3_BUCKET=$(q "$s3_bucket")"
    echo "STORAGE_S3_ACCESS_KEY=$(q "$s3_access")"
    echo "STORAGE_S3_SECRET_KEY=$(q "$s3_secret")"
    echo "STORAGE_S3_REGION=$(q "$s3_region")"
    echo "STORAGE_S3_DIR=$(q "$work/s3")"
    echo "STORAGE_GCS_URL=https://127.0.0.1:$p_gcs_tls"
    echo "STORAGE_GCS_PORT=$p_gcs_tls"
    echo "STORAGE_GCS_BUCKET=$(q "$gcs_bucket")"
    echo "STORAGE_GCS_DIR=$(q "$work/gcs")"
    if [ "$with_swift" = 1 ]; then
        echo "STORAGE_SWIFT_URL=https://127.0.0.1:$p_swift_tls"
        echo "STORAGE_SWIFT_PORT=$p_swift_tls"
        echo "STORAGE_SWIFT_443=${STORAGE_SWIFT_443:-0}"
        echo "STORAGE_SWIFT_ACCOUNT=$(q "$swift_account")"
        echo "STORAGE_SWIFT_CONTAINER=$(q "$swift_container")"
        echo "STORAGE_SWIFT_TEMPURL_KEY=$(q "$swift_key")"
        echo "STORAGE_SWIFT_BACKEND_PORT=$p_proxy"
    else
        echo "STORAGE_SWIFT_URL="
    fi
} > "$work/storage.env"
chmod 600 "$work/storage.env"
echo "storage servers up: S3 https://127.0.0.1:$p_s3_tls GCS https://127.0.0.1:$p_gcs_tls" \
     "$([ "$with_swift" = 1 ] && echo "Swift https://127.0.0.1:$p_swift_tls ")(workdir $work)"
