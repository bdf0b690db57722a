#!/bin/bash
# Create or update the Python venv with the pinned Rucio server.
# Usage: venv.sh [VENV_DIR]   (default <repo>/.venv)
# Quiet unless it fails; fast when the stamp matches requirements.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
venv=${1:-$(cd "$here/../.." && pwd)/.venv}
req=$here/requirements.txt
stamp=$venv/.rucio-server-requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)

[ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && exit 0

# Debian's interpreter, not whatever python3 comes first on PATH.
python=/usr/bin/python3
[ -x "$python" ] || python=python3

mkdir -p "$venv"
# Serialise concurrent callers (e.g. two test suites starting at once).
exec 9>"$venv/.setup.lock"
flock 9
[ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && exit 0

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"; } >"$log" 2>&1 ||
   ! "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req" >>"$log" 2>&1; then
    echo "venv.sh: could not set up $venv:" >&2
    cat "$log" >&2
    exit 1
fi
echo "$want" > "$stamp"
