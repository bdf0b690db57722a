#!/bin/bash
# Stop the Rucio test server of <workdir>: TERM to its process group, KILL
# after 10 s. Idempotent; succeeds when nothing runs.
# Usage: stop.sh <workdir>
set -euo pipefail

work=${1:?usage: stop.sh <workdir>}
exec "$(dirname "$0")/../tools/stop-group.sh" "$work/server.pid" rucioserver.py \
    "Rucio server" "$work/port"
