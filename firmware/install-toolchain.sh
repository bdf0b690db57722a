#!/bin/sh
# Install the Cortex-M4 toolchain and emulator from Debian's packages:
# gcc-arm-none-eabi, libnewlib-arm-none-eabi (newlib and newlib-nano) and
# qemu-system-arm (the mps2-an386 board). Idempotent: installs only what
# is missing; as another user than root it says what to run instead.
set -eu

pkgs="gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
    echo "firmware: missing Debian packages:$missing" >&2
    echo "firmware: as root run: apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
echo "firmware: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
