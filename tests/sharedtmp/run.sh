#!/bin/sh
# Shared /tmp suite (issue 8, defect 2): another user of a shared /tmp
# plants names at the victim's token cache and bearer token paths first.
#
#   tests/sharedtmp/run.sh <builddir>
#
# As root: throw-away users rl_victim and rl_attacker (made once with
# useradd, left in place), a sticky world-writable directory standing in
# for /tmp (passed as TMPDIR), and a tiny plain-HTTP Rucio stand-in on
# 127.0.0.1 (server.py) that records every X-Rucio-Auth-Token it receives.
# The attacker plants (setpriv to its uid) a FIFO, a symbolic link to a
# victim-only file, a directory with its own token, directories open to
# others, and bearer-token FIFOs and links; then the victim runs the real
# CLI (<builddir>/rucio-lite, copied where it can execute it). Asserted:
# every command ends within -T + 2 s, the planted token and the victim-only
# file's first line are never sent, nothing of the victim's is written
# through a planted directory, directories made under umask 000 are 0700,
# and a clean run still caches and reuses its token.
# Not root: SKIP lines and exit 0. One PASS/FAIL line per check.
set -eu

build=${1:?usage: run.sh <builddir>}

skip_all() {
    echo "SKIP  sharedtmp: $1"
    echo "sharedtmp: 0 passed, 0 failed"
    exit 0
}

[ "$(id -u)" -eq 0 ] || skip_all "not root: cannot create the two users"

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
timeout_s=3
bound_ms=$(((timeout_s + 2) * 1000))
kill_after=15 # a hanging command is killed here (and fails the bound)
victim=rl_victim
attacker=rl_attacker
password=pw-victim-1
secret_line='victim-only-secret-line'   # first line of a victim-only file
secret_token='victim-only-secret-token' # the whole of another one

passed=0
failed=0

pass() {
    echo "PASS  sharedtmp: $1"
    passed=$((passed + 1))
}

# fail NAME [FILE...]: the files are shown, indented, to say why.
fail() {
    echo "FAIL  sharedtmp: $1"
    failed=$((failed + 1))
    shift
    for f in "$@"; do
        [ -f "$f" ] && sed 's/^/        /' "$f"
    done
    return 0
}

finish() {
    echo "sharedtmp: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

for tool in useradd setpriv timeout python3; do
    command -v "$tool" >/dev/null 2>&1 || skip_all "$tool is missing"
done
[ -x "$build/rucio-lite" ] || {
    echo "FAIL  sharedtmp: $build/rucio-lite missing (make BUILD=... all)"
    echo "sharedtmp: 0 passed, 1 failed"
    exit 1
}

# ---- users, directories, server ---------------------------------------------

ensure_user() {
    id -u "$1" >/dev/null 2>&1 ||
        useradd --no-create-home --user-group --shell /usr/sbin/nologin "$1"
}
ensure_user "$victim"
ensure_user "$attacker"
vuid=$(id -u "$victim")
vgid=$(id -g "$victim")
auid=$(id -u "$attacker")
agid=$(id -g "$attacker")

base=$(mktemp -d /tmp/rl-sharedtmp.XXXXXX)
chmod 0755 "$base"
shared=$base/tmp          # the stand-in for /tmp
home=$base/victim         # the victim's own files
out=$base/out             # command output, root only
mkdir "$base/bin" "$home" "$out"
chmod 0700 "$out"
cp "$build/rucio-lite" "$base/bin/rucio-lite"
chmod 0755 "$base/bin" "$base/bin/rucio-lite"
printf '%s\nsecond line\n' "$secret_line" >"$home/secret"
printf '%s\n' "$secret_token" >"$home/secret-token"
chown "$victim:$victim" "$home" "$home/secret" "$home/secret-token"
chmod 0700 "$home"
chmod 0600 "$home/secret" "$home/secret-token"

real_bt=/tmp/bt_u$vuid    # the /tmp-style discovery path
own_real_bt=0
server_pid=""

cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    [ "$own_real_bt" -eq 0 ] || rm -f "$real_bt"
    [ -n "${KEEP_SHAREDTMP:-}" ] || rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log=$base/server.log
: >"$log"
python3 "$here/server.py" --port-file "$base/port" --log "$log" \
    --username victim --password "$password" 2>"$base/server.err" &
server_pid=$!
tries=0
while [ ! -s "$base/port" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        fail "server did not start" "$base/server.err"
        finish
        exit 1
    fi
    sleep 0.1
done
port=$(cat "$base/port")

cat >"$home/rucio.cfg" <<EOF
[client]
rucio_host = http://127.0.0.1:$port
auth_host = http://127.0.0.1:$port
auth_type = userpass
username = victim
password = $password
account = victim
EOF
chown "$victim:$victim" "$home/rucio.cfg"
chmod 0600 "$home/rucio.cfg"

cache_user=$shared/$victim
cache_dir=$cache_user/.rucio_$victim
cache_file=$cache_dir/auth_token_for_account_victim

# A fresh stand-in for /tmp and an empty request log for each case.
reset_case() {
    rm -rf "$shared"
    mkdir "$shared"
    chmod 1777 "$shared"
    : >"$log"
}

# as_attacker CMD...: run a shell command line as the attacker, umask 000
# so that what it makes is open unless it says otherwise.
as_attacker() {
    setpriv --reuid="$auid" --regid="$agid" --clear-groups \
        sh -c "umask 000; $1"
}

# run_victim NAME UMASK "ENV=... ..." CLI-ARGS...: the real CLI as the
# victim with a clean environment; sets rc and ms (elapsed). The extra
# environment is split on spaces (the paths here have none).
run_victim() {
    name=$1
    mask=$2
    extra=$3
    shift 3
    start=$(date +%s%N)
    rc=0
    # shellcheck disable=SC2086,SC2016 # extra: NAME=value words; $0 and
    # $@ belong to the inner sh
    timeout -s KILL "$kill_after" \
        setpriv --reuid="$vuid" --regid="$vgid" --clear-groups \
        env -i PATH=/usr/bin:/bin HOME="$home" LOGNAME="$victim" \
        USER="$victim" TMPDIR="$shared" RUCIO_CONFIG="$home/rucio.cfg" \
        $extra \
        sh -c 'umask "$0"; exec "$@"' "$mask" \
        "$base/bin/rucio-lite" -T "$timeout_s" "$@" \
        >"$out/$name.out" 2>"$out/$name.err" </dev/null || rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
}

# ---- checks ------------------------------------------------------------------

check_time() {
    if [ "$ms" -le "$bound_ms" ]; then
        pass "$1: ends within -T + 2 s ($ms ms)"
    else
        fail "$1: took $ms ms (bound $bound_ms ms; killed at ${kill_after} s)" \
            "$out/$1.err"
    fi
}

check_rc() {
    if [ "$rc" -eq "$2" ]; then
        pass "$1: exit $2"
    else
        fail "$1: exit $rc, expected $2" "$out/$1.out" "$out/$1.err"
    fi
}

# never_sent NAME TEXT WHAT: TEXT never reached the server.
never_sent() {
    if grep -qF -- "$2" "$log"; then
        fail "$1: $3 was sent to the server" "$log"
    else
        pass "$1: $3 never sent"
    fi
}

# stderr_has NAME TEXT
stderr_has() {
    if grep -qF -- "$2" "$out/$1.err"; then
        pass "$1: stderr says '$2'"
    else
        fail "$1: stderr lacks '$2'" "$out/$1.err"
    fi
}

# account_is NAME ACCOUNT: whoami printed this account.
account_is() {
    if grep -Eq "^account +: $2\$" "$out/$1.out"; then
        pass "$1: acts as account $2"
    else
        fail "$1: not acting as account $2" "$out/$1.out" "$out/$1.err"
    fi
}

# same_entries NAME DIR EXPECTED: the names in DIR, sorted, on one line.
same_entries() {
    got=$(find "$2" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null |
        sort | tr '\n' ' ')
    if [ "$got" = "$3" ]; then
        pass "$1: nothing written into the planted ${2#"$shared"/}"
    else
        fail "$1: ${2#"$shared"/} holds '$got', expected '$3'"
    fi
}

mode_owner_is() {
    got=$(stat -c '%a %U' "$2" 2>/dev/null || echo missing)
    if [ "$got" = "$3" ]; then
        pass "$1: ${2#"$shared"/} is $3"
    else
        fail "$1: ${2#"$shared"/} is $got, expected $3"
    fi
}

# ---- a clean run: cache written under umask 000, then reused ------------------

reset_case
run_victim clean-first 000 "" whoami
check_time clean-first
check_rc clean-first 0
account_is clean-first victim
mode_owner_is clean-first "$cache_user" "700 $victim"
mode_owner_is clean-first "$cache_dir" "700 $victim"
mode_owner_is clean-first "$cache_file" "600 $victim"
if [ "$(cat "$cache_file" 2>/dev/null)" = victim-tok-1 ]; then
    pass "clean-first: the issued token is cached"
else
    fail "clean-first: cache does not hold the issued token" "$log"
fi
run_victim clean-again 022 "" whoami
check_rc clean-again 0
if [ "$(grep -c '^/auth/userpass ' "$log")" -eq 1 ] &&
    grep -q '^/accounts/whoami victim-tok-1 ' "$log" &&
    [ "$(grep -c '^/accounts/whoami victim-tok-1 ' "$log")" -eq 2 ]; then
    pass "clean-again: the cached token is reused, no new authentication"
else
    fail "clean-again: cached token not reused" "$log"
fi

# ---- the token cache ---------------------------------------------------------

reset_case
as_attacker "mkdir -p '$cache_dir' && mkfifo '$cache_file'"
run_victim fifo 022 "" whoami
check_time fifo
check_rc fifo 0
stderr_has fifo "token cache not used"
if [ -p "$cache_file" ]; then
    pass "fifo: the planted FIFO is left alone"
else
    fail "fifo: the planted FIFO was replaced"
fi
same_entries fifo "$cache_dir" "auth_token_for_account_victim "

reset_case
as_attacker "mkdir -p '$cache_dir' && ln -s '$home/secret' '$cache_file'"
run_victim symlink 022 "" whoami
check_time symlink
check_rc symlink 0
never_sent symlink "$secret_line" "the victim-only file's first line"
stderr_has symlink "token cache not used"

reset_case
as_attacker "umask 022; mkdir -p '$cache_dir' &&
    printf attacker-own-token >'$cache_file'"
run_victim planted-token 022 "" whoami
check_time planted-token
check_rc planted-token 0
never_sent planted-token attacker-own-token "the attacker's token"
account_is planted-token victim
if [ "$(cat "$cache_file")" = attacker-own-token ]; then
    pass "planted-token: the victim's token is not written into it"
else
    fail "planted-token: the planted file was changed"
fi

reset_case
as_attacker "mkdir '$cache_user'"
run_victim empty-dir 022 "" whoami
check_time empty-dir
check_rc empty-dir 0
same_entries empty-dir "$cache_user" ""
stderr_has empty-dir "is owned by another user"

# <tmp>/<user> as a symbolic link into the victim's own files.
reset_case
as_attacker "ln -s '$home' '$cache_user'"
run_victim symlinked-dir 022 "" whoami
check_time symlinked-dir
check_rc symlinked-dir 0
if [ -e "$home/.rucio_$victim" ]; then
    fail "symlinked-dir: the cache was made through the planted link"
else
    pass "symlinked-dir: nothing made through the planted link"
fi
stderr_has symlinked-dir "is a symbolic link"

# The victim's own directories, left open to others (say by an older
# client under umask 000): an attacker could swap what is inside.
reset_case
mkdir -p "$cache_dir"
chown "$victim:$victim" "$cache_user" "$cache_dir"
chmod 0777 "$cache_user" "$cache_dir"
run_victim open-dirs 022 "" whoami
check_time open-dirs
check_rc open-dirs 0
same_entries open-dirs "$cache_dir" ""
stderr_has open-dirs "is writable by group or others"

# ---- bearer tokens (auth type oidc) -------------------------------------------

reset_case
as_attacker "mkfifo '$shared/bt-fifo'"
run_victim bearer-fifo 022 "BEARER_TOKEN_FILE=$shared/bt-fifo" -S oidc whoami
check_time bearer-fifo
check_rc bearer-fifo 3
stderr_has bearer-fifo "BEARER_TOKEN_FILE"

reset_case
as_attacker "mkdir '$shared/adir' && ln -s '$home/secret-token' '$shared/adir/bt'"
run_victim bearer-symlink 022 "BEARER_TOKEN_FILE=$shared/adir/bt" -S oidc whoami
check_time bearer-symlink
check_rc bearer-symlink 3
never_sent bearer-symlink "$secret_token" "the victim-only file"
stderr_has bearer-symlink "symbolic link"

reset_case
as_attacker "printf attacker-own-token >'$shared/bt-other'"
run_victim bearer-other 022 "BEARER_TOKEN_FILE=$shared/bt-other" -S oidc whoami
check_rc bearer-other 3
never_sent bearer-other attacker-own-token "the attacker's token"

if [ -e "$real_bt" ] || [ -L "$real_bt" ]; then
    echo "SKIP  sharedtmp: $real_bt exists already; /tmp discovery not checked"
else
    # Discovery: a FIFO at $XDG_RUNTIME_DIR/bt_u<uid> is skipped with a
    # warning and the victim's own /tmp/bt_u<uid> is used.
    own_real_bt=1
    reset_case
    as_attacker "mkdir '$shared/xdg' && mkfifo '$shared/xdg/bt_u$vuid'"
    printf 'victim-bearer-token\n' >"$real_bt"
    chown "$victim:$victim" "$real_bt"
    chmod 0600 "$real_bt"
    run_victim discovery 022 "XDG_RUNTIME_DIR=$shared/xdg" -S oidc whoami
    check_time discovery
    check_rc discovery 0
    account_is discovery victim
    stderr_has discovery "skipped"

    rm -f "$real_bt"
    reset_case
    as_attacker "mkfifo '$real_bt'"
    run_victim tmp-bt-fifo 022 "" -S oidc whoami
    check_time tmp-bt-fifo
    check_rc tmp-bt-fifo 3

    rm -f "$real_bt"
    reset_case
    as_attacker "ln -s '$home/secret-token' '$real_bt'"
    run_victim tmp-bt-symlink 022 "" -S oidc whoami
    check_time tmp-bt-symlink
    check_rc tmp-bt-symlink 3
    never_sent tmp-bt-symlink "$secret_token" "the victim-only file"
    rm -f "$real_bt"
fi

finish
