#!/bin/sh
# The README's C example compiles as it stands against an installed copy
# of the library (make install into a temporary prefix, pkg-config), and
# when nothing is configured it fails with a clear error, not silently.
# Usage: tools/check-readme-example.sh <builddir>
# EXAMPLE_CFLAGS: extra flags (a sanitizer build's, to link its library).
set -eu
build=$(cd "${1:?usage: check-readme-example.sh BUILD_DIR}" && pwd)
work=$build/readme-example
rm -rf "$work"
mkdir -p "$work/home"
make --no-print-directory -s BUILD="$build" install PREFIX="$work/prefix" >/dev/null
awk '/^```c$/ { grab = 1; next } /^```$/ { grab = 0 } grab' README.md >"$work/example.c"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
# shellcheck disable=SC2086
if ! cc -Wall -Werror ${EXAMPLE_CFLAGS:-} -o "$work/example" "$work/example.c" \
        $(pkg-config --cflags --libs --static rucio) 2>"$work/cc.log"; then
    cat "$work/cc.log"
    echo "FAIL  README example does not compile with pkg-config"
    exit 1
fi
set +e
env -i HOME="$work/home" PATH=/usr/bin:/bin "$work/example" >"$work/out" 2>"$work/err"
rc=$?
set -e
if [ "$rc" -ne 0 ] && grep -q '^ConfigNotFound: ' "$work/err"; then
    echo "PASS  README example compiles with pkg-config and, unconfigured, says: $(head -c 60 "$work/err")..."
else
    echo "FAIL  README example unconfigured: exit $rc, stderr: $(cat "$work/err")"
    exit 1
fi
