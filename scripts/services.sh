#!/usr/bin/env bash
# Local services on 127.0.0.1 (moto S3 endpoint, private PostgreSQL).
# Usage: scripts/services.sh start|stop|status|env [s3|postgres]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# A relative SCOUT_STATE_DIR means relative to the caller's folder, not the repo root.
if [[ -n "${SCOUT_STATE_DIR:-}" && "${SCOUT_STATE_DIR}" != /* ]]; then
    export SCOUT_STATE_DIR="${PWD}/${SCOUT_STATE_DIR}"
fi
cd "${root}"
if [[ ! -x .venv/bin/python ]]; then
    echo "error: ${root}/.venv is missing: run scripts/setup.sh" >&2
    exit 1
fi
exec .venv/bin/python -m scout_spark.services "$@"
