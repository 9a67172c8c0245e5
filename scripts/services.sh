#!/usr/bin/env bash
# Local services on 127.0.0.1 (moto S3 endpoint, private PostgreSQL, Spark Connect server).
# Usage: scripts/services.sh start|stop|status|env [s3|postgres|connect]
# `start` alone starts s3 and postgres; `start connect` adds the Connect server
# (its address lands in services.env as SCOUT_SPARK_REMOTE, never as SPARK_REMOTE).
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
exec .venv/bin/python -m scout_lab.services "$@"
