#!/usr/bin/env bash
# The test command: set-up, local services, lint, then the whole suite.
#   scripts/test.sh [pytest args]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
bash scripts/services.sh start
.venv/bin/ruff check src lab tests jobs scripts
exec .venv/bin/pytest "$@"
