#!/usr/bin/env bash
# The main command: set-up, local services, then the pipeline on the embedded local
# default (files under ./data, the private Postgres), ending with what it produced.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
bash scripts/services.sh start
set -a; . data/services/services.env; set +a
scripts/spark-submit jobs/doctor.py --env local "$@"
