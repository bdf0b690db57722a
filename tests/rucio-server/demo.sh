#!/bin/bash
# `make demo`: start the genuine Rucio server, then let rucio-lite ping it,
# authenticate, ask who we are and get signed URLs for GCS, S3 and Swift.
# Usage: tests/rucio-server/demo.sh <builddir>   (needs <builddir>/rucio-lite)
# The server runs in <builddir>/demo-work and is stopped at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: demo.sh <builddir>}
cli=$build/rucio-lite
work=$build/demo-work

[ -x "$cli" ] || { echo "demo: $cli is missing; run make first" >&2; exit 1; }

# Only the demo's own configuration counts.
unset RUCIO_HOME RUCIO_ACCOUNT RUCIO_AUTH_TYPE RUCIO_VO RUCIO_CLIENT_CERT \
      RUCIO_CLIENT_KEY RUCIO_CLIENT_PROXY X509_USER_PROXY X509_CERT_DIR \
      BEARER_TOKEN BEARER_TOKEN_FILE TEMP TMP

trap '"$here/stop.sh" "$work" >/dev/null 2>&1 || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

version=$(sed -n 's/^rucio==//p' "$here/requirements.txt")
echo "rucio-lite demo: the genuine Rucio $version server (SQLite, TLS on 127.0.0.1)"
if [ ! -x "${RUCIO_TEST_VENV:-$here/../../.venv}/bin/python" ]; then
    echo "Installing the server into a Python venv first (once; needs PyPI, takes a minute)..."
fi
echo "Starting it in $work ..."
export RUCIO_TEST_WATCH_PID=$$  # the server goes when this script does
if ! "$here/start.sh" "$work" >"$build/demo-start.log" 2>&1; then
    cat "$build/demo-start.log" >&2
    echo "demo: the server did not start (see $build/demo-start.log)" >&2
    exit 1
fi
# shellcheck source=/dev/null
. "$work/server.env"
export RUCIO_CONFIG=$RUCIO_TEST_CLIENT_CONFIG
# A token cache of the demo's own, not the one of your real account.
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
echo "Server at $RUCIO_TEST_URL; rucio-lite reads RUCIO_CONFIG=$RUCIO_CONFIG"
echo "(userpass login ddmlab for account root, the test CA trusted)."

# show ARGS...: print the command, then run it.
show() {
    echo
    echo "\$ rucio-lite $*"
    "$cli" "$@" || { echo "demo: 'rucio-lite $*' failed (exit $?)" >&2; exit 1; }
}

show ping
show token
show whoami
for target in GCS-SITE:gcs:https://storage.googleapis.com/demo-bucket/data/file.dat \
              S3-SITE:s3:https://s3.example.org/demo-bucket/data/file.dat \
              SWIFT-SITE:swift:https://swift.example.org/v1/AUTH_demo/container/data/file.dat; do
    rse=${target%%:*}
    rest=${target#*:}
    svc=${rest%%:*}
    url=${rest#*:}
    for op in read write; do
        show signurl --rse "$rse" --svc "$svc" --op "$op" "$url"
    done
done

echo
echo "Done: every answer above came from the real Rucio server (stopping it now)."
echo "Run the server yourself, or point rucio-lite at a real site: see docs/testing.md."
