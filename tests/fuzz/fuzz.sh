#!/bin/sh
# Run every libFuzzer target in DIR for SECONDS each, from its seed corpus.
#
#   tests/fuzz/fuzz.sh DIR SECONDS     (make fuzz / make fuzz-smoke)
#
# The seeds of tests/fuzz/corpus/<name>/ are copied into the work corpus
# DIR/work/<name>/ (kept between runs, never in the tree); anything found
# goes to DIR/artifacts/<name>/ and the run's log to DIR/logs/<name>.log.
# A crash, leak, UBSan report, timeout or out-of-memory fails the target.
# FUZZ_TARGETS="a b" runs only those targets; FUZZ_RUNS=N stops each
# after N executions (SECONDS still bounds it); FUZZ_MAX_LEN=N limits the
# input size. One target at a time, niced: the machine is shared.
set -eu

dir=${1:?usage: fuzz.sh DIR SECONDS}
seconds=${2:?usage: fuzz.sh DIR SECONDS}
src=$(cd "$(dirname "$0")" && pwd)

# Abort on the first report, with a stack, and never recover.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

targets=${FUZZ_TARGETS:-}
if [ -z "$targets" ]; then
    for bin in "$dir"/fuzz_*; do
        [ -x "$bin" ] || continue
        targets="$targets ${bin##*/fuzz_}"
    done
fi

passed=0
failed=0
for name in $targets; do
    bin="$dir/fuzz_$name"
    work="$dir/work/$name"
    artifacts="$dir/artifacts/$name"
    log="$dir/logs/$name.log"
    if [ ! -x "$bin" ]; then
        echo "FAIL fuzz_$name: $bin not built"
        failed=$((failed + 1))
        continue
    fi
    mkdir -p "$work" "$artifacts" "$dir/logs"
    if [ -d "$src/corpus/$name" ]; then
        cp -R "$src/corpus/$name/." "$work/"
    fi
    set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/"
    [ -f "$src/dict/$name.dict" ] && set -- "$@" -dict="$src/dict/$name.dict"
    [ -n "${FUZZ_RUNS:-}" ] && set -- "$@" -runs="$FUZZ_RUNS"
    [ -n "${FUZZ_MAX_LEN:-}" ] && set -- "$@" -max_len="$FUZZ_MAX_LEN"
    rc=0
    nice "$bin" "$@" "$work" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ] && [ -n "$execs" ] &&
        ! grep -q -e 'ERROR: ' -e 'runtime error:' "$log"; then
        echo "PASS fuzz_$name ($execs execs)"
        echo "fuzz_$name: $execs execs, $cov, $(date -u +%FT%TZ)" >>"$dir/logs/summary"
        passed=$((passed + 1))
    else
        why=$(grep -m 1 -e 'ERROR: ' -e 'runtime error:' -e 'invariant failed' "$log" || true)
        echo "FAIL fuzz_$name: exit $rc ${why:-(see $log)}; log $log"
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
