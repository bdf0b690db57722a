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

# A caller that drops the status of a fallible call is warned, for each of
# the functions marked RUCIO_NODISCARD in the installed headers (each is
# called with as many zeros as it has parameters).
python3 - "$work"/prefix/include/rucio/*.h >"$work/drop.c" <<'PY'
import re, sys
text = "".join(open(h).read() for h in sys.argv[1:])
print('#include "rucio/rucio.h"\nvoid drop(void);\nvoid drop(void)\n{')
for name, params in re.findall(r"RUCIO_NODISCARD\s+rucio_status (rucio_\w+)\(([^)]*)\)", text):
    print(f"    {name}({', '.join(['0'] * len(params.split(',')))});")
print("}")
PY
calls=$(sed -n 's/^    \(rucio_[a-z0-9_]*\)(.*/\1/p' "$work/drop.c")
# shellcheck disable=SC2046
cc -c -Wunused-result $(pkg-config --cflags rucio) -o "$work/drop.o" \
    "$work/drop.c" 2>"$work/drop.log" || true
missing=""
for f in $calls; do
    grep -q "ignoring return value of.*$f" "$work/drop.log" || missing="$missing $f"
done
if [ -z "$calls" ] || [ -n "$missing" ]; then
    echo "FAIL  an ignored status does not warn for:${missing:- (no function marked)}"
    exit 1
fi
echo "PASS  ignoring the status of any of the $(echo "$calls" | wc -w) fallible calls warns"
