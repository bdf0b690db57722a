#!/bin/sh
# Run every unit test binary given; report each, fail if any failed.
failed=0
for t in "$@"; do
    if "$t" >"$t.log" 2>&1; then
        echo "PASS  $(basename "$t")  ($(grep -c '\[       OK \]' "$t.log") cases)"
    else
        echo "FAIL  $(basename "$t")  (log: $t.log)"
        tail -n 30 "$t.log"
        failed=1
    fi
done
exit $failed
