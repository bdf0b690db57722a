#!/bin/bash
# Transfer suite, upload/download cases: `rucio-lite upload`/`download`
# against the real Rucio server and object stores, and both ways against
# the Python `rucio upload`/`rucio download` of the server's version, with
# the catalogue entries each creates compared (tests/transfer/catalogue.py).
# Run by tests/transfer/run.sh, which starts the servers, sets up the RSEs
# (setup_rses.py) and exports the environment lib.sh describes.
# Usage: interop.sh <builddir>
#
# The Python client does not verify the storage's certificate and exits 0
# even when nothing was transferred: every case checks the results itself
# (the bytes downloaded, the replica's state, the object on the storage).
# shellcheck disable=SC2030,SC2031
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

s3_prefix=https://127.0.0.1:$STORAGE_S3_PORT/$STORAGE_S3_BUCKET

# The commands of issue 9 may not be in this build yet.
have_upload=0
"$cli" upload --help >/dev/null 2>&1 && "$cli" download --help >/dev/null 2>&1 && have_upload=1
need_upload() {
    [ "$have_upload" = 1 ] || skip "rucio-lite has no upload/download command in this build"
}
need_swift() {
    [ "$TRANSFER_SWIFT_PY" = 1 ] ||
        skip "Swift is not on 127.0.0.1:443, where Rucio's signed Swift URLs point (see NOTE swift)"
}

# lite_upload TAG ARGS...: rucio-lite upload; checks exit 0 and that its
# one line is "<did> <sums of FILE> <rse> <pfn>" (the last ARG is the
# file). Sets $pfn.
lite_upload() {
    local tag=$1 file=${*: -1} line
    shift
    run "$tag" "$cli" -q upload "$@"
    expect_rc 0 "$tag"
    [ "$(wc -l <"$tag.out")" = 1 ] || fail "$tag: not one line of output: $(one_line "$tag.out")"
    line=$(cat "$tag.out")
    # shellcheck disable=SC2086
    set -- $line
    [ $# = 6 ] || fail "$tag: '$line' is not '<did> <bytes> adler32:<x> md5:<x> <rse> <pfn>'"
    expect_eq "$2 $3 $4" "$(sums "$file")" "$tag: size and checksums printed"
    did=$1 rse_out=$5 pfn=$6
}

# py_upload TAG ARGS...: Python `rucio upload`; it may exit 0 having done
# nothing, so the caller checks the catalogue and the storage.
py_upload() {
    local tag=$1
    shift
    run "$tag" py_rucio upload "$@"
    expect_rc 0 "$tag"
}

# py_download_same DID FILE: Python `rucio download` gives DID byte for
# byte equal to FILE in dl-py/<scope>/<name>.
py_download_same() {
    local did=$1 file=$2 got
    run pydl py_rucio download --dir dl-py "$did"
    expect_rc 0 pydl
    got=dl-py/${did%%:*}/${did#*:}
    [ -f "$got" ] || fail "rucio download exit 0 but no $got: $(one_line pydl.err 600)"
    cmp -s "$got" "$file" || fail "rucio download: $got differs from what was uploaded"
}

# lite_download_same DID FILE: rucio-lite download prints
# "<did> <sums> <path>" and the file at dl-lite/<scope>/<name> equals FILE.
lite_download_same() {
    local did=$1 file=$2 want
    run litedl "$cli" -q download --dir dl-lite "$did"
    expect_rc 0 litedl
    want="$did $(sums "$file") $PWD/dl-lite/${did%%:*}/${did#*:}"
    local got
    got=$(cat litedl.out)
    # The path may be printed relative to the current directory.
    [ "$got" = "$want" ] || [ "$got" = "$did $(sums "$file") dl-lite/${did%%:*}/${did#*:}" ] ||
        fail "rucio-lite download printed '$got', expected '$want'"
    cmp -s "dl-lite/${did%%:*}/${did#*:}" "$file" ||
        fail "rucio-lite download: dl-lite/${did%%:*}/${did#*:} differs from what was uploaded"
    [ -z "$(find dl-lite -name '*.rucio-lite.part-*')" ] || fail "a temporary file was left"
}

# ---- both ways, and the catalogue compared ---------------------------------------

# both_ways RSE SIZE: one content uploaded as lite:<n> by rucio-lite and as
# py:<n> by Python; each downloaded by the other client; catalogue equal.
both_ways() {
    local rse=$1 size=$2 n
    need_upload
    [[ "$rse" != SWIFT* ]] || need_swift
    n=bw-${rse,,}-$size
    make_file data "$size"
    lite_upload up-lite --rse "$rse" --scope lite --name "$n" data
    expect_eq "$did $rse_out" "lite:$n $rse" "rucio-lite upload: DID and RSE printed"
    py_upload up-py --rse "$rse" --scope py --lfn "$n" data
    expect_eq "$(replica_state "py:$n" "$rse")" AVAILABLE "py:$n replica state after rucio upload"
    py_download_same "lite:$n" data
    lite_download_same "py:$n" data
    catalogue lite.json "lite:$n=FILE"
    catalogue py.json "py:$n=FILE"
    same_catalogue lite.json py.json "catalogue entries of rucio-lite's and Python's upload"
    grep -q '"state": "AVAILABLE"' lite.json || fail "no AVAILABLE replica in the catalogue"
    # The PFN printed is the one Python's rsemanager derives (the catalogue
    # gives root signed PFNs, and Rucio's Swift signer drops the port).
    expect_eq "$pfn" "$(expected_pfn "lite:$n" "$rse")" "PFN printed"
}

# ---- datasets ----------------------------------------------------------------------

# With --dataset (new): dataset created with a rule on the RSE, the file
# attached, no rule of its own; a second file goes into the now existing
# dataset. The same through Python; catalogues equal.
with_dataset() {
    need_upload
    make_file one 1000
    make_file two 2000
    lite_upload up1 --rse S3-SITE --scope lite --name ds-f1 --dataset lite:ds-lite one
    lite_upload up2 --rse S3-SITE --scope lite --name ds-f2 --dataset lite:ds-lite two
    py_upload py1 --rse S3-SITE --scope py --lfn ds-f1 one py:ds-py
    py_upload py2 --rse S3-SITE --scope py --lfn ds-f2 two py:ds-py
    catalogue lite.json -a lite:ds-lite=DATASET lite:ds-f1=F1 lite:ds-f2=F2
    catalogue py.json -a py:ds-py=DATASET py:ds-f1=F1 py:ds-f2=F2
    same_catalogue lite.json py.json "catalogue entries with --dataset"
    grep -q '"did": "DATASET"' lite.json || fail "the files are not attached to lite:ds-lite"
    # Python downloads rucio-lite's dataset whole.
    run pydl py_rucio download --dir dl-py lite:ds-lite
    expect_rc 0 pydl
    if ! cmp -s dl-py/ds-lite/ds-f1 one || ! cmp -s dl-py/ds-lite/ds-f2 two; then
        fail "rucio download of the dataset: $(find dl-py -type f | tr '\n' ' ')"
    fi
}

# The same file again, to another RSE: Python adds a second replica (and
# no rule); rucio-lite must do the same.
same_content_other_rse() {
    need_upload
    make_file data 1234
    lite_upload up1 --rse S3-SITE --scope lite --name again-f data
    lite_upload up2 --rse GCS-SITE --scope lite --name again-f data
    py_upload py1 --rse S3-SITE --scope py --lfn again-f data
    py_upload py2 --rse GCS-SITE --scope py --lfn again-f data
    catalogue lite.json "lite:again-f=F"
    catalogue py.json "py:again-f=F"
    same_catalogue lite.json py.json "catalogue entries after a second upload elsewhere"
    grep -q '"GCS-SITE"' lite.json || fail "no replica on GCS-SITE"
    # A third time to the same RSE: already there, nothing sent, the
    # catalogue as it was.
    run up3 "$cli" -q upload --rse S3-SITE --scope lite --name again-f data
    expect_rc 0 up3
    expect_in up3.err "registered at S3-SITE already"
    catalogue again.json "lite:again-f=F"
    same_catalogue lite.json again.json "catalogue after uploading it again"
}

# catalogue.py itself: dumps of different uploads differ (another size,
# a dataset or not), so equal dumps elsewhere mean something.
catalogue_sees_differences() {
    make_file a 100
    make_file b 101
    py_upload p1 --rse S3-SITE --scope py --lfn cmp-a a
    py_upload p2 --rse S3-SITE --scope py --lfn cmp-b b
    py_upload p3 --rse S3-SITE --scope py --lfn cmp-c a py:cmp-ds
    catalogue a.json "py:cmp-a=F"
    catalogue b.json "py:cmp-b=F"
    catalogue c.json "py:cmp-c=F"
    ! diff -q a.json b.json >/dev/null || fail "dumps of 100 B and 101 B files are equal"
    ! diff -q a.json c.json >/dev/null || fail "dumps with and without a dataset are equal"
    grep -q '<hash:F>' a.json || fail "PFN not normalised: $(grep https a.json)"
}

# Without --dataset: a rule on the file itself (checked inside both_ways
# too, by comparison); here explicitly, and no parent.
rule_on_file() {
    need_upload
    make_file data 4096
    lite_upload up --rse S3-SITE --scope lite --name rule-f data
    catalogue c.json "lite:rule-f=F"
    "$python" - c.json <<'EOF' || fail "$(cat why 2>/dev/null)"
import json, sys
d = json.load(open(sys.argv[1]))['F']
rules = d['rules']
why = None
if len(rules) != 1 or rules[0]['rse_expression'] != 'S3-SITE' or rules[0]['copies'] != 1 \
        or rules[0]['account'] != 'root':
    why = f'rules on the file: {rules}'
elif d['parents']:
    why = f"parents: {d['parents']}"
open('why', 'w').write(why or '')
sys.exit(1 if why else 0)
EOF
}

# No --scope/--name: the Python defaults, user.<account> and the file's name.
default_scope_name() {
    need_upload
    make_file plain-name.dat 10
    lite_upload up --rse S3-SITE plain-name.dat
    expect_eq "$did" user.root:plain-name.dat "DID without --scope/--name"
}

# Another account than root: the USER account `signer` (account limits
# set by setup_rses.py), in its own scope, both clients, on the RSE that
# Rucio's permissions let users write to (a *SCRATCHDISK). Python needs
# --register-after-upload there: without it, it registers the replica
# first and then may not mark it AVAILABLE (PUT /replicas is for root and
# admins only: 401), leaving it COPYING.
other_account() {
    need_upload
    make_file data 2048
    password_file pw signerpw
    lite_upload up --rse S3-SCRATCHDISK --scope user.signer --name s-f \
        -a signer -u signer --password-file pw data
    run py py_rucio --account signer -u signer --password signerpw \
        upload --register-after-upload --rse S3-SCRATCHDISK --scope user.signer --lfn s-f2 data
    expect_rc 0 py
    catalogue lite.json "user.signer:s-f=F"
    catalogue py.json "user.signer:s-f2=F"
    same_catalogue lite.json py.json "catalogue entries of the signer's uploads"
    grep -q '"account": "signer"' lite.json || fail "the rule is not the signer's"
}

# Several files in one command: one line each, all attached to the dataset.
several_files() {
    need_upload
    make_file a 10
    make_file b 20
    make_file c 0
    run up "$cli" -q upload --rse S3-SITE --scope lite --dataset lite:ds-multi a b c
    expect_rc 0 up
    expect_eq "$(wc -l <up.out)" 3 "lines printed for 3 files"
    for f in a b c; do
        grep -qxF "lite:$f $(sums "$f") S3-SITE $(expected_pfn "lite:$f" S3-SITE)" up.out ||
            fail "no line for $f: $(one_line up.out)"
    done
    catalogue c.json -a lite:ds-multi=DS lite:a lite:b lite:c
    expect_eq "$("$python" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(p["did"] == "DS" for f in d.values() for p in f["parents"]))' c.json)" 3 \
        "files attached to the dataset"
    # Python's option names, and --no-subdir: D/NAME.
    run dl "$cli" -q download --rse-exp S3-SITE --no-subdir --dir dl lite:a lite:b lite:c
    expect_rc 0 dl
    for f in a b c; do
        cmp -s "$f" "dl/$f" || fail "dl/$f is not $f"
    done
}

# ---- refusals and verification -----------------------------------------------------------

# A DID the catalogue does not know: exit 4, DataIdentifierNotFound,
# nothing written.
download_unknown() {
    need_upload
    mkdir dl
    run dl "$cli" -q download --dir dl lite:no-such-file
    expect_rc 4 dl
    expect_in dl.err DataIdentifierNotFound
    [ -z "$(find dl -type f)" ] || fail "files written: $(find dl -type f)"
}

# An existing DID with other content: refused like Python refuses it, and
# neither the catalogue nor the stored object changes.
existing_did_other_content() {
    local key
    need_upload
    make_file a 3000
    make_file b 3000
    lite_upload first --rse S3-SITE --scope lite --name exists a
    key=${pfn#"$s3_prefix"/}
    catalogue before.json "lite:exists=F"
    run second "$cli" -q upload --rse-name S3-SITE --scope lite --lfn exists b
    expect_rc 4 second
    grep -q 'DataIdentifierAlreadyExists' second.err ||
        fail "no DataIdentifierAlreadyExists in: $(one_line second.err)"
    catalogue after.json "lite:exists=F"
    same_catalogue before.json after.json "catalogue before and after the refused upload"
    cmp -s "$STORAGE_S3_DIR/$STORAGE_S3_BUCKET/$key" a || fail "the stored object changed"
    # Python refuses it as well (its exit status is 0 or 1 depending on
    # the version; the catalogue must not change).
    run py py_rucio upload --rse S3-SITE --scope lite --lfn exists b
    grep -q 'DataIdentifierAlreadyExists\|does not match' py.err ||
        fail "Python did not refuse: $(one_line py.err 600)"
}

# The object on the storage replaced (signed PUT, same size, other
# bytes): the download fails with 6 and leaves no file.
corrupt_object() {
    need_upload
    make_file good 65536
    make_file evil 65536
    lite_upload up --rse S3-SITE --scope lite --name corrupt good
    signed_put S3-SITE "$pfn" evil >put.log 2>&1 || fail "signed PUT of other bytes: $(one_line put.log)"
    cmp -s "$STORAGE_S3_DIR/$STORAGE_S3_BUCKET/${pfn#"$s3_prefix"/}" evil ||
        fail "the object was not replaced on the storage"
    mkdir dl
    run dl "$cli" -q download --dir dl lite:corrupt
    expect_rc 6 dl
    [ -z "$(find dl -type f)" ] || fail "files left after the failed download: $(find dl -type f)"
}

# Two replicas, the object of the one tried first (replicas/list's
# priority 1, as Python reads it) deleted from its storage: download
# warns and takes the other, byte-identical, exit 0.
fallback_replica() {
    need_upload
    local first first_pfn svc url
    make_file data 2345
    lite_upload up1 --rse S3-SITE --scope lite --name fallback-f data
    local s3_pfn=$pfn
    lite_upload up2 --rse GCS-SITE --scope lite --name fallback-f data
    first=$(PYTHONWARNINGS=ignore "$python" -c '
from rucio.client import Client
r = next(Client().list_replicas([{"scope": "lite", "name": "fallback-f"}], schemes=["https"]))
print(min(r["pfns"].values(), key=lambda v: v["priority"])["rse"])' 2>py.err) ||
        fail "list_replicas: $(one_line py.err)"
    case $first in
    S3-SITE) svc=s3 first_pfn=$s3_pfn ;;
    GCS-SITE) svc=gcs first_pfn=$pfn ;;
    *) fail "replica tried first on '$first'" ;;
    esac
    url=$("$cli" signurl --rse "$first" --svc "$svc" --op delete "$first_pfn" 2>sign.err) ||
        fail "signurl: $(one_line sign.err)"
    run del "$cli" -q delete "$url"
    expect_rc 0 del
    mkdir dl
    run dl "$cli" -q download --dir dl lite:fallback-f
    expect_rc 0 dl
    expect_in dl.err "lite:fallback-f: the replica on $first failed"
    expect_in dl.err "trying the next"
    cmp -s data dl/lite/fallback-f || fail "the file downloaded differs"
}

# ---- lfn2pfn -----------------------------------------------------------------------------

# identity: PFN = prefix + scope + "/" + name, as Python's algorithm gives
# (and the same catalogue as Python's upload to that RSE).
identity_pfn() {
    need_upload
    make_file data 777
    lite_upload up --rse S3-IDENT --scope lite --name dir.x/id-f data
    expect_eq "$pfn" "$s3_prefix/ident/lite/dir.x/id-f" "PFN on the identity RSE"
    cmp -s "$STORAGE_S3_DIR/$STORAGE_S3_BUCKET/ident/lite/dir.x/id-f" data ||
        fail "the object is not at ident/lite/dir.x/id-f on the storage"
    py_upload py --rse S3-IDENT --scope py --lfn dir.x/id-f data
    catalogue lite.json "lite:dir.x/id-f=F"
    catalogue py.json "py:dir.x/id-f=F"
    same_catalogue lite.json py.json "catalogue entries on the identity RSE"
    grep -q '<identity:F>' lite.json || fail "PFN not the identity algorithm's: $(grep https lite.json)"
}

# user.* scopes: hash path with user/<account>.
user_scope_hash() {
    need_upload
    make_file data 100
    lite_upload up --rse S3-SITE --scope user.root --name u-f data
    case $pfn in
    "$s3_prefix"/user/root/??/??/u-f) ;;
    *) fail "PFN $pfn is not <prefix>/user/root/xx/yy/u-f" ;;
    esac
}

# Non-deterministic RSE: the PFN given is the one registered and used.
nondeterministic_pfn() {
    local want=$s3_prefix/nondet/run42/raw.0001
    need_upload
    make_file data 5000
    lite_upload up --rse S3-NONDET --scope lite --name nd-f --pfn "$want" data
    expect_eq "$pfn" "$want" "PFN on the non-deterministic RSE"
    py_download_same lite:nd-f data
}

# ---- faults --------------------------------------------------------------------------------

# An upload cut mid-body (tests/tools/faultproxy.py between rucio-lite and
# S3, on an RSE S3-FAULT whose protocol port is the proxy's): it fails,
# and no replica is AVAILABLE in the catalogue. Every connection that
# carries more than 300000 bytes up is cut (a 1 MiB PUT and its retries;
# small requests such as a size check pass).
upload_cut() {
    local proxy=$TRANSFER_REPO/tests/tools/faultproxy.py state
    [ -f "$proxy" ] || skip "tests/tools/faultproxy.py not in the tree"
    need_upload
    "$python" "$proxy" --target "127.0.0.1:$STORAGE_S3_PORT" --port-file proxy.port \
        --direction up --cut-after-bytes=300000,300000,300000,300000,300000,300000 \
        2>proxy.log &
    local proxy_pid=$!
    for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
    [ -s proxy.port ] || { kill "$proxy_pid"; fail "faultproxy did not start: $(one_line proxy.log)"; }
    PYTHONWARNINGS=ignore "$python" "$here/setup_rses.py" --extra-s3 "S3-FAULT:$(cat proxy.port)" \
        "$RUCIO_TEST_WORKDIR/server.env" "$STORAGE_WORKDIR/storage.env" >rse.log 2>&1 ||
        { kill "$proxy_pid"; fail "could not add S3-FAULT: $(one_line rse.log)"; }
    make_file data 1048576
    run up "$cli" -q upload --rse S3-FAULT --scope lite --name cut-f data
    kill "$proxy_pid" 2>/dev/null
    wait "$proxy_pid" 2>/dev/null
    grep -q 'cut after' proxy.log || fail "the proxy cut nothing: $(one_line proxy.log)"
    [ "$rc" != 0 ] || fail "upload exit 0 although the transfer was cut"
    state=$(replica_state lite:cut-f S3-FAULT)
    [ "$state" != AVAILABLE ] || fail "replica AVAILABLE after a cut upload"
    echo "exit $rc, replica state '${state:-none}'"
}

# A storage whose certificate the configured CA did not sign (a TLS
# server with a throw-away self-signed certificate, on an RSE S3-UNTRUSTED
# pointing at it): rucio-lite refuses it (exit 5) and registers nothing
# AVAILABLE. The Python client would not notice: it does not verify.
untrusted_storage() {
    local state
    need_upload
    openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 1 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >openssl.log 2>&1 ||
        fail "openssl: $(one_line openssl.log)"
    "$python" - other.pem other.key tls.port 2>tls.log <<'EOF' &
import os, socket, ssl, sys, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(8)
s.settimeout(0.5)
open(sys.argv[3] + '.tmp', 'w').write(str(s.getsockname()[1]))
os.replace(sys.argv[3] + '.tmp', sys.argv[3])
parent = os.getppid()
while os.getppid() == parent:
    try:
        conn, _ = s.accept()
    except socket.timeout:
        continue
    try:
        conn.settimeout(5)
        ctx.wrap_socket(conn, server_side=True).close()
    except (OSError, ssl.SSLError) as e:
        print('handshake:', e, file=sys.stderr, flush=True)
    conn.close()
EOF
    local tls_pid=$!
    for _ in $(seq 50); do [ -s tls.port ] && break; sleep 0.1; done
    [ -s tls.port ] || { kill "$tls_pid"; fail "TLS server did not start: $(one_line tls.log)"; }
    PYTHONWARNINGS=ignore "$python" "$here/setup_rses.py" --extra-s3 "S3-UNTRUSTED:$(cat tls.port)" \
        "$RUCIO_TEST_WORKDIR/server.env" "$STORAGE_WORKDIR/storage.env" >rse.log 2>&1 ||
        { kill "$tls_pid"; fail "could not add S3-UNTRUSTED: $(one_line rse.log)"; }
    make_file data 1000
    run up "$cli" -q upload --rse S3-UNTRUSTED --scope lite --name untrusted-f data
    kill "$tls_pid" 2>/dev/null
    wait "$tls_pid" 2>/dev/null
    expect_rc 5 up
    state=$(replica_state lite:untrusted-f S3-UNTRUSTED)
    [ "$state" != AVAILABLE ] || fail "replica AVAILABLE although the storage was not trusted"
    echo "stderr: $(cat up.err); replica state '${state:-none}'"
}

# ---- the cases ------------------------------------------------------------------------------

for size in 0 1 1048576; do
    check "S3 both ways, $size B: rucio-lite upload = rucio upload in the catalogue" both_ways S3-SITE "$size"
done
check "GCS both ways, 1 MiB" both_ways GCS-SITE 1048576
check "Swift both ways, 1 MiB" both_ways SWIFT-SITE 1048576
check "catalogue.py: different uploads dump differently" catalogue_sees_differences
check "upload --dataset: created, attached, as Python does" with_dataset
check "same DID and content to another RSE: a second replica, as Python" same_content_other_rse
check "upload without --dataset: rule on the file" rule_on_file
check "upload as another account (signer, USER)" other_account
check "upload without --scope/--name: user.root:<file name>" default_scope_name
check "several files in one upload, one line each" several_files
check "download of an unknown DID: exit 4, nothing written" download_unknown
check "existing DID with other content: exit 4, nothing changed" existing_did_other_content
check "download of an object that does not match its checksums: exit 6, no file" corrupt_object
check "download: the first replica's object is gone, the next one is used" fallback_replica
check "lfn2pfn identity: PFN = prefix/scope/name, as Python's" identity_pfn
check "lfn2pfn hash with a user scope" user_scope_hash
check "non-deterministic RSE with --pfn" nondeterministic_pfn
check "upload cut mid-body: fails, no AVAILABLE replica" upload_cut
check "storage certificate not from the configured CA: exit 5, no AVAILABLE replica" untrusted_storage

finish interop
