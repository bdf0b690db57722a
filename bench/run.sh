#!/bin/bash
# The benchmark: install what is missing, build, measure, write the page.
# Usage: bench/run.sh <build> full|quick   (make bench, make bench-quick)
#
# full writes docs/benchmarks.md and docs/benchmarks.png; quick (a smoke
# test of the same harness, few runs) writes <build>/quick/benchmarks.md
# and its chart beside it, so that it never replaces the committed page.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:?usage: run.sh <build> full|quick}
mode=${2:?usage: run.sh <build> full|quick}
case $mode in full | quick) ;; *) echo "usage: run.sh <build> full|quick" >&2; exit 2 ;; esac
cd "$repo"
mkdir -p "$build"
build=$(cd "$build" && pwd)
t0=$SECONDS

"$here/deps.sh" "$build"
echo "bench: building into $build"
if ! make --no-print-directory BUILD="$build" CFLAGS=-Werror all bench-tools \
        >"$build/bench-build.log" 2>&1; then
    tail -n 30 "$build/bench-build.log" >&2
    echo "bench: build failed (see $build/bench-build.log)" >&2
    exit 1
fi

setup_s=$((SECONDS - t0))
/usr/bin/python3 "$here/bench.py" "$build" "$mode"
if [ "$mode" = full ]; then
    page=$repo/docs/benchmarks.md
else
    mkdir -p "$build/quick"
    page=$build/quick/benchmarks.md
fi
/usr/bin/python3 "$here/report.py" "$build/bench-results.json" "$page" "$setup_s"
echo "bench: wrote $page and ${page%.md}.png in $((SECONDS - t0)) s"
