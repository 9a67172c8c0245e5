#!/usr/bin/env bash
# The main command: set-up, local services, sample data, then the whole pipeline on the
# embedded local default (files under ./data, the private Postgres), showing the result.
# Extra arguments go to jobs/run_pipeline.py (e.g. --full-refresh, --to-stage gold).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
bash scripts/services.sh start
set -a; . data/services/services.env; set +a
if [ ! -f data/landing/_manifest.json ]; then
  .venv/bin/scout-generate-sample-data --dest data/landing --days 7 \
    --transactions-per-day 500 --faults all --with-incremental
fi
scripts/spark-submit jobs/doctor.py --env local
scripts/spark-submit jobs/run_pipeline.py --env local "$@"
echo
.venv/bin/scout-show --env local
