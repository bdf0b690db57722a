#!/bin/sh
# The library's boundary: every global symbol it defines is either
# declared in a public header (include/rucio/*.h) or carries the internal
# prefix rl_, so a user sees only the API and nothing internal can clash
# with their own rucio_* names. Objects given after the library (the
# CLI's) must use no internal symbol: they see what any caller sees.
#   tools/check-symbols.sh librucio.a [object.o...]
lib=${1:?usage: check-symbols.sh librucio.a [object.o...]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
public=$(mktemp)
trap 'rm -f "$public"' EXIT
# Every identifier followed by "(" in the public headers: the functions
# they declare (a wider net than needed, which cannot hide a stray one).
cat "$here"/include/rucio/*.h | grep -o '\brucio_[a-z0-9_]*[[:space:]]*(' |
    sed 's/[[:space:]]*($//' | sort -u >"$public"
stray=$(nm -g --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u |
    grep -v '^rl_' | comm -23 - "$public")
if [ -n "$stray" ]; then
    echo "FAIL  symbol check: $lib defines symbols neither public nor rl_:" $stray
    exit 1
fi
echo "PASS  symbol check: $lib defines only public symbols and rl_ internals"
[ $# -gt 0 ] || exit 0
inside=$(nm -u "$@" | awk '$2 ~ /^rl_/ {print $2}' | sort -u)
if [ -n "$inside" ]; then
    echo "FAIL  symbol check: objects use internal symbols:" $inside
    exit 1
fi
echo "PASS  symbol check: the CLI uses the public API only ($# objects)"
