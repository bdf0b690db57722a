#!/bin/bash
# End-to-end suite: rucio-lite (the CLI) and librucio (through
# tests/tools/e2e_client) against the genuine Rucio server of
# tests/rucio-server. Usage: tests/e2e/run.sh <builddir>
#
# Needs <builddir>/rucio-lite and <builddir>/tools/e2e_client (make tests).
# E2E_ONLY=<bash regex> runs only the checks whose names match.
# The server runs in <builddir>/e2e-work; every check works in its own
# directory <builddir>/e2e-work/checks/<n>-<name> (private TMPDIR, so its
# own token cache, and LOGNAME), where its commands' output stays.
# Prints "PASS <name>" or "FAIL <name>: <why>" per check and exits 1 if
# any failed. The server is stopped whatever happens.
# Each check's TMPDIR and LOGNAME live in its own subshell, on purpose:
# shellcheck disable=SC2030,SC2031
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
harness=$repo/tests/rucio-server
build=${1:?usage: tests/e2e/run.sh <builddir>}
build=$(cd "$build" && pwd) || exit 1
cli=$build/rucio-lite
driver=$build/tools/e2e_client
work=$build/e2e-work
venv=${RUCIO_TEST_VENV:-$repo/.venv}
python=$venv/bin/python
t_begin=$EPOCHREALTIME

for f in "$cli" "$driver"; do
    [ -x "$f" ] || { echo "FAIL setup: $f missing (make BUILD=${build#"$repo"/} tests)"; exit 1; }
done

# E2E_WRAP="valgrind ..." (make test-valgrind) runs every rucio-lite and
# e2e_client command under that prefix, through a script of the same name
# in <builddir>/e2e-wrap; E2E_SLACK_S widens the time bound of the
# timeout checks for the slower run (default 5 s).
if [ -n "${E2E_WRAP:-}" ]; then
    mkdir -p "$build/e2e-wrap"
    for f in "$cli" "$driver"; do
        printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$E2E_WRAP" "$f" >"$build/e2e-wrap/${f##*/}"
        chmod +x "$build/e2e-wrap/${f##*/}"
    done
    cli=$build/e2e-wrap/${cli##*/}
    driver=$build/e2e-wrap/${driver##*/}
fi
slack=${E2E_SLACK_S:-5}

# Nothing from the caller's environment may steer a client: every check
# sets what it needs.
unset RUCIO_CONFIG RUCIO_HOME RUCIO_ACCOUNT RUCIO_AUTH_TYPE RUCIO_VO \
      RUCIO_CLIENT_CERT RUCIO_CLIENT_KEY RUCIO_CLIENT_PROXY X509_USER_PROXY \
      X509_CERT_DIR BEARER_TOKEN BEARER_TOKEN_FILE XDG_RUNTIME_DIR \
      REQUESTS_CA_BUNDLE CURL_CA_BUNDLE VIRTUAL_ENV CONDA_PREFIX TEMP TMP

# ---- server lifetime ------------------------------------------------------

listener_pid=
cleanup() {
    local rc=$?
    [ -z "$listener_pid" ] || kill "$listener_pid" 2>/dev/null
    "$harness/stop.sh" "$work" >/dev/null 2>&1
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server exits with the process it watches: this script, whatever
# runs start.sh (even a subshell).
export RUCIO_TEST_WATCH_PID=$$
export RUCIO_TEST_VENV=$venv
start_log=$build/e2e-start.log
if ! "$harness/start.sh" "$work" >"$start_log" 2>&1; then
    echo "FAIL start server: $(tail -n 5 "$start_log" | tr '\n' ' ')"
    exit 1
fi
t_started=$EPOCHREALTIME
# shellcheck source=/dev/null
. "$work/server.env"
url=$RUCIO_TEST_URL
reqlog=$RUCIO_TEST_REQUESTS_LOG
pki=$work/pki
export RUCIO_CONFIG=$RUCIO_TEST_CLIENT_CONFIG
mkdir -p "$work/checks"

# ---- running checks ----------------------------------------------------------

passed=0
failed=0
nchecks=0

# check NAME FUNCTION [ARGS]: unless E2E_ONLY excludes NAME, run FUNCTION
# in a subshell inside a fresh directory with TMPDIR and LOGNAME of its
# own. Its stdout and stderr go to check.log there; fail() sends the
# reason on fd 3.
check() {
    local name=$1 dir reason status
    shift
    [[ -z "${E2E_ONLY:-}" || "$name" =~ $E2E_ONLY ]] || return 0
    nchecks=$((nchecks + 1))
    dir=$work/checks/$(printf '%02d' "$nchecks")-${name//[^A-Za-z0-9_.-]/_}
    mkdir -p "$dir/tmp"
    reason=$(
        cd "$dir" || exit 1
        export TMPDIR=$dir/tmp LOGNAME=e2e
        "$@" 3>&1 >check.log 2>&1
    )
    status=$?
    if [ "$status" = 0 ]; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name: ${reason:-exit status $status} (see $dir)"
    fi
}

fail() {
    echo "$*" >&3
    exit 1
}

one_line() { head -c "${2:-300}" "$1" 2>/dev/null | tr '\n' ' '; }

# run TAG COMMAND...: stdout in TAG.out, stderr in TAG.err, status in $rc.
run() {
    local tag=$1
    shift
    "$@" >"$tag.out" 2>"$tag.err"
    rc=$?
}

expect_rc() {
    [ "$rc" = "$1" ] ||
        fail "$2: exit $rc, expected $1; stdout: $(one_line "$2.out"); stderr: $(one_line "$2.err")"
}

expect_in() {
    grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(one_line "$1")"
}

expect_not_in() {
    ! grep -qF -- "$2" "$1" || fail "$1 contains ${3:-$2}"
}

expect_eq() {
    [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# Requests the server has seen: all, or those to /auth/.
log_lines() { wc -l < "$reqlog"; }
auth_count() { grep -c '^GET /auth/' "$reqlog"; }
count_of() { grep -c "^$1" "$reqlog"; }
refused_count() { grep -v '^GET /auth/' "$reqlog" | grep -c ' 401$'; }

# A value of e2e_client's "stats" line in TAG.out.
stat_of() { sed -n "s/^stats.* $1=\([0-9]*\).*/\1/p" "$2.out"; }

token_file() { echo "$TMPDIR/$LOGNAME/.rucio_$LOGNAME/auth_token_for_account_${1:-root}"; }

password_file() {
    printf '%s\n' "$2" > "$1"
    chmod 600 "$1"
}

# The Python client, as a user of the same rucio.cfg and token cache.
python_whoami() {
    "$python" -c 'from rucio.client import Client; print(Client().whoami()["account"])'
}

# Expire a token in the server's database. Rucio caches a validated
# token with its expiry (rucio/core/authentication.py validate_auth_token,
# 900 s) and compares that cached expiry on every request: only a token
# the server has not validated yet notices the change.
expire_token() {
    "$python" - "$work/rucio.db" "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("UPDATE tokens SET expired_at = '2000-01-01 00:00:00.000000' "
               "WHERE token = ?", (sys.argv[2],)).rowcount
db.commit()
sys.exit(0 if n == 1 else f'{n} tokens matched')
EOF
}

# ---- basics ------------------------------------------------------------------

cli_ping() {
    run ping "$cli" ping
    expect_rc 0 ping
    expect_eq "$(cat ping.out)" 41.5.1 "server version"
}

lib_ping() {
    run ping "$driver" ping
    expect_rc 0 ping
    expect_in ping.out "ping ok version=41.5.1"
    expect_eq "$(stat_of authentications ping)" 0 "authentications for ping"
}

cli_whoami_root() {
    run who "$cli" whoami
    expect_rc 0 who
    expect_in who.out "account      : root"
    expect_in who.out "account_type : SERVICE"
    expect_in who.out "status       : ACTIVE"
}

lib_whoami_root() {
    run who "$driver" whoami
    expect_rc 0 who
    expect_in who.out "whoami ok account=root account_type=SERVICE status=ACTIVE"
}

cli_whoami_signer() {
    password_file pw signerpw
    run who "$cli" -a signer -u signer --password-file pw whoami
    expect_rc 0 who
    expect_in who.out "account      : signer"
    expect_in who.out "account_type : USER"
    [ -s "$(token_file signer)" ] || fail "no token cached for signer"
}

lib_whoami_signer() {
    password_file pw signerpw
    run who "$driver" --account signer --user signer --password-file pw whoami
    expect_rc 0 who
    expect_in who.out "whoami ok account=signer account_type=USER status=ACTIVE"
}

# ---- TLS version -----------------------------------------------------------------

# The server's TLS front (Python's ssl over OpenSSL 3) offers TLS 1.2 and
# 1.3, so the newest version the client's mbedTLS has is negotiated: 1.3
# with mbedTLS 3.x (the default build's 3.6), 1.2 with Debian's 2.28. The
# mbedTLS version is the one rucio-lite was compiled with (--version);
# the negotiated one is what the TLS layer logs at DEBUG after the
# handshake ("TLS handshake with H done: TLSv1.3, <suite>, resumed no").
# E2E_EXPECT_TLS=TLSv1.2 (or 1.3) overrides the expectation, to see the
# check fail.
mbedtls_version=$("$build/rucio-lite" --version | sed -n 's/.*(mbedTLS \([0-9.]*\)).*/\1/p')
case "$mbedtls_version" in
2.*) tls_expected=TLSv1.2 ;;
[3-9].*) tls_expected=TLSv1.3 ;;
*) tls_expected="unknown (rucio-lite --version names no mbedTLS)" ;;
esac
tls_expected=${E2E_EXPECT_TLS:-$tls_expected}

tls_version() {
    local tool=$1 got
    if [ "$tool" = cli ]; then
        run ping "$cli" -v -v ping
    else
        run ping "$driver" --verbose ping
    fi
    expect_rc 0 ping
    got=$(sed -n 's/.*TLS handshake with .* done: \([^,]*\), \([^,]*\),.*/\1 \2/p' ping.err | head -n 1)
    [ -n "$got" ] || fail "no 'TLS handshake ... done' line in the DEBUG log: $(one_line ping.err)"
    expect_eq "${got%% *}" "$tls_expected" "negotiated version (mbedTLS $mbedtls_version, suite ${got#* })"
}

# ---- authentication ------------------------------------------------------------

# Authenticate with the given options (fresh token cache) and check that
# exactly one request reached <path> and the token was cached with 0600.
cli_auth() {
    local path=$1 before mode
    shift
    before=$(count_of "GET $path 200")
    run who "$cli" "$@" whoami
    expect_rc 0 who
    expect_in who.out "account      : root"
    expect_eq "$(count_of "GET $path 200")" $((before + 1)) "successful GET $path"
    mode=$(stat -c %a "$(token_file)") || fail "no token cache file"
    expect_eq "$mode" 600 "token cache file mode"
}

lib_auth() {
    local path=$1 before
    shift
    before=$(count_of "GET $path 200")
    run who "$driver" "$@" auth whoami
    expect_rc 0 who
    expect_in who.out "auth ok account=root"
    expect_in who.out "whoami ok account=root"
    expect_eq "$(stat_of authentications who)" 1 "authentications"
    expect_eq "$(count_of "GET $path 200")" $((before + 1)) "successful GET $path"
    [ -s "$(token_file)" ] || fail "no token cache file"
}

cli_wrong_password() {
    password_file pw not-the-password
    run who "$cli" --password-file pw whoami
    expect_rc 3 who
    expect_in who.err CannotAuthenticate
    [ ! -e "$(token_file)" ] || fail "a token was cached after a refused login"
}

# A password the CLI cannot hold whole is refused, never cut, and
# nothing is sent.
cli_long_password() {
    local before
    before=$(log_lines)
    password_file pw "$(head -c 300 /dev/zero | tr '\0' x)"
    run who "$cli" --password-file pw whoami
    expect_rc 1 who
    expect_in who.err "longer than rucio-lite accepts"
    expect_eq "$(log_lines)" "$before" "requests sent"
}

lib_wrong_password() {
    password_file pw not-the-password
    run who "$driver" --password-file pw whoami
    expect_rc 1 who
    expect_in who.out "whoami error status=E_AUTH http=401"
    expect_in who.out "class=CannotAuthenticate"
}

# A token from `rucio-lite token --show`, obtained in a cache of its own.
fresh_token() {
    TMPDIR=$PWD/tmp-token "$cli" token --show > token.out 2>token.err ||
        fail "token --show: $(one_line token.err)"
    sed -n 's/^token: //p' token.out
}

# oidc with WLCG bearer token discovery: $1 = env (BEARER_TOKEN) or file
# (BEARER_TOKEN_FILE); $2 = cli or lib.
oidc() {
    local how=$1 tool=$2 token before
    mkdir -p tmp-token
    token=$(fresh_token)
    [ -n "$token" ] || fail "no token from token --show"
    before=$(auth_count)
    if [ "$how" = env ]; then
        export BEARER_TOKEN=$token
    else
        printf '%s\n' "$token" > bearer
        export BEARER_TOKEN_FILE=$PWD/bearer
    fi
    if [ "$tool" = cli ]; then
        run who "$cli" -S oidc whoami
        expect_rc 0 who
        expect_in who.out "account      : root"
    else
        run who "$driver" --auth-type oidc whoami
        expect_rc 0 who
        expect_in who.out "whoami ok account=root"
        expect_eq "$(stat_of authentications who)" 0 "authentications"
    fi
    expect_eq "$(auth_count)" "$before" "/auth/ requests with a bearer token"
    [ ! -e "$(token_file)" ] || fail "the discovered token was written to the cache"
}

# A bearer token the server does not know: refused (exit 3), and no
# login is attempted in its place.
oidc_refused() {
    local tool=$1 before
    export BEARER_TOKEN=root-nobody-unknown-00000000000000000000000000000000
    before=$(auth_count)
    if [ "$tool" = cli ]; then
        run who "$cli" -S oidc whoami
        expect_rc 3 who
        expect_in who.err "CannotAuthenticate: "
    else
        run who "$driver" --auth-type oidc whoami
        expect_rc 1 who
        expect_in who.out "whoami error status=E_AUTH"
    fi
    expect_eq "$(auth_count)" "$before" "/auth/ requests"
}

# A token given by the caller (auth type "token", library only): used as
# is, never cached, no login.
lib_given_token() {
    local token before
    mkdir -p tmp-token
    token=$(fresh_token)
    [ -n "$token" ] || fail "no token from token --show"
    before=$(auth_count)
    run who "$driver" --token "$token" whoami
    expect_rc 0 who
    expect_in who.out "whoami ok account=root"
    expect_eq "$(auth_count)" "$before" "/auth/ requests"
    [ ! -e "$(token_file)" ] || fail "the given token was written to the cache"
}

# ---- token cache ------------------------------------------------------------------

cli_cache_reuse() {
    local before
    before=$(auth_count)
    run first "$cli" whoami
    expect_rc 0 first
    expect_eq "$(auth_count)" $((before + 1)) "/auth/ requests of the first run"
    run second "$cli" whoami
    expect_rc 0 second
    expect_eq "$(auth_count)" $((before + 1)) "/auth/ requests after the second run"
}

lib_cache_reuse() {
    run first "$driver" whoami
    expect_rc 0 first
    expect_eq "$(stat_of authentications first)" 1 "authentications of the first run"
    run second "$driver" whoami ping
    expect_rc 0 second
    expect_eq "$(stat_of authentications second)" 0 "authentications of the second run"
    expect_eq "$(stat_of auth_connects second)" 0 "auth host connections of the second run"
}

# A cached token that expired on the server: one 401, exactly one new
# authentication, success, and the new token replaces the old one. The
# CLI asks whoami (a redirect), the library a signed URL (its query must
# survive the re-authentication).
expired_token() {
    local tool=$1 old before refused
    if [ "$tool" = cli ]; then run auth "$cli" token; else run auth "$driver" auth; fi
    expect_rc 0 auth
    old=$(cat "$(token_file)") || fail "no token cached"
    expire_token "$old" >expire.log 2>&1 || fail "could not expire the token: $(one_line expire.log)"
    before=$(count_of 'GET /auth/userpass 200')
    refused=$(refused_count)
    if [ "$tool" = cli ]; then
        run who "$cli" whoami
        expect_rc 0 who
        expect_in who.out "account      : root"
    else
        run who "$driver" signurl S3-SITE s3 read 600 "$(input_of s3)"
        expect_rc 0 who
        expect_eq "$(stat_of authentications who)" 1 "authentications"
        verify s3 read 600 "$(sed -n 's/^signurl ok url=//p' who.out)"
    fi
    expect_eq "$(refused_count)" $((refused + 1)) "requests refused with 401"
    expect_eq "$(count_of 'GET /auth/userpass 200')" $((before + 1)) "new authentications"
    [ "$(cat "$(token_file)")" != "$old" ] || fail "the expired token is still cached"
}

# rucio-lite caches, the Python client uses the token, and the reverse.
python_uses_our_token() {
    local tool=$1 before
    if [ "$tool" = cli ]; then run auth "$cli" token; else run auth "$driver" auth; fi
    expect_rc 0 auth
    before=$(auth_count)
    run py python_whoami
    expect_rc 0 py
    expect_eq "$(cat py.out)" root "Python whoami"
    expect_eq "$(auth_count)" "$before" "/auth/ requests of the Python client"
}

we_use_python_token() {
    local tool=$1 before
    run py python_whoami
    expect_rc 0 py
    [ -s "$(token_file)" ] || fail "the Python client cached no token at $(token_file)"
    before=$(auth_count)
    if [ "$tool" = cli ]; then
        run who "$cli" whoami
        expect_rc 0 who
    else
        run who "$driver" whoami
        expect_rc 0 who
        expect_eq "$(stat_of authentications who)" 0 "authentications"
    fi
    expect_eq "$(auth_count)" "$before" "/auth/ requests of rucio-lite"
}

# ---- signed URLs -------------------------------------------------------------------

rse_of() { case $1 in gcs) echo GCS-SITE ;; s3) echo S3-SITE ;; swift) echo SWIFT-SITE ;; esac; }
input_of() {
    case $1 in
    gcs) echo https://storage.googleapis.com/rucio-lite-bucket/dir/file.dat ;;
    s3) echo https://s3.example.org:9000/rucio-lite-bucket/dir/file.dat ;;
    swift) echo https://swift.example.org:8080/v1/AUTH_test/container/dir/file.dat ;;
    esac
}

verify() {
    local svc=$1 op=$2 lifetime=$3 signed=$4
    "$python" "$harness/verify_signed_url.py" --env "$work/server.env" \
        --service "$svc" --op "$op" --lifetime "$lifetime" \
        --input-url "$(input_of "$svc")" --url "$signed" >verify.log 2>&1 ||
        fail "verify_signed_url.py: $(one_line verify.log 400)"
}

# cli_signurl SVC OP LIFETIME|default
cli_signurl() {
    local svc=$1 op=$2 lifetime=$3 args=()
    [ "$lifetime" = default ] && lifetime=3600 || args=(--lifetime "$lifetime")
    run sign "$cli" signurl --rse "$(rse_of "$svc")" --svc "$svc" --op "$op" \
        "${args[@]}" "$(input_of "$svc")"
    expect_rc 0 sign
    expect_eq "$(wc -l < sign.out)" 1 "lines printed"
    verify "$svc" "$op" "$lifetime" "$(cat sign.out)"
}

lib_signurl() {
    local svc=$1 op=$2 lifetime=$3 signed
    run sign "$driver" signurl "$(rse_of "$svc")" "$svc" "$op" "$lifetime" "$(input_of "$svc")"
    expect_rc 0 sign
    [ "$lifetime" = default ] && lifetime=3600
    signed=$(sed -n 's/^signurl ok url=//p' sign.out)
    [ -n "$signed" ] || fail "no signed URL: $(one_line sign.out)"
    verify "$svc" "$op" "$lifetime" "$signed"
}

signer_signs() {
    local tool=$1 signed
    password_file pw signerpw
    if [ "$tool" = cli ]; then
        run sign "$cli" -a signer -u signer --password-file pw signurl --rse GCS-SITE \
            --svc gcs --op read --lifetime 60 "$(input_of gcs)"
        expect_rc 0 sign
        signed=$(cat sign.out)
    else
        run sign "$driver" --account signer --user signer --password-file pw \
            signurl GCS-SITE gcs read 60 "$(input_of gcs)"
        expect_rc 0 sign
        signed=$(sed -n 's/^signurl ok url=//p' sign.out)
    fi
    verify gcs read 60 "$signed"
}

# ---- errors ----------------------------------------------------------------------------

cli_rse_not_found() {
    run sign "$cli" signurl --rse NO-SUCH-RSE --svc gcs --op read "$(input_of gcs)"
    expect_rc 4 sign
    expect_in sign.err "RSENotFound: "
    expect_eq "$(wc -c < sign.out)" 0 "stdout bytes"
}

lib_rse_not_found() {
    run sign "$driver" signurl NO-SUCH-RSE gcs read 60 "$(input_of gcs)"
    expect_rc 1 sign
    expect_in sign.out "signurl error status=E_SERVER http=500 code=52 class=RSENotFound"
}

cli_access_denied() {
    password_file pw nosignpw
    run sign "$cli" -a nosign -u nosign --password-file pw signurl --rse GCS-SITE \
        --svc gcs --op read "$(input_of gcs)"
    expect_rc 4 sign
    expect_in sign.err "AccessDenied: Account nosign can not get signed URL"
}

lib_access_denied() {
    password_file pw nosignpw
    run sign "$driver" --account nosign --user nosign --password-file pw \
        signurl GCS-SITE gcs read 60 "$(input_of gcs)"
    expect_rc 1 sign
    expect_in sign.out "signurl error status=E_SERVER http=500 code=2 class=AccessDenied"
}

# An invalid argument is refused before anything is sent (not even an
# authentication: the token cache is empty).
cli_invalid() {
    local svc=$1 op=$2 before
    before=$(log_lines)
    run sign "$cli" signurl --rse GCS-SITE --svc "$svc" --op "$op" "$(input_of gcs)"
    expect_rc 2 sign
    expect_in sign.err InputValidationError
    expect_eq "$(log_lines)" "$before" "requests seen by the server"
}

lib_invalid() {
    local svc=$1 op=$2 before
    before=$(log_lines)
    run sign "$driver" signurl GCS-SITE "$svc" "$op" 60 "$(input_of gcs)"
    expect_rc 1 sign
    expect_in sign.out "signurl error status=E_INVALID_ARG http=0 code=26 class=InputValidationError"
    expect_eq "$(stat_of api_connects sign)$(stat_of auth_connects sign)" 00 "connections"
    expect_eq "$(log_lines)" "$before" "requests seen by the server"
}

# wrong_ca TOOL CA: a CA that did not sign the server's certificate;
# "throwaway" makes one.
wrong_ca() {
    local tool=$1 ca=$2 before
    if [ "$ca" = throwaway ]; then
        ca=$PWD/ca.pem
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out "$ca" \
            -subj /CN=e2e-throwaway-ca -days 1 >ca.log 2>&1 ||
            fail "openssl: $(one_line ca.log)"
    fi
    before=$(log_lines)
    if [ "$tool" = cli ]; then
        run ping "$cli" --ca-certificate "$ca" ping
        expect_rc 5 ping
        expect_in ping.err "ServerConnectionException: "
        expect_in ping.err "certificate verification failed"
    else
        run ping "$driver" --ca "$ca" ping
        expect_rc 1 ping
        expect_in ping.out "ping error status=E_TLS_VERIFY"
        expect_in ping.out "certificate verification failed"
    fi
    expect_eq "$(log_lines)" "$before" "requests seen by the server"
}

# make_grid_dir CA: ./grid laid out like /etc/grid-security/certificates
# (hashed link, signing policy, namespaces, CRL, a README) around CA.
make_grid_dir() {
    local hash
    mkdir grid
    hash=$(openssl x509 -in "$1" -noout -hash) || fail "openssl x509 -hash failed"
    cp "$1" grid/test-ca.pem
    ln -s test-ca.pem "grid/$hash.0"
    printf 'access_id_CA X509 '"'"'/CN=test'"'"'\n' > "grid/$hash.signing_policy"
    printf 'TO Issuer "/CN=test" PERMIT Subject ".*"\n' > "grid/$hash.namespaces"
    printf -- '-----BEGIN X509 CRL-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END X509 CRL-----\n' \
        > "grid/$hash.r0"
    echo "CA certificates of the test grid" > grid/README
}

# X509_CERT_DIR as a grid CA directory: the files that are not
# certificates are skipped. It beats [client] ca_cert, so a directory
# holding only another CA must fail although the config names the right one.
grid_ca_dir() {
    local tool=$1 which=$2 ca=$RUCIO_TEST_CA
    if [ "$which" = other ]; then
        ca=$PWD/other-ca.pem
        openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out "$ca" \
            -subj /CN=e2e-other-ca -days 1 >ca.log 2>&1 ||
            fail "openssl: $(one_line ca.log)"
    fi
    make_grid_dir "$ca"
    export X509_CERT_DIR=$PWD/grid
    if [ "$tool" = cli ]; then run who "$cli" whoami; else run who "$driver" whoami; fi
    if [ "$which" = test ]; then
        expect_rc 0 who
        expect_in who.out root
    elif [ "$tool" = cli ]; then
        expect_rc 5 who
        expect_in who.err "certificate verification failed"
    else
        expect_rc 1 who
        expect_in who.out "whoami error status=E_TLS_VERIFY"
    fi
}

# The set-up docs/testing.md describes for a production site: a rucio.cfg
# without ca_cert or credentials, the grid CA directory in X509_CERT_DIR
# and the proxy in X509_USER_PROXY.
production_style() {
    local tool=$1 before
    make_grid_dir "$RUCIO_TEST_CA"
    cat > rucio.cfg <<EOF
[client]
rucio_host = $url
auth_host = $url
auth_type = x509_proxy
account = root
EOF
    export RUCIO_CONFIG=$PWD/rucio.cfg X509_CERT_DIR=$PWD/grid X509_USER_PROXY=$pki/proxy.pem
    before=$(count_of 'GET /auth/x509_proxy 200')
    if [ "$tool" = cli ]; then
        run who "$cli" whoami
        expect_rc 0 who
        expect_in who.out "account      : root"
    else
        run who "$driver" whoami
        expect_rc 0 who
        expect_in who.out "whoami ok account=root"
    fi
    expect_eq "$(count_of 'GET /auth/x509_proxy 200')" $((before + 1)) "proxy logins"
}

# No CA anywhere: the system bundle is used (never "no verification"),
# and the test CA is not in it.
default_ca() {
    local tool=$1
    cat > rucio.cfg <<EOF
[client]
rucio_host = $url
auth_host = $url
auth_type = userpass
username = ddmlab
password = secret
EOF
    export RUCIO_CONFIG=$PWD/rucio.cfg
    if [ "$tool" = cli ]; then
        run ping "$cli" -v -v ping
        expect_rc 5 ping
        expect_in ping.err "certificate verification failed"
    else
        run ping "$driver" ping
        expect_rc 1 ping
        expect_in ping.out "ping error status=E_TLS_VERIFY"
    fi
}

# A server that accepts the connection and then says nothing.
start_silent_listener() {
    local portfile=$work/checks/silent.port
    "$python" - "$portfile" <<'EOF' &
import os, socket, sys, time
parent = os.getppid()
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(8)
with open(sys.argv[1] + '.tmp', 'w') as f:
    f.write(str(s.getsockname()[1]))
os.replace(sys.argv[1] + '.tmp', sys.argv[1])
# Never answer; go when the suite does (even if it was killed).
for _ in range(3000):
    if os.getppid() != parent:
        break
    time.sleep(0.1)
EOF
    listener_pid=$!
    for _ in $(seq 50); do [ -s "$portfile" ] && break; sleep 0.1; done
    silent_url=https://127.0.0.1:$(cat "$portfile")
}

# no_answer TOOL URL SECONDS: network error (exit 5) within SECONDS + 5.
no_answer() {
    local tool=$1 target=$2 seconds=$3 t0 elapsed
    t0=$EPOCHREALTIME
    if [ "$tool" = cli ]; then
        run ping "$cli" -H "$target" --auth-host "$target" -T "$seconds" ping
        expect_rc 5 ping
        expect_in ping.err "ServerConnectionException: "
    else
        run ping "$driver" --host "$target" --auth-host "$target" \
            --timeout-ms $((seconds * 1000)) ping
        expect_rc 1 ping
        expect_in ping.out "class=ServerConnectionException"
    fi
    elapsed=$(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
    echo "returned after $elapsed s"
    awk -v e="$elapsed" -v s="$seconds" -v k="$slack" 'BEGIN { exit !(e < s + k) }' ||
        fail "returned after $elapsed s with a $seconds s timeout"
}

# ---- library only -----------------------------------------------------------------

# ping, whoami and three signed URLs on one client: one connection to the
# rucio host, one authentication on another.
lib_keep_alive() {
    run all "$driver" ping whoami \
        signurl GCS-SITE gcs read 600 "$(input_of gcs)" \
        signurl S3-SITE s3 write 600 "$(input_of s3)" \
        signurl SWIFT-SITE swift delete 600 "$(input_of swift)"
    expect_rc 0 all
    expect_eq "$(grep -c ' ok ' all.out)" 5 "successful steps"
    expect_eq "$(stat_of api_connects all)" 1 "connections to the rucio host"
    # The auth host is the rucio host: the login shares the connection.
    expect_eq "$(stat_of api_requests all)" 7 "requests on it (login, whoami is 2)"
    expect_eq "$(stat_of auth_connects all)" 0 "connections of their own for the login"
    expect_eq "$(stat_of authentications all)" 1 "authentications"
}

# A port without files: no rucio.cfg, no token cache; everything from the
# options, the CA in memory (nothing reads a file behind the port's back).
lib_no_files() {
    password_file pw secret
    run all "$driver" --no-files --host "$url" --auth-host "$url" --ca "$RUCIO_TEST_CA" \
        --account root --auth-type userpass --user ddmlab --password-file pw \
        ping whoami signurl S3-SITE s3 read 600 "$(input_of s3)"
    expect_rc 0 all
    expect_in all.out "whoami ok account=root"
    verify s3 read 600 "$(sed -n 's/^signurl ok url=//p' all.out)"
    [ -z "$(ls -A tmp)" ] || fail "files were written to TMPDIR: $(ls -A tmp)"
}

# ---- secrets -------------------------------------------------------------------------

# No password, token or private key in anything printed (-v -v / --verbose).
no_secrets_in() {
    local tag=$1 secret
    shift
    for secret in "$@"; do
        [ -n "$secret" ] || continue
        expect_not_in "$tag.out" "$secret" "a secret ($tag stdout)"
        expect_not_in "$tag.err" "$secret" "a secret ($tag stderr)"
    done
    expect_not_in "$tag.out" "PRIVATE KEY"
    expect_not_in "$tag.err" "PRIVATE KEY"
}

# A line of base64 from the middle of a PEM key file.
key_line() { sed -n '5p' "$1"; }

secrets_userpass() {
    local tool=$1
    password_file wrong Wr0ng-E2E-passw0rd
    password_file right secret
    if [ "$tool" = cli ]; then
        run bad "$cli" -v -v --password-file wrong whoami
        expect_rc 3 bad
        run good "$cli" -v -v --password-file right whoami
    else
        run bad "$driver" --verbose --password-file wrong whoami
        expect_rc 1 bad
        run good "$driver" --verbose --password-file right whoami
    fi
    expect_rc 0 good
    [ -s "$(token_file)" ] || fail "no token cached"
    grep -q 'userpass' good.err || fail "-v -v logged nothing about the authentication"
    no_secrets_in bad Wr0ng-E2E-passw0rd secret
    no_secrets_in good secret "$(cat "$(token_file)")"
}

secrets_x509() {
    local tool=$1
    if [ "$tool" = cli ]; then
        run good "$cli" -v -v -S x509 --certificate "$pki/user.pem" \
            --client-key "$pki/user.key" whoami
    else
        run good "$driver" --verbose --auth-type x509 --cert "$pki/user.pem" \
            --key "$pki/user.key" whoami
    fi
    expect_rc 0 good
    no_secrets_in good "$(key_line "$pki/user.key")" "$(cat "$(token_file)")"
}

# ---- the suite -------------------------------------------------------------------------

check "cli ping" cli_ping
check "lib ping" lib_ping
check "cli whoami root" cli_whoami_root
check "lib whoami root" lib_whoami_root
check "cli whoami signer" cli_whoami_signer
check "lib whoami signer" lib_whoami_signer
check "cli TLS version: $tls_expected with mbedTLS $mbedtls_version" tls_version cli
check "lib TLS version: $tls_expected with mbedTLS $mbedtls_version" tls_version lib

check "cli userpass" cli_auth /auth/userpass -S userpass
check "lib userpass" lib_auth /auth/userpass --auth-type userpass
check "cli userpass wrong password" cli_wrong_password
check "lib userpass wrong password" lib_wrong_password
check "cli password file too long" cli_long_password
check "cli x509" cli_auth /auth/x509 -S x509 --certificate "$pki/user.pem" --client-key "$pki/user.key"
check "lib x509" lib_auth /auth/x509 --auth-type x509 --cert "$pki/user.pem" --key "$pki/user.key"
check "cli x509_proxy" cli_auth /auth/x509_proxy -S x509_proxy --proxy "$pki/proxy.pem"
check "lib x509_proxy" lib_auth /auth/x509_proxy --auth-type x509_proxy --proxy "$pki/proxy.pem"
check "cli ssh" cli_auth /auth/ssh -S ssh --ssh-key "$pki/ssh_key"
check "lib ssh" lib_auth /auth/ssh --auth-type ssh --ssh-key "$pki/ssh_key"
check "cli oidc BEARER_TOKEN" oidc env cli
check "lib oidc BEARER_TOKEN" oidc env lib
check "cli oidc BEARER_TOKEN_FILE" oidc file cli
check "lib oidc BEARER_TOKEN_FILE" oidc file lib
check "cli oidc unknown bearer token refused" oidc_refused cli
check "lib oidc unknown bearer token refused" oidc_refused lib
check "lib caller-given token" lib_given_token

check "cli token cache reused" cli_cache_reuse
check "lib token cache reused" lib_cache_reuse
check "cli expired token: one re-authentication" expired_token cli
check "lib expired token: one re-authentication" expired_token lib
check "cli token used by the Python client" python_uses_our_token cli
check "lib token used by the Python client" python_uses_our_token lib
check "cli uses the Python client's token" we_use_python_token cli
check "lib uses the Python client's token" we_use_python_token lib

for svc in gcs s3 swift; do
    for op in read write delete; do
        check "cli signurl $svc $op" cli_signurl "$svc" "$op" 600
    done
done
check "cli signurl gcs read default lifetime" cli_signurl gcs read default
for svc in gcs s3 swift; do
    for op in read write delete; do
        check "lib signurl $svc $op" lib_signurl "$svc" "$op" 600
    done
done
check "lib signurl gcs read default lifetime" lib_signurl gcs read default
check "cli signer may sign" signer_signs cli
check "lib signer may sign" signer_signs lib

check "cli unknown RSE" cli_rse_not_found
check "lib unknown RSE" lib_rse_not_found
check "cli nosign AccessDenied" cli_access_denied
check "lib nosign AccessDenied" lib_access_denied
check "cli invalid service sends nothing" cli_invalid ftp read
check "lib invalid service sends nothing" lib_invalid ftp read
check "cli invalid operation sends nothing" cli_invalid gcs copy
check "lib invalid operation sends nothing" lib_invalid gcs copy
check "cli wrong CA (throw-away)" wrong_ca cli throwaway
check "lib wrong CA (throw-away)" wrong_ca lib throwaway
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    check "cli wrong CA (system bundle)" wrong_ca cli /etc/ssl/certs/ca-certificates.crt
    check "lib wrong CA (system bundle)" wrong_ca lib /etc/ssl/certs/ca-certificates.crt
fi
check "cli X509_CERT_DIR grid-style directory" grid_ca_dir cli test
check "lib X509_CERT_DIR grid-style directory" grid_ca_dir lib test
check "cli X509_CERT_DIR beats [client] ca_cert" grid_ca_dir cli other
check "lib X509_CERT_DIR beats [client] ca_cert" grid_ca_dir lib other
check "cli no CA configured: system bundle, verified" default_ca cli
check "lib no CA configured: system bundle, verified" default_ca lib
check "cli production-style rucio.cfg + X509_CERT_DIR + X509_USER_PROXY" production_style cli
check "lib production-style rucio.cfg + X509_CERT_DIR + X509_USER_PROXY" production_style lib
start_silent_listener
check "cli silent server: timeout" no_answer cli "$silent_url" 2
check "lib silent server: timeout" no_answer lib "$silent_url" 2
{ kill "$listener_pid" && wait "$listener_pid"; } 2>/dev/null
listener_pid=

check "lib keep-alive: one connection for the login and 5 calls" lib_keep_alive
check "lib port without files" lib_no_files
check "cli no secrets in -v -v (userpass)" secrets_userpass cli
check "lib no secrets in verbose log (userpass)" secrets_userpass lib
check "cli no secrets in -v -v (x509)" secrets_x509 cli
check "lib no secrets in verbose log (x509)" secrets_x509 lib

# Last: the server goes away.
"$harness/stop.sh" "$work" >/dev/null 2>&1
check "cli server stopped" no_answer cli "$url" 5
check "lib server stopped" no_answer lib "$url" 5

t_end=$EPOCHREALTIME
awk -v p="$passed" -v f="$failed" -v a="$t_begin" -v b="$t_started" -v c="$t_end" 'BEGIN {
    printf "e2e: %d passed, %d failed in %.1f s (server start %.1f s, checks %.1f s)\n",
           p, f, c - a, b - a, c - b }'
[ "$failed" = 0 ] || { echo "e2e: logs in $work (server.log, requests.log, checks/)"; exit 1; }
