#!/bin/bash
# Stop the storage servers of <workdir>: TERM to their process group, KILL
# after 10 s. Idempotent; succeeds when nothing runs.
# Usage: stop.sh <workdir>
set -euo pipefail

work=${1:?usage: stop.sh <workdir>}
exec "$(dirname "$0")/../tools/stop-group.sh" "$work/storage.pid" supervise.sh \
    "storage servers"
