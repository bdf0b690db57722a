#!/bin/sh
# Run the integration suites in order: tests/<suite>/run.sh <builddir>.
# Each suite starts and stops what it needs (TLS test server, the real
# Rucio server) and prints one PASS/FAIL line per check.
build=${1:?usage: run-suites.sh BUILD_DIR}
failed=""
for suite in tls e2e; do
    script="tests/$suite/run.sh"
    [ -x "$script" ] || { echo "FAIL  suite $suite: $script missing"; failed="$failed $suite"; continue; }
    echo "== suite $suite"
    start=$(date +%s)
    if "$script" "$build"; then
        echo "== suite $suite passed in $(( $(date +%s) - start )) s"
    else
        echo "== suite $suite FAILED after $(( $(date +%s) - start )) s"
        failed="$failed $suite"
    fi
done
[ -z "$failed" ] || { echo "failed suites:$failed"; exit 1; }
