#!/bin/sh
# Install what the build and the tests need from Debian's packages, or,
# when not root, say exactly what to install. Quiet when nothing is missing.
set -e

missing=""
need() { missing="$missing $1"; }

command -v cc >/dev/null 2>&1 || need gcc
command -v make >/dev/null 2>&1 || need make
command -v clang >/dev/null 2>&1 || need clang
# mbedTLS: the default build compiles 3.6 from Debian 13's source package
# (tools/mbedtls36.sh: dpkg-source unpacks it); Debian's own 2.28 is
# MBEDTLS=debian and what `make test-mbedtls228` (CI) tests.
[ -f /usr/include/mbedtls/ssl.h ] || need libmbedtls-dev
command -v dpkg-source >/dev/null 2>&1 || need dpkg-dev
[ -f /usr/include/jsmn.h ] || need libjsmn-dev
[ -f /usr/include/cmocka.h ] || need libcmocka-dev
command -v openssl >/dev/null 2>&1 || need openssl
command -v ssh-keygen >/dev/null 2>&1 || need openssh-client
command -v pkg-config >/dev/null 2>&1 || need pkg-config
# tests/cli: the process image at exit is searched for the password.
command -v gdb >/dev/null 2>&1 || need gdb
# Standing gates: make test-valgrind, make analyze, make coverage.
command -v valgrind >/dev/null 2>&1 || need valgrind
command -v cppcheck >/dev/null 2>&1 || need cppcheck
command -v clang-tidy >/dev/null 2>&1 || need clang-tidy
command -v gcovr >/dev/null 2>&1 || need gcovr
# The firmware in QEMU (mk/firmware.mk): the Cortex-M4 toolchain with
# newlib-nano, and the emulator.
command -v arm-none-eabi-gcc >/dev/null 2>&1 || need gcc-arm-none-eabi
[ -d /usr/lib/arm-none-eabi/newlib ] || need libnewlib-arm-none-eabi
command -v qemu-system-arm >/dev/null 2>&1 || need qemu-system-arm
# make fuzz: libFuzzer and the sanitizer runtimes of Debian's clang (only
# recommended by clang, so --no-install-recommends leaves them out).
if command -v clang >/dev/null 2>&1; then
    rt=$(clang -print-resource-dir)/lib/linux
    [ -f "$rt/libclang_rt.fuzzer-x86_64.a" ] || [ -f "$rt/libclang_rt.fuzzer-$(uname -m).a" ] ||
        need "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
else
    need libclang-rt-14-dev
fi
# The test venv is made with Debian's interpreter (tests/rucio-server/venv.sh).
[ -x /usr/bin/python3 ] || need python3
/usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need python3-venv

[ -n "$missing" ] || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    exit 0
fi

echo "deps: missing Debian packages:$missing" >&2
echo "deps: install them with:  sudo apt-get install$missing" >&2
exit 1
