#!/usr/bin/env bash
# The main job (README): install, then run the root program against the bundled emulator.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[emulator]'
if cli_dir=$(OMNI_PULUMI_PYTHON="$PWD/.venv/bin/python" bash tools/build-pulumi-cli.sh 2>/dev/null); then
  export PATH="$cli_dir:$PATH"
fi
exec .venv/bin/python scripts/demo.py
