#!/usr/bin/env bash
# The test command (README, .ci/run): a fresh virtualenv with the project and its test extra, ruff,
# the Pulumi CLI (built from its Go module once, then cached), then the whole pytest suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

.venv/bin/ruff check .
.venv/bin/ruff format --check .

# The real engine: a `pulumi` on PATH is used as it is; otherwise build it (needs Go). In CI a failed
# build fails the run; elsewhere the engine tests skip and say how to get the CLI.
# Without Go (the script exits 3) the engine tests skip, saying how to get the CLI.
build_rc=0
cli_dir=$(OMNI_PULUMI_PYTHON="$PWD/.venv/bin/python" bash tools/build-pulumi-cli.sh) || build_rc=$?
if [[ $build_rc -eq 0 ]]; then
  export PATH="$cli_dir:$PATH"
elif [[ $build_rc -ne 3 && "${CI:-}" == "true" ]]; then
  echo "test.sh: building the Pulumi CLI failed (exit $build_rc)" >&2
  exit 1
fi

exec .venv/bin/python -m pytest "$@"
