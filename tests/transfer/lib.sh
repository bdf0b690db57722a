# shellcheck shell=bash
# Helpers shared by the transfer suite's case scripts (interop.sh, raw.sh):
# sourced, not run. run.sh exports the environment they rely on:
#   TRANSFER_BUILD  TRANSFER_CLI  TRANSFER_WORK  TRANSFER_PYTHON  TRANSFER_RUCIO
#   TRANSFER_REPO   TRANSFER_SWIFT_PY (1: Python can reach Swift, port 443)
#   RUCIO_CONFIG and everything in the Rucio server's server.env (RUCIO_TEST_*)
#   and the storage's storage.env (STORAGE_*)
# A case script calls `check NAME FUNCTION [ARGS]` per case and
# `finish PREFIX` at the end; it prints "PASS name", "FAIL name: why" or
# "SKIP name: why" and exits 1 if a case failed.
# Each check's TMPDIR lives in its own subshell, on purpose:
# shellcheck disable=SC2030,SC2031

# For the scripts that source this file:
# shellcheck disable=SC2034
cli=$TRANSFER_CLI
python=$TRANSFER_PYTHON
pyrucio=$TRANSFER_RUCIO
here=$TRANSFER_REPO/tests/transfer
passed=0
failed=0
skipped=0

# check NAME FUNCTION [ARGS]: TRANSFER_ONLY (a bash regex) may leave NAME
# out. FUNCTION runs in a subshell in a fresh directory with its own
# TMPDIR (token caches) and LOGNAME; its output goes to check.log there;
# fail() and skip() give the reason on fd 3.
check() {
    local name=$1 dir reason status
    shift
    [[ -z "${TRANSFER_ONLY:-}" || "$name" =~ $TRANSFER_ONLY ]] || return 0
    dir=$TRANSFER_WORK/checks/${name//[^A-Za-z0-9_.-]/_}
    rm -rf "$dir"
    mkdir -p "$dir/tmp"
    reason=$(
        cd "$dir" || exit 1
        export TMPDIR=$dir/tmp LOGNAME=transfer
        "$@" 3>&1 >check.log 2>&1
    )
    status=$?
    if [ "$status" = 0 ]; then
        passed=$((passed + 1))
        echo "PASS $name"
    elif [ "$status" = 77 ]; then
        skipped=$((skipped + 1))
        echo "SKIP $name: $reason"
    else
        failed=$((failed + 1))
        echo "FAIL $name: ${reason:-exit status $status} (see $dir)"
    fi
}

fail() {
    echo "$*" >&3
    exit 1
}

skip() {
    echo "$*" >&3
    exit 77
}

# finish PREFIX: the summary line; exit 1 if anything failed.
finish() {
    echo "$1: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" = 0 ]
}

one_line() { head -c "${2:-300}" "$1" 2>/dev/null | tr '\n' ' '; }

# run TAG COMMAND...: stdout in TAG.out, stderr in TAG.err, status in $rc.
run() {
    local tag=$1
    shift
    echo "+ $*" >>commands.log
    "$@" >"$tag.out" 2>"$tag.err"
    rc=$?
}

expect_rc() {
    [ "$rc" = "$1" ] ||
        fail "$2: exit $rc, expected $1; stdout: $(one_line "$2.out"); stderr: $(one_line "$2.err" 600)"
}

expect_in() {
    grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(one_line "$1")"
}

expect_eq() {
    [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

password_file() {
    printf '%s\n' "$2" >"$1"
    chmod 600 "$1"
}

# make_file PATH BYTES: random content of that size.
make_file() {
    head -c "$2" /dev/urandom >"$1" || fail "could not write $1"
}

# sums FILE: "<bytes> adler32:<8 hex> md5:<32 hex>", computed here, as
# rucio-lite prints them and as Rucio records them (adler32 zero-padded).
sums() {
    "$python" - "$1" <<'EOF'
import hashlib, os, sys, zlib
a, m = 1, hashlib.md5()
with open(sys.argv[1], 'rb') as f:
    for block in iter(lambda: f.read(1 << 20), b''):
        a = zlib.adler32(block, a)
        m.update(block)
print(f'{os.path.getsize(sys.argv[1])} adler32:{a:08x} md5:{m.hexdigest()}')
EOF
}

# The Python `rucio` command as users run it (no colour, no warnings about
# the storage certificate it does not check; its exit status says little:
# callers check the results themselves).
py_rucio() {
    PYTHONWARNINGS=ignore "$pyrucio" "$@"
}

# catalogue OUT [catalogue.py args]: the normalised catalogue dump.
catalogue() {
    local out=$1
    shift
    PYTHONWARNINGS=ignore "$python" "$here/catalogue.py" --db "$RUCIO_TEST_WORKDIR/rucio.db" \
        "$@" >"$out" 2>"$out.err" || fail "catalogue.py $*: $(one_line "$out.err")"
}

# same_catalogue A B WHAT: the two dumps are equal, else the diff's start.
same_catalogue() {
    diff -u "$1" "$2" >"$1.diff" || fail "$3 differ: $(head -c 700 "$1.diff" | tr '\n' ' ')"
}

# replica_state DID RSE: the replica's state in the catalogue ("" if none).
replica_state() {
    PYTHONWARNINGS=ignore "$python" - "$1" "$2" <<'EOF'
import sys
from rucio.client import Client
scope, name = sys.argv[1].split(':', 1)
for rep in Client().list_replicas([{'scope': scope, 'name': name}], all_states=True):
    print(rep.get('states', {}).get(sys.argv[2], ''))
EOF
}

# expected_pfn DID RSE: the PFN the Python client's rsemanager derives for
# DID on RSE (protocol + lfn2pfn algorithm), as `rucio upload` writes it.
expected_pfn() {
    PYTHONWARNINGS=ignore "$python" - "$1" "$2" <<'EOF'
import sys
from rucio.client import Client
from rucio.rse import rsemanager
scope, name = sys.argv[1].split(':', 1)
info = rsemanager.get_rse_info(sys.argv[2], vo=Client().vo)
pfns = rsemanager.lfns2pfns(info, [{'scope': scope, 'name': name}], operation='write')
print(pfns[sys.argv[1]])
EOF
}

# signed_put RSE DID_PATH_URL FILE: overwrite an object through a URL the
# Rucio server signs for writing (raw, no catalogue change); verifies TLS.
signed_put() {
    PYTHONWARNINGS=ignore "$python" - "$@" <<'EOF'
import sys, requests
from rucio.client import Client
rse, url, path = sys.argv[1:4]
service = {'S3': 's3', 'GCS': 'gcs', 'SWIFT': 'swift'}[rse.split('-')[0]]
signed = Client().get_signed_url(rse, service, 'write', url, 600)
with open(path, 'rb') as f:
    r = requests.put(signed, data=f.read(), verify=__import__('os').environ['STORAGE_CA'])
sys.exit(0 if r.status_code in (200, 201, 204) else f'PUT {r.status_code} {r.text[:200]}')
EOF
}
