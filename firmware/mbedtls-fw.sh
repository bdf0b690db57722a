#!/bin/sh
# Build mbedTLS for the Cortex-M4 firmware from Debian 13's source package
# (mbedTLS 3.6 LTS) with rucio-lite's client-only configuration
# (firmware/mbedtls_config_fw.h).
#
#   firmware/mbedtls-fw.sh <outdir> <config.h> [extra CFLAGS...]
#
# The source package is the one the host build uses: tools/mbedtls36.sh
# downloads it once into build/mbedtls36/src (the trixie deb-src entry,
# and what to do without it, are handled there); a <outdir>/src/ from an
# earlier run is still used.
# <outdir>/tree/  unpacked with Debian's patches applied; built in place
# <outdir>/lib/   libmbedtls.a libmbedx509.a libmbedcrypto.a
# <outdir>/include/  the headers (mbedtls/, psa/)
# Each step is skipped when its result is there; the libraries are rebuilt
# when the configuration file or the flags change (a stamp records them).
set -eu

out=${1:?usage: mbedtls-fw.sh <outdir> <config.h> [cflags...]}
config=${2:?usage: mbedtls-fw.sh <outdir> <config.h> [cflags...]}
shift 2
mkdir -p "$out"
out=$(cd "$out" && pwd)
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
repo=$(cd "$(dirname "$0")/.." && pwd)
src=$out/src
tree=$out/tree
cross=${CROSS:-arm-none-eabi-}

unset MAKEFLAGS MFLAGS MAKELEVEL

say() { echo "fw-mbedtls: $*"; }
die() { echo "fw-mbedtls: $*" >&2; exit 1; }

# The shared download (tools/mbedtls36.sh --source prints its folder).
download() {
    ls "$src"/mbedtls_3.6.*.dsc >/dev/null 2>&1 && return 0
    src=$("$repo/tools/mbedtls36.sh" --source "$repo/build") ||
        die "no mbedTLS 3.6 source package (see above)"
}

unpack() {
    [ -f "$tree/library/Makefile" ] && return 0
    command -v dpkg-source >/dev/null 2>&1 ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
    say "unpacking $(basename "$(ls "$src"/mbedtls_3.6.*.dsc)")"
    rm -rf "$tree" "$tree.tmp"
    dpkg-source --no-copy -x "$(ls "$src"/mbedtls_3.6.*.dsc)" "$tree.tmp" >"$out/unpack.log" 2>&1 ||
        { cat "$out/unpack.log" >&2; die "dpkg-source -x failed"; }
    mv "$tree.tmp" "$tree"
}

# -Os for the M4, every function in its own section so --gc-sections drops
# what the firmware does not call; the configuration as MBEDTLS_CONFIG_FILE
# (single-quoted: mbedTLS's Makefile passes CFLAGS through its shell).
cflags() {
    printf '%s ' -Os -g -mcpu=cortex-m4 -mthumb -mfloat-abi=soft \
        -ffunction-sections -fdata-sections \
        "-I$(dirname "$config")" "'-DMBEDTLS_CONFIG_FILE=\"$(basename "$config")\"'" "$@"
}

build() {
    flags=$(cflags "$@")
    stamp="$(sha256sum "$config" | cut -c1-64) $flags"
    if [ -f "$out/lib/libmbedcrypto.a" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
        # Same contents: only tell make that the libraries are current.
        if [ -n "$(find "$config" -newer "$out/stamp")" ]; then touch "$out/stamp"; fi
        return 0
    fi
    say "building for Cortex-M4 with $(basename "$config")"
    make -C "$tree/library" -s clean >/dev/null 2>&1 || true
    # shellcheck disable=SC2086 # flags is a word list
    nice make -C "$tree/library" -j"$(nproc)" -s CC="${cross}gcc" AR="${cross}ar" \
        CFLAGS="$flags" WARNING_CFLAGS="-Wall -Wextra" \
        libmbedcrypto.a libmbedx509.a libmbedtls.a >"$out/build.log" 2>&1 ||
        { tail -n 30 "$out/build.log" >&2; die "build failed (log: $out/build.log)"; }
    rm -rf "${out:?}/lib" "${out:?}/include"
    mkdir -p "$out/lib" "$out/include"
    cp -p "$tree/library/libmbedtls.a" "$tree/library/libmbedx509.a" \
        "$tree/library/libmbedcrypto.a" "$out/lib/"
    cp -Rp "$tree/include/mbedtls" "$tree/include/psa" "$out/include/"
    printf '%s\n' "$stamp" >"$out/stamp"
    sed -n 's/^Version: //p' "$(ls "$src"/mbedtls_3.6.*.dsc)" | head -n 1 >"$out/debian-version"
    say "mbedTLS $(cat "$out/debian-version") built into $out/lib"
}

download
unpack
build "$@"
