#!/bin/bash
# rucio-lite's command line against the genuine Rucio server
# (tests/rucio-server): Latin-1 user names and passwords accepted as the
# Python client's are, -v over TLS, trust-store hints on a verification
# failure, exit codes by class, global options after the command, ping
# with no credentials.
# Usage: tests/cli-e2e/run.sh <builddir>
#
# The server runs in <builddir>/cli-e2e-work (its own, so this suite may
# run beside tests/e2e); each check works in <builddir>/cli-e2e-work/
# checks/<name> with a token cache of its own. Prints "PASS <name>" or
# "FAIL <name>: <why>" per check and "cli-e2e: N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
harness=$repo/tests/rucio-server
build=${1:?usage: tests/cli-e2e/run.sh <builddir>}
build=$(cd "$build" && pwd) || exit 1
cli=$build/rucio-lite
work=$build/cli-e2e-work
venv=${RUCIO_TEST_VENV:-$repo/.venv}
python=$venv/bin/python
[ -x "$cli" ] || { echo "FAIL setup: $cli missing"; exit 1; }

unset RUCIO_CONFIG RUCIO_HOME RUCIO_ACCOUNT RUCIO_AUTH_TYPE RUCIO_VO \
      RUCIO_CLIENT_CERT RUCIO_CLIENT_KEY RUCIO_CLIENT_PROXY X509_USER_PROXY \
      X509_CERT_DIR BEARER_TOKEN BEARER_TOKEN_FILE XDG_RUNTIME_DIR \
      REQUESTS_CA_BUNDLE CURL_CA_BUNDLE VIRTUAL_ENV CONDA_PREFIX TEMP TMP

cleanup() {
    local rc=$?
    "$harness/stop.sh" "$work" >/dev/null 2>&1
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server exits with this script whatever happens.
export RUCIO_TEST_WATCH_PID=$$ RUCIO_TEST_VENV=$venv
if ! "$harness/start.sh" "$work" >"$build/cli-e2e-start.log" 2>&1; then
    echo "FAIL start server: $(tail -n 5 "$build/cli-e2e-start.log" | tr '\n' ' ')"
    echo "cli-e2e: 0 passed, 1 failed"
    exit 1
fi
# shellcheck source=/dev/null
. "$work/server.env"
reqlog=$RUCIO_TEST_REQUESTS_LOG
hostport=127.0.0.1:$RUCIO_TEST_PORT
export RUCIO_CONFIG=$RUCIO_TEST_CLIENT_CONFIG

# Two identities with Latin-1 characters, added as the harness adds its
# accounts (tests/cli-e2e/add_latin1_user.py, Rucio's gateway as root).
latin_pw='pässwörd£'
mueller_user='müller'
mueller_pw='ñandú-ß'
if ! env RUCIO_CONFIG="$RUCIO_TEST_SERVER_CONFIG" RUCIO_HOME="$work" \
        "$python" "$here/add_latin1_user.py" latin latin "$latin_pw" \
        >"$work/add-users.log" 2>&1 ||
   ! env RUCIO_CONFIG="$RUCIO_TEST_SERVER_CONFIG" RUCIO_HOME="$work" \
        "$python" "$here/add_latin1_user.py" mueller "$mueller_user" "$mueller_pw" \
        >>"$work/add-users.log" 2>&1; then
    echo "FAIL add Latin-1 identities: $(tail -n 3 "$work/add-users.log" | tr '\n' ' ')"
    echo "cli-e2e: 0 passed, 1 failed"
    exit 1
fi

passed=0
failed=0

# check NAME FUNCTION: FUNCTION runs in a subshell in its own directory
# with its own TMPDIR (token cache) and LOGNAME; fail() gives the reason.
check() {
    local name=$1 dir reason
    shift
    dir=$work/checks/${name//[^A-Za-z0-9_.-]/_}
    mkdir -p "$dir/tmp"
    if reason=$(cd "$dir" && export TMPDIR=$dir/tmp LOGNAME=clie2e &&
                "$@" 3>&1 >check.log 2>&1); then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name: ${reason:-failed} (see $dir)"
    fi
}

fail() {
    echo "$*" >&3
    exit 1
}

one_line() { head -c 300 "$1" 2>/dev/null | tr '\n' ' '; }

# run TAG COMMAND...: stdout in TAG.out, stderr in TAG.err, status in $rc.
run() {
    local tag=$1
    shift
    "$@" >"$tag.out" 2>"$tag.err"
    rc=$?
}

expect_rc() {
    [ "$rc" = "$1" ] ||
        fail "$2: exit $rc, expected $1; stderr: $(one_line "$2.err")"
}

expect_in() {
    grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(one_line "$1")"
}

expect_not_in() {
    ! grep -qF -- "$2" "$1" || fail "$1 contains ${3:-$2}"
}

password_file() {
    printf '%s\n' "$2" >"$1"
    chmod 600 "$1"
}

log_lines() { wc -l <"$reqlog"; }

# ---- Latin-1 credentials ----------------------------------------------------

latin_password_file() {
    local before
    password_file pw "$latin_pw"
    before=$(grep -c '^GET /auth/userpass 200' "$reqlog")
    run who "$cli" -a latin -u latin --password-file pw whoami
    expect_rc 0 who
    expect_in who.out "account      : latin"
    [ "$(grep -c '^GET /auth/userpass 200' "$reqlog")" = $((before + 1)) ] ||
        fail "no successful GET /auth/userpass"
}

latin_user_and_password_on_line() {
    run who "$cli" whoami -a mueller -u "$mueller_user" --password "$mueller_pw"
    expect_rc 0 who
    expect_in who.out "account      : mueller"
}

# The identity is right: the Python client logs in with the same text.
python_latin_password() {
    run who "$venv/bin/rucio" --account latin -u latin --password "$latin_pw" whoami
    expect_rc 0 who
    expect_in who.out latin
}

latin_wrong_password() {
    run who "$cli" -a latin -u latin --password 'passwörd£' whoami
    expect_rc 3 who
    expect_in who.err "CannotAuthenticate: "
}

outside_latin1_refused() {
    local before
    before=$(log_lines)
    run who "$cli" -a latin -u latin --password 'pässwörd€' whoami
    expect_rc 2 who
    expect_in who.err "InputValidationError: the password holds a character outside ISO-8859-1"
    [ "$(log_lines)" = "$before" ] || fail "requests were sent"
}

check "Latin-1 password from a file accepted by Rucio" latin_password_file
check "Latin-1 user name and --password after the command" latin_user_and_password_on_line
check "the Python client accepts the same Latin-1 password" python_latin_password
check "a wrong Latin-1 password is refused (exit 3)" latin_wrong_password
check "a password outside Latin-1 is refused unsent (exit 2)" outside_latin1_refused

# ---- -v -------------------------------------------------------------------------

verbose_whoami() {
    run who "$cli" -v whoami
    expect_rc 0 who
    expect_in who.err "config file: $RUCIO_TEST_CLIENT_CONFIG"
    expect_in who.err "auth type: userpass"
    expect_in who.err "account: root"
    expect_in who.err "trust store: the CA file $RUCIO_TEST_CA"
    expect_in who.err "GET https=1 $hostport/auth/userpass"
    expect_in who.err "GET https=1 $hostport/accounts/whoami"
    expect_in who.err "last response: HTTP 200"
    expect_not_in who.err "secret" "the password"
}

# A signed URL's query (the signature) never appears; nor a token.
verbose_signurl() {
    run sign "$cli" signurl --rse GCS-SITE --svc gcs --op read \
        https://storage.googleapis.com/bucket/file -v
    expect_rc 0 sign
    expect_in sign.err "$hostport/credentials/signurl?<query>"
    expect_not_in sign.err "Signature=" "the signature"
    expect_not_in sign.err "X-Goog" "the signature"
    expect_not_in sign.err "rse=GCS-SITE" "the query"
    run tok "$cli" token --show
    expect_not_in sign.err "$(sed -n 's/^token: //p' tok.out)" "the token"
}

verbose_failure() {
    password_file pw not-the-password
    run who "$cli" -v --password-file pw whoami
    expect_rc 3 who
    expect_in who.err "GET https=1 $hostport/auth/userpass"
    expect_in who.err "last response: HTTP 401"
    [ "$(tail -n 1 who.err | cut -c1-20)" = "CannotAuthenticate: " ] ||
        fail "the error is not the last line: $(tail -n 1 who.err)"
    expect_not_in who.err "not-the-password" "the password"
}

check "-v shows config file, auth type, account, requests, status" verbose_whoami
check "-v never shows a signed URL's query or a token" verbose_signurl
check "-v on a refused login shows the 401" verbose_failure

# ---- TLS verification failures name the trust store -------------------------

wrong_ca_file() {
    run ping "$cli" --ca-certificate /etc/ssl/certs/ca-certificates.crt ping
    expect_rc 5 ping
    expect_in ping.err "certificate verification failed"
    expect_in ping.err "checked against the CA file /etc/ssl/certs/ca-certificates.crt"
    expect_in ping.err "--ca-certificate"
    expect_in ping.err "X509_CERT_DIR"
}

default_bundle() {
    grep -v '^ca_cert' "$RUCIO_TEST_CLIENT_CONFIG" >rucio.cfg
    run ping "$cli" --config "$PWD/rucio.cfg" ping
    expect_rc 5 ping
    expect_in ping.err "checked against the default CA bundle"
}

check "verification failure names the CA file and how to change it" wrong_ca_file
check "verification failure names the default CA bundle" default_bundle

# ---- exit codes by class ------------------------------------------------------

exit_codes() {
    run a "$cli" -S gss whoami
    expect_rc 3 a
    expect_in a.err "CannotAuthenticate: "
    run b "$cli" signurl --rse NO-SUCH-RSE --svc gcs --op read https://storage.googleapis.com/b/f
    expect_rc 4 b
    expect_in b.err "RSENotFound: "
    run c "$cli" signurl --rse GCS-SITE --svc ftp --op read https://storage.googleapis.com/b/f
    expect_rc 2 c
    expect_in c.err "InputValidationError: "
    run d "$cli" -H http://127.0.0.1:9 --auth-host http://127.0.0.1:9 ping
    expect_rc 5 d
    expect_in d.err "connection refused"
    run e "$cli" --config "$PWD/missing.cfg" ping
    expect_rc 1 e
    run f "$cli" ping --frobnicate
    expect_rc 2 f
    expect_in f.err "unknown option '--frobnicate'"
}

check "exit codes follow the class" exit_codes

# ---- ping without credentials --------------------------------------------------

# A rucio.cfg with the hosts and the CA only: no auth type, no account, no
# credentials. ping works (the Python client refuses to start here); a
# call that needs a token says what is missing, before sending anything.
ping_without_credentials() {
    grep -E '^\[client\]|^rucio_host|^auth_host|^ca_cert' \
        "$RUCIO_TEST_CLIENT_CONFIG" >hosts.cfg
    before=$(log_lines)
    run ping "$cli" --config "$PWD/hosts.cfg" ping
    expect_rc 0 ping
    grep -qE '^[0-9]+\.[0-9]+' ping.out || fail "ping printed no version: $(one_line ping.out)"
    [ "$(log_lines)" = $((before + 1)) ] || fail "ping sent more than GET /ping"
    run who "$cli" --config "$PWD/hosts.cfg" whoami
    expect_rc 1 who
    expect_in who.err "MissingClientParameter: "
    expect_in who.err "auth_type"
    [ "$(log_lines)" = $((before + 1)) ] || fail "whoami without credentials sent a request"
}

check "ping with no credentials configured; whoami says what is missing" ping_without_credentials

echo "cli-e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
