"""scout-schedules: render conf/pipelines.yaml into EMR and Databricks definitions.

Writes, per pipeline of an env with a target: emr/<name>.steps.json (AddJobFlowSteps),
emr/<name>.schedule.json (EventBridge Scheduler CreateSchedule) and
databricks/<name>.job.json (Jobs API jobs/create); prints one line per file written.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scout_spark.config.model import ENVS
from scout_spark.errors import ScoutError
from scout_spark.schedules import databricks, emr
from scout_spark.schedules.loader import load_schedules, pipelines_file
from scout_spark.schedules.model import Schedules

EXIT_OK, EXIT_USAGE = 0, 2


def render(schedules: Schedules, env: str | None = None) -> dict[str, dict[str, Any]]:
    """Relative file name -> request body, for every pipeline of `env` (all envs when None)."""
    files: dict[str, dict[str, Any]] = {}
    for pipeline in schedules.for_env(env):
        target = schedules.targets.get(pipeline.env)
        if target is None:
            continue  # local pipelines run on a laptop, not on a platform
        if target.emr:
            files[f"emr/{pipeline.name}.steps.json"] = emr.add_steps_request(pipeline, target.emr)
            files[f"emr/{pipeline.name}.schedule.json"] = emr.schedule_request(
                pipeline, target.emr, schedules.timezone
            )
        if target.databricks:
            files[f"databricks/{pipeline.name}.job.json"] = databricks.job_request(
                pipeline, target.databricks, schedules.timezone
            )
    return files


def write(files: dict[str, dict[str, Any]], out: Path) -> list[Path]:
    """Write each body as indented JSON under `out`; return the paths written."""
    written = []
    for name, body in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Render and write the definitions; exit 2 with one line on a bad pipelines file."""
    parser = argparse.ArgumentParser(prog="scout-schedules", description=__doc__)
    parser.add_argument("--pipelines", type=Path, default=None, help="default: conf/pipelines.yaml")
    parser.add_argument("--env", choices=ENVS, default=None, help="render one env only")
    parser.add_argument("--out", type=Path, default=Path("build/schedules"))
    args = parser.parse_args(argv)
    try:
        schedules = load_schedules(args.pipelines or pipelines_file())
        paths = write(render(schedules, args.env), args.out)
    except ScoutError as exc:
        print(f"scout-schedules: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for path in paths:
        print(path)
    return EXIT_OK
