#!/bin/bash
# Start the genuine Rucio server (SQLite, TLS on 127.0.0.1, free port) for
# tests. Usage: start.sh <workdir>
#
# Environment: RUCIO_TEST_VENV (default <repo>/.venv); RUCIO_TEST_WATCH_PID
# (default: the caller of this script; the server exits when that process
# is gone; 0 = never).
# On success <workdir>/server.env describes the server and one line
# "rucio server listening on https://127.0.0.1:<port> (workdir <workdir>)"
# is printed. Stop it with stop.sh <workdir>.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=${1:?usage: start.sh <workdir>}
venv=${RUCIO_TEST_VENV:-$(cd "$here/../.." && pwd)/.venv}
watch_pid=${RUCIO_TEST_WATCH_PID:-$PPID}
marker=.rucio-test-workdir

die() { echo "start.sh: $*" >&2; exit 1; }

# rse-accounts.cfg is read from the LAST existing candidate dir; the server
# runs without VIRTUAL_ENV/CONDA_PREFIX, but /opt/rucio/etc always counts.
[ ! -e /opt/rucio/etc/rse-accounts.cfg ] ||
    die "/opt/rucio/etc/rse-accounts.cfg exists and would shadow the test secrets"
[ ! -e "$venv/etc/rse-accounts.cfg" ] ||
    die "$venv/etc/rse-accounts.cfg exists; remove it"

"$here/venv.sh" "$venv"
python=$venv/bin/python

# A work dir is either new/empty or one of ours, which is reset.
mkdir -p "$work"
work=$(cd "$work" && pwd)
if [ -n "$(ls -A "$work")" ]; then
    [ -f "$work/$marker" ] || die "$work is not empty and not a Rucio test work dir"
    "$here/stop.sh" "$work"
    find "$work" -mindepth 1 -delete
fi
touch "$work/$marker"

"$here/pki.sh" "$work/pki"
"$python" "$here/setup_workdir.py" "$work" >"$work/setup.log" 2>&1 ||
    { tail -n 20 "$work/setup.log" >&2; die "database setup failed (see $work/setup.log)"; }

(
    cd "$work"
    exec env -u VIRTUAL_ENV -u CONDA_PREFIX \
        RUCIO_CONFIG="$work/etc/rucio.cfg" RUCIO_HOME="$work" \
        "$python" "$here/rucioserver.py" "$work" --watch-pid "$watch_pid" \
        </dev/null >>"$work/server.log" 2>&1
) &
pid=$!
echo "$pid" > "$work/server.pid"

# Wait for the port file, then for GET /ping over TLS.
if ! port=$("$python" - "$work" "$pid" <<'EOF'
import os, ssl, sys, time, urllib.request
work, pid = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(cafile=f'{work}/pki/ca.pem')
deadline = time.monotonic() + 60
def server_alive():
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False
while True:
    if not server_alive():
        sys.exit('start.sh: the server process exited')
    try:
        with open(f'{work}/port') as f:
            port = f.read().strip()
        with urllib.request.urlopen(f'https://127.0.0.1:{port}/ping', context=ctx, timeout=5) as r:
            if r.status == 200:
                print(port)
                break
    except (OSError, ValueError):
        pass
    if time.monotonic() > deadline:
        sys.exit('start.sh: no answer to GET /ping within 60 s')
    time.sleep(0.1)
EOF
); then
    echo "start.sh: --- last lines of $work/server.log ---" >&2
    tail -n 30 "$work/server.log" >&2
    "$here/stop.sh" "$work"
    die "the Rucio server did not come up"
fi
# Tests count requests: start them from an empty log (the server appends).
: > "$work/requests.log"

url=https://127.0.0.1:$port
mkdir -p "$work/client"
cat > "$work/client/rucio.cfg" <<EOF
[client]
rucio_host = $url
auth_host = $url
auth_type = userpass
username = ddmlab
password = secret
account = root
ca_cert = $work/pki/ca.pem
client_cert = $work/pki/user.pem
client_key = $work/pki/user.key
client_x509_proxy = $work/pki/proxy.pem
ssh_private_key = $work/pki/ssh_key
EOF
cat >> "$work/server.env" <<EOF
RUCIO_TEST_URL=$url
RUCIO_TEST_PORT=$port
RUCIO_TEST_SERVER_PID=$pid
EOF
echo "rucio server listening on $url (workdir $work)"
