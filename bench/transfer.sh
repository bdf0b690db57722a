#!/bin/bash
# Transfers through signed URLs (issue 9), against the test storage servers.
# Usage: bench/transfer.sh <build> full|quick|long
#   full   make bench-transfer: SIZE_MIB (default 256) MiB, RUNS (5) runs of
#          rucio-lite put/get and curl -T/-o; writes docs/benchmarks-transfer.md
#   quick  make bench-transfer-quick: 16 MiB, 2 runs; the page goes to
#          <build>/benchmarks-transfer.md (never replaces the committed one)
#   long   make test-long: 16 and LONG_SIZES_MIB (default 16,256) MiB put +
#          get, checksums compared to Python's, byte-identical, peak RSS
#          must not grow with the size; exit 1 on a failure
# Builds rucio-lite and bench/runstat into <build>, starts S3 and the GCS
# stand-in (tests/storage/start.sh, no Swift) in <build>/storage and stops
# them at the end. Needs `make storage-deps` (STORAGE_TOOLS).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=${1:?usage: transfer.sh <build> full|quick|long}
mode=${2:?usage: transfer.sh <build> full|quick|long}
case $mode in full | quick | long) ;; *) echo "usage: transfer.sh <build> full|quick|long" >&2; exit 2 ;; esac
cd "$repo"
mkdir -p "$build"
build=$(cd "$build" && pwd)

if ! make --no-print-directory BUILD="$build" CFLAGS=-Werror all "$build/bench/runstat" \
        >"$build/transfer-build.log" 2>&1; then
    tail -n 30 "$build/transfer-build.log" >&2
    echo "bench-transfer: build failed (see $build/transfer-build.log)" >&2
    exit 1
fi

storage=$build/storage
trap '"$repo/tests/storage/stop.sh" "$storage" >/dev/null 2>&1 || true' EXIT
STORAGE_SWIFT=0 STORAGE_WATCH_PID=$$ "$repo/tests/storage/start.sh" "$storage" \
    >"$build/storage-start.log" 2>&1 ||
    { cat "$build/storage-start.log" >&2; exit 1; }

case $mode in
full)
    /usr/bin/python3 "$here/transfer.py" "$build" "$storage/storage.env" bench \
        "${SIZE_MIB:-256}" "${RUNS:-5}" "$repo/docs/benchmarks-transfer.md" ;;
quick)
    /usr/bin/python3 "$here/transfer.py" "$build" "$storage/storage.env" bench \
        "${SIZE_MIB:-16}" "${RUNS:-2}" "$build/benchmarks-transfer.md" ;;
long)
    /usr/bin/python3 "$here/transfer.py" "$build" "$storage/storage.env" long \
        "${LONG_SIZES_MIB:-16,256}" ;;
esac
