#!/bin/bash
# Install what the test storage servers need, if missing (idempotent):
#   Debian packages (as root): nginx, OpenStack Swift (proxy, account,
#     container, object servers + python3-swift), curl, openssl
#   crates.io: s3s-fs (pinned) into $STORAGE_TOOLS/bin, built with the
#     machine's Rust toolchain; cargo's downloads and build stay in
#     $STORAGE_TOOLS (CARGO_HOME, target dir removed after the build)
# Usage: install.sh        Environment: STORAGE_TOOLS (default <repo>/build/storage-tools)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tools=$(realpath -m "${STORAGE_TOOLS:-$repo/build/storage-tools}")
S3S_FS_VERSION=0.14.1   # 0.15+ needs rustc >= 1.96
S3S_FS_MIN_RUSTC=1.92
DEBS="nginx swift swift-proxy swift-account swift-container swift-object python3-swift curl openssl"

say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

install_debs() {
    local missing=() p
    for p in $DEBS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    if [ ${#missing[@]} = 0 ]; then
        say "Debian packages present: $DEBS"
        return
    fi
    [ "$(id -u)" = 0 ] || die "missing Debian packages (run as root): ${missing[*]}"
    say "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Package services are not started (no init system in the test boxes;
    # policy-rc.d would be needed elsewhere): the tests run their own.
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
        say "apt-get update"
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    }
}

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

install_s3s_fs() {
    local bin=$tools/bin/s3s-fs
    if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "s3s-fs $S3S_FS_VERSION" ]; then
        say "s3s-fs $S3S_FS_VERSION present in $tools/bin"
        return
    fi
    command -v cargo >/dev/null || die "cargo not found: s3s-fs needs Rust >= $S3S_FS_MIN_RUSTC"
    local rustc_version
    rustc_version=$(rustc --version | awk '{print $2}')
    version_ge "$rustc_version" "$S3S_FS_MIN_RUSTC" ||
        die "rustc $rustc_version is too old for s3s-fs $S3S_FS_VERSION (needs $S3S_FS_MIN_RUSTC)"
    mkdir -p "$tools"
    say "cargo install s3s-fs $S3S_FS_VERSION into $tools (a few minutes on 2 cores)"
    local start=$SECONDS
    # --locked: the crate's own Cargo.lock, so the same dependency versions
    # every time (it warns that spin 0.10.0 was yanked; harmless).
    CARGO_HOME=$tools/cargo-home CARGO_TARGET_DIR=$tools/cargo-target \
        nice cargo install s3s-fs --version "$S3S_FS_VERSION" --locked --features binary \
        --root "$tools" >"$tools/cargo-install.log" 2>&1 ||
        { tail -n 30 "$tools/cargo-install.log" >&2; die "cargo install s3s-fs failed"; }
    rm -rf "$tools/cargo-target"
    say "s3s-fs built in $((SECONDS - start)) s"
}

install_debs
install_s3s_fs
