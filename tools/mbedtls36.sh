#!/bin/sh
# Build mbedTLS 3.6 from Debian 13's source package: the mbedTLS of the
# default build (MBEDTLS=3.6; docs/testing.md, "mbedTLS versions").
#
#   tools/mbedtls36.sh <dir>            build into <dir>/mbedtls36
#   tools/mbedtls36.sh --source <dir>   only download the source package
#                                       into <dir>/mbedtls36/src and print
#                                       that folder (firmware/mbedtls-fw.sh)
#
# The Makefile runs it as `tools/mbedtls36.sh build` when build/mbedtls36
# is missing, for every BUILD folder at once. Everything goes to
# <dir>/mbedtls36/: src/ (what apt-get source downloads), tree/ (unpacked,
# Debian's patches applied, built in place), prefix/ (include/ and lib/
# with the three static libraries; prefix/.debian-version is written last
# and is make's stamp). Each step is skipped when its result is already
# there, so running it again costs nothing. A lock makes a second run (a
# parallel make in another BUILD folder) wait for the first. Apt is
# changed only as root; otherwise this says exactly what to run.
#
# mbedTLS's own default configuration is kept. Debian's rules switch on
# threading, CMAC, DTLS-SRTP and deprecation warnings; rucio-lite needs
# none of them (it has no threads of its own and uses neither CMAC nor
# DTLS), and the defaults are what a 3.6 user gets from upstream. What we
# do need (TLS 1.3, session tickets, PSA, file access) is checked below.
set -eu

only_source=0
if [ "${1:-}" = --source ]; then
    only_source=1
    shift
fi
build=${1:?usage: mbedtls36.sh [--source] <dir>}
mkdir -p "$build/mbedtls36"
build=$(cd "$build" && pwd)
top=$build/mbedtls36
src=$top/src
tree=$top/tree
prefix=$top/prefix
cc=${CC:-cc}
list=/etc/apt/sources.list.d/rucio-lite-trixie-src.sources
started=$(date +%s)

# A make that calls us passes its own variables (BUILD=, CFLAGS=) and its
# job server in the environment; mbedTLS's Makefile must see neither.
unset MAKEFLAGS MFLAGS MAKELEVEL

# Messages go to stderr in --source mode, whose stdout is the folder.
say() { echo "mbedtls36: $*" >&2; }
die() { echo "mbedtls36: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# What to do instead, after any failure to fetch or build.
alternatives() {
    echo "mbedtls36: or build against Debian's mbedTLS 2.28 instead:" \
        "make MBEDTLS=debian ... (needs libmbedtls-dev)" >&2
}

# One run at a time per folder: parallel makes in other BUILD folders
# share this one. flock is util-linux's (essential in Debian).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$top/.lock"
    if ! flock -n 9; then
        say "waiting for another run to finish ($top/.lock)"
        flock 9
    fi
fi

# ---- apt: the trixie deb-src entry -------------------------------------------

apt_knows_source() {
    apt-cache showsrc mbedtls 2>/dev/null | grep -q '^Version: 3\.6\.'
}

print_entry() {
    printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' \
        'Suites: trixie' 'Components: main' \
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
}

# Any deb-src line or stanza for trixie, in either sources format.
has_entry() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
        /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        grep -qE '^[[:space:]]*deb-src[[:space:]].*[[:space:]]trixie[[:space:]]' "$f" &&
            return 0
        grep -qE '^Types:.*deb-src' "$f" && grep -qE '^Suites:.*trixie' "$f" &&
            return 0
    done
    return 1
}

# Not root: the exact commands, then stop (make stops with us).
explain_apt() {
    {
        echo "mbedtls36: mbedTLS 3.6 is built from Debian 13's source package,"
        echo "mbedtls36: and apt cannot fetch it yet ($1). Run, as root:"
        echo
        if ! has_entry; then
            echo "    sudo tee $list <<'END'"
            print_entry
            echo "END"
        fi
        echo "    sudo apt-get update"
        echo
        echo "mbedtls36: then run make again."
    } >&2
    alternatives
    exit 1
}

add_entry() {
    say "adding $list"
    print_entry >"$list"
}

prepare_apt() {
    apt_knows_source && return 0
    if ! is_root; then
        if has_entry; then
            explain_apt "apt's package lists predate the trixie source entry"
        fi
        explain_apt "no deb-src entry for trixie"
    fi
    has_entry || add_entry
    say "apt-get update"
    apt-get update -qq || true
    apt_knows_source || {
        echo "mbedtls36: apt-get update did not bring the mbedtls 3.6 source (no network?)." >&2
        no_network_help
    }
}

# Without network: the three files of the source package can come from
# any machine that has the trixie deb-src entry.
no_network_help() {
    {
        echo "mbedtls36: fetch the source package where there is network:"
        echo "    apt-get source --download-only mbedtls/trixie"
        echo "mbedtls36: and copy its three files (mbedtls_3.6.*.dsc, .orig.tar.*,"
        echo "mbedtls36: .debian.tar.*) into $src/, then run make again."
    } >&2
    alternatives
    exit 1
}

# ---- download -------------------------------------------------------------------

download() {
    ls "$src"/mbedtls_3.6.*.dsc >/dev/null 2>&1 && return 0
    prepare_apt
    say "downloading the mbedtls/trixie source package into $src"
    rm -rf "$src.tmp"
    mkdir -p "$src.tmp"
    # As root apt would try to drop to its _apt user, who cannot write
    # here, and warn before downloading as root anyway; say so up front.
    sandbox=
    is_root && sandbox="-o APT::Sandbox::User=root"
    # shellcheck disable=SC2086 # sandbox is empty or two words
    if ! (cd "$src.tmp" && apt-get source --download-only -qq $sandbox mbedtls/trixie); then
        rm -rf "$src.tmp"
        echo "mbedtls36: apt-get source failed (no network?)." >&2
        no_network_help
    fi
    rm -rf "$src"
    mv "$src.tmp" "$src"
}

# ---- unpack ----------------------------------------------------------------------

dsc_file() {
    ls "$src"/mbedtls_3.6.*.dsc | head -n 1
}

# The Debian version from the .dsc, 3.6.6-0.1~deb13u1.
debian_version() {
    sed -n 's/^Version: //p' "$(dsc_file)" | head -n 1
}

# dpkg-source is in dpkg-dev; only root may install it.
have_dpkg_source() {
    command -v dpkg-source >/dev/null 2>&1 && return 0
    is_root || return 1
    say "installing dpkg-dev (for dpkg-source)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends dpkg-dev >/dev/null
}

# Without dpkg-source: check the tarballs against the .dsc, unpack the
# orig tarball, put debian/ into it and apply debian/patches/series.
unpack_by_hand() {
    out=$1
    (cd "$src" && sed -n '/^Checksums-Sha256:/,/^[^ ]/s/^ \([0-9a-f]\{64\}\) [0-9]* \(.*\)$/\1  \2/p' \
        "$(basename "$(dsc_file)")" | sha256sum -c --quiet -) ||
        die "the downloaded files do not match the .dsc"
    command -v patch >/dev/null 2>&1 ||
        die "need dpkg-source or patch: run 'sudo apt-get install dpkg-dev', then make again"
    mkdir -p "$out"
    tar -xf "$(ls "$src"/mbedtls_*.orig.tar.*)" -C "$out" --strip-components=1
    tar -xf "$(ls "$src"/mbedtls_*.debian.tar.*)" -C "$out"
    [ -f "$out/debian/patches/series" ] || return 0
    # series: one patch a line, optionally followed by a -pN option.
    sed -e 's/#.*//' "$out/debian/patches/series" | while read -r name opt; do
        [ -n "$name" ] || continue
        patch -d "$out" -s -N --no-backup-if-mismatch "${opt:--p1}" \
            <"$out/debian/patches/$name" ||
            die "cannot apply debian/patches/$name"
    done
}

unpack() {
    [ -f "$tree/library/Makefile" ] && return 0
    say "unpacking $(basename "$(dsc_file)")"
    rm -rf "$tree" "$tree.tmp"
    if have_dpkg_source; then
        # It checks the checksums; the signature it can only warn about
        # without debian-keyring, and apt has already checked the files
        # against the archive's signed index. Its chatter goes to a log.
        dpkg-source --no-copy -x "$(dsc_file)" "$tree.tmp" >"$top/unpack.log" 2>&1 ||
            { cat "$top/unpack.log" >&2; die "dpkg-source -x failed"; }
    else
        say "no dpkg-source: tar and patch"
        unpack_by_hand "$tree.tmp"
    fi
    mv "$tree.tmp" "$tree"
}

# ---- build and install -------------------------------------------------------------

jobs() {
    nproc 2>/dev/null || echo 1
}

build_libraries() {
    say "building the static libraries (-O2, $(jobs) jobs)"
    make -C "$tree" -j"$(jobs)" -s CC="$cc" CFLAGS=-O2 lib >"$top/build.log" 2>&1 ||
        { tail -n 30 "$top/build.log" >&2; die "build failed (log: $top/build.log)"; }
}

# mbedTLS's own install target also builds its programs; only headers and
# libraries are needed. cp -p keeps header times, so that our objects are
# not rebuilt when nothing changed.
install_libraries() {
    rm -rf "$prefix"
    mkdir -p "$prefix/include" "$prefix/lib"
    cp -Rp "$tree/include/mbedtls" "$tree/include/psa" "$prefix/include/"
    cp -p "$tree/library/libmbedtls.a" "$tree/library/libmbedx509.a" \
        "$tree/library/libmbedcrypto.a" "$prefix/lib/"
}

# The options rucio-lite relies on, as the headers resolve them (the
# config plus build_info.h's adjustments).
check_config() {
    printf '%s\n' '#include <mbedtls/build_info.h>' \
        '#if MBEDTLS_VERSION_NUMBER < 0x03060000' \
        '#error "not mbedTLS 3.6"' '#endif' \
        '#if !defined(MBEDTLS_SSL_PROTO_TLS1_3)' \
        '#error "MBEDTLS_SSL_PROTO_TLS1_3 is off"' '#endif' \
        '#if !defined(MBEDTLS_SSL_PROTO_TLS1_2)' \
        '#error "MBEDTLS_SSL_PROTO_TLS1_2 is off"' '#endif' \
        '#if !defined(MBEDTLS_SSL_SESSION_TICKETS)' \
        '#error "MBEDTLS_SSL_SESSION_TICKETS is off"' '#endif' \
        '#if !defined(MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED)' \
        '#error "TLS 1.3 resumption with (EC)DHE is off"' '#endif' \
        '#if !defined(MBEDTLS_PSA_CRYPTO_C)' \
        '#error "MBEDTLS_PSA_CRYPTO_C is off"' '#endif' \
        '#if !defined(MBEDTLS_FS_IO)' \
        '#error "MBEDTLS_FS_IO is off"' '#endif' \
        >"$top/config-check.c"
    "$cc" -I"$prefix/include" -E "$top/config-check.c" -o /dev/null ||
        die "the configuration lacks what rucio-lite needs (see above)"
    say "config: TLS 1.2 and 1.3, session tickets, PSA, file access"
}

# Linking a program also proves that the three libraries go together.
print_version() {
    printf '%s\n' '#include <stdio.h>' '#include <mbedtls/version.h>' \
        'int main(void)' '{' '    char v[18];' \
        '    mbedtls_version_get_string_full(v);' \
        '    puts(v);' '    return 0;' '}' >"$top/version.c"
    "$cc" -I"$prefix/include" "$top/version.c" "$prefix/lib/libmbedtls.a" \
        "$prefix/lib/libmbedx509.a" "$prefix/lib/libmbedcrypto.a" \
        -o "$top/version"
    say "$("$top/version") (Debian $(debian_version)) in $prefix" \
        "($(($(date +%s) - started)) s)"
}

download
if [ "$only_source" = 1 ]; then
    echo "$src"
    exit 0
fi
unpack
if [ "$(cat "$prefix/.debian-version" 2>/dev/null)" != "$(debian_version)" ]; then
    build_libraries
    install_libraries
    check_config
    print_version
    # Last: the stamp make waits for.
    debian_version >"$prefix/.debian-version"
else
    check_config
    print_version
fi
