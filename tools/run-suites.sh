#!/bin/sh
# Run the integration suites: tests/<suite>/run.sh <builddir> for every
# suite folder that has one (tls and e2e first, then the rest by name).
# Each suite starts and stops what it needs and prints one PASS/FAIL line
# per check. SUITES="a b" runs only those.
build=${1:?usage: run-suites.sh BUILD_DIR}
if [ -z "${SUITES:-}" ]; then
    SUITES="tls e2e"
    for d in tests/*/run.sh; do
        s=$(basename "$(dirname "$d")")
        case " $SUITES " in *" $s "*) ;; *) SUITES="$SUITES $s" ;; esac
    done
fi
failed=""
for suite in $SUITES; do
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
