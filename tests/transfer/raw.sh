#!/bin/bash
# Transfer suite, raw signed-URL cases: `rucio-lite put`, `get` and
# `delete` with URLs that the real Rucio test server signs (`rucio-lite
# signurl`), against the real S3 server (s3s-fs, which verifies SigV4) and
# the GCS stand-in (nginx WebDAV, which checks no signature), and Swift
# when it runs. Every size and checksum is compared with Python's
# (zlib.adler32, hashlib.md5; lib.sh's sums).
#
# Usage: raw.sh <builddir> <workdir>, run by tests/transfer/run.sh, which
#   starts the servers, sets up the RSEs and exports the environment
#   lib.sh describes.
# TRANSFER_ONLY=<bash regex> runs only the cases whose names match.
# Prints PASS/FAIL/SKIP lines and "raw: N passed, N failed, N skipped".
# shellcheck disable=SC2030,SC2031
set -uo pipefail

raw_here=$(cd "$(dirname "$0")" && pwd)

[ -n "${TRANSFER_CLI:-}" ] || {
    echo "raw.sh: run it through tests/transfer/run.sh (TRANSFER_ONLY=<regex> picks cases)" >&2
    exit 2
}

# shellcheck source=tests/transfer/lib.sh
. "$raw_here/lib.sh"

s3_base=https://127.0.0.1:$STORAGE_S3_PORT/$STORAGE_S3_BUCKET
gcs_base=https://127.0.0.1:$STORAGE_GCS_PORT/$STORAGE_GCS_BUCKET
# Keys of this run: a rerun against the same storage starts afresh.
run_id=$$-$RANDOM

# sign RSE SERVICE OP URL [LIFETIME]: $signed = the URL the Rucio server
# signs (rucio-lite signurl); fails the case if it cannot get one. (A
# variable, not $(...): fail must end the case, not a subshell.)
sign() {
    signed=$("$cli" signurl --rse "$1" --svc "$2" --op "$3" --lifetime "${5:-600}" "$4" \
             2>sign.err) || fail "signurl $1 $2 $3: $(one_line sign.err)"
    # Rucio's Swift signer drops the port (docs/testing.md); the temp URL
    # signs only the path, so the port goes back.
    [ "$2" != swift ] || signed=${signed/#https:\/\/127.0.0.1\//$STORAGE_SWIFT_URL/}
}

# no_leftovers FILE: neither FILE nor a temporary file of it exists.
no_leftovers() {
    local left
    left=$(ls -d "$1" "$1".rucio-lite.part-* 2>/dev/null)
    [ -z "$left" ] || fail "left behind: $left"
}

# tamper PARAM: $signed with the last character of PARAM's value changed
# (one hex digit for another), everything else as signed.
tamper() {
    local last
    [[ $signed =~ ^(.*[?\&]$1=[^\&]*)([0-9a-fA-F])(\&.*)?$ ]] ||
        fail "no $1 in the signed URL"
    last=${BASH_REMATCH[2]}
    [ "$last" = 0 ] && last=1 || last=0
    signed=${BASH_REMATCH[1]}$last${BASH_REMATCH[3]}
}

# ---- cases ---------------------------------------------------------------------

# round_trip RSE SERVICE BASE SIZE: put, get (byte-identical, checksums
# equal to Python's), delete, then the read URL finds nothing (exit 4).
round_trip() {
    local rse=$1 svc=$2 url=$3/raw/rt-$4-$run_id.dat want read
    make_file data "$4"
    want=$(sums data)
    sign "$rse" "$svc" write "$url"
    run put "$cli" -q put "$signed" data
    expect_rc 0 put
    expect_eq "$(cat put.out)" "$want" "put's line"
    sign "$rse" "$svc" read "$url"
    read=$signed
    run get "$cli" -q get "$read" back
    expect_rc 0 get
    expect_eq "$(cat get.out)" "$want" "get's line"
    cmp -s data back || fail "the file got back differs from the one put"
    [ -z "$(ls back.rucio-lite.part-* 2>/dev/null)" ] || fail "a temporary file remains"
    sign "$rse" "$svc" delete "$url"
    run delete "$cli" -q delete "$signed"
    expect_rc 0 delete
    [ ! -s delete.out ] || fail "delete printed: $(one_line delete.out)"
    run gone "$cli" -q get "$read" gone
    expect_rc 4 gone
    [ "$svc" != s3 ] || expect_in gone.err "NoSuchKey: "
    no_leftovers gone
}

# The object s3s-fs stores is the file itself (bucket = folder): what put
# sent is checked without rucio-lite's get.
s3_stored_bytes() {
    local key=raw/stored-$run_id.dat
    make_file data 65537
    sign S3-SITE s3 write "$s3_base/$key"
    run put "$cli" -q put "$signed" data
    expect_rc 0 put
    [ -f "$STORAGE_S3_DIR/$STORAGE_S3_BUCKET/$key" ] ||
        skip "s3s-fs keeps objects elsewhere than $STORAGE_S3_DIR/$STORAGE_S3_BUCKET/<key>"
    cmp -s data "$STORAGE_S3_DIR/$STORAGE_S3_BUCKET/$key" ||
        fail "the stored object differs from the file put"
}

# An expired URL is refused by the storage: exit 4 with its code, for get
# (no file left) and put.
s3_expired() {
    local url=$s3_base/raw/expired-$run_id.dat read write
    make_file data 1000
    sign S3-SITE s3 write "$url"
    run put "$cli" -q put "$signed" data
    expect_rc 0 put
    sign S3-SITE s3 read "$url" 1
    read=$signed
    sign S3-SITE s3 write "$url" 1
    write=$signed
    sleep 2
    run get "$cli" -q get "$read" expired
    expect_rc 4 get
    expect_in get.err "AccessDenied: "
    no_leftovers expired
    run put2 "$cli" -q put "$write" data
    expect_rc 4 put2
    expect_in put2.err "AccessDenied: "
}

# One signature character changed: SignatureDoesNotMatch, exit 4, for get
# and put; nothing stored, nothing left, and the signature never printed
# (not even with -v).
s3_tampered() {
    local url=$s3_base/raw/tampered-$run_id.dat read sig
    make_file data 1000
    sign S3-SITE s3 write "$url"
    tamper X-Amz-Signature
    run put "$cli" -q put "$signed" data
    expect_rc 4 put
    expect_in put.err "SignatureDoesNotMatch"
    sign S3-SITE s3 read "$url"
    tamper X-Amz-Signature
    read=$signed
    run get "$cli" -v get "$read" tampered
    expect_rc 4 get
    expect_in get.err "SignatureDoesNotMatch"
    no_leftovers tampered
    sig=${read##*X-Amz-Signature=}
    sig=${sig%%&*}
    ! grep -qF -- "$sig" get.err put.err || fail "the signature was printed"
    sign S3-SITE s3 read "$url"
    run check "$cli" -q get "$signed" check
    expect_rc 4 check
    expect_in check.err "NoSuchKey: "
}

# A missing object: the storage's code, exit 4, and no file at all.
missing() {
    local rse=$1 svc=$2 url=$3/raw/never-$run_id.dat
    sign "$rse" "$svc" read "$url"
    run get "$cli" -q get "$signed" missing
    expect_rc 4 get
    [ "$svc" != s3 ] || expect_in get.err "NoSuchKey: "
    no_leftovers missing
}

# put, get and delete need no rucio.cfg: a node given signed URLs by
# another machine has none. The storage's certificate is still verified
# (the default bundle lacks the test CA: exit 5), with --ca-certificate
# it is accepted; a command that needs Rucio still says what is missing.
no_config() {
    local url=$s3_base/raw/no-config-$run_id.dat write read del
    local -a bare=(env -u RUCIO_CONFIG -u RUCIO_HOME -u VIRTUAL_ENV -u CONDA_PREFIX
                   -u X509_CERT_DIR "$cli")
    [ ! -e /opt/rucio/etc/rucio.cfg ] || skip "/opt/rucio/etc/rucio.cfg exists here"
    make_file data 4097
    sign S3-SITE s3 write "$url"
    write=$signed
    sign S3-SITE s3 read "$url"
    read=$signed
    sign S3-SITE s3 delete "$url"
    del=$signed
    run untrusted "${bare[@]}" -q put "$write" data
    expect_rc 5 untrusted
    expect_in untrusted.err "certificate"
    run put "${bare[@]}" --ca-certificate "$STORAGE_CA" -q put "$write" data
    expect_rc 0 put
    expect_eq "$(cat put.out)" "$(sums data)" "put's line"
    run get "${bare[@]}" --ca-certificate "$STORAGE_CA" -q get "$read" back
    expect_rc 0 get
    cmp -s data back || fail "the file got back differs from the one put"
    run delete "${bare[@]}" --ca-certificate "$STORAGE_CA" -q delete "$del"
    expect_rc 0 delete
    run ping "${bare[@]}" ping
    expect_rc 1 ping
    expect_in ping.err "no value for rucio_host"
}

# Writing fails mid-download: a file-size limit (rucio-lite ignores
# SIGXFSZ itself, so write fails with EFBIG), then a full tmpfs when root.
# Either way: exit 1, the system's reason, no partial file.
write_fails() {
    local url=$s3_base/raw/big-$run_id.dat read
    make_file data 1048576
    sign S3-SITE s3 write "$url"
    run put "$cli" -q put "$signed" data
    expect_rc 0 put
    sign S3-SITE s3 read "$url"
    read=$signed
    mkdir -p out
    run limited bash -c 'ulimit -f 100; exec "$@"' - "$cli" -q get "$read" out/f
    expect_rc 1 limited
    expect_in limited.err "cannot write out/f: File too large (nothing of the download was kept)"
    no_leftovers out/f
    [ "$(id -u)" = 0 ] || skip "ulimit -f checked; a full tmpfs needs root"
    mount -t tmpfs -o size=256k rawtmp out || skip "ulimit -f checked; mount tmpfs refused"
    run full "$cli" -q get "$read" out/f
    local left
    left=$(ls -A out)
    umount out
    expect_rc 1 full
    expect_in full.err "cannot write out/f: No space left on device"
    [ -z "$left" ] || fail "left on the full tmpfs: $left"
}

for size in 0 1 1048576; do
    check "raw S3-SITE put/get/delete $size B" round_trip S3-SITE s3 "$s3_base" "$size"
    check "raw GCS-SITE put/get/delete $size B" round_trip GCS-SITE gcs "$gcs_base" "$size"
done
if [ -n "${STORAGE_SWIFT_URL:-}" ]; then
    swift_base=$STORAGE_SWIFT_URL/v1/$STORAGE_SWIFT_ACCOUNT/$STORAGE_SWIFT_CONTAINER
    check "raw SWIFT-SITE put/get/delete 1048576 B" round_trip SWIFT-SITE swift "$swift_base" 1048576
else
    echo "SKIP raw SWIFT-SITE put/get/delete: the storage runs without Swift"
    skipped=$((skipped + 1))
fi
check "raw S3 stores exactly the bytes put" s3_stored_bytes
check "raw S3 expired URL: AccessDenied, exit 4, no file" s3_expired
check "raw S3 tampered signature: SignatureDoesNotMatch, exit 4" s3_tampered
check "raw S3 missing object: NoSuchKey, exit 4, no file" missing S3-SITE s3 "$s3_base"
check "raw GCS missing object: exit 4, no file" missing GCS-SITE gcs "$gcs_base"
check "raw get that cannot write: exit 1, no partial file" write_fails
check "raw put/get/delete with no rucio.cfg: storage only, certificate verified" no_config

finish raw
