"""An empty Spark job: the session every job builds (same config, same jars), one trivial
action, stop. What a scheduled run costs before it does any work."""

import sys

from scout_spark.cli.args import base_parser
from scout_spark.config import load_config
from scout_spark.session import build_spark_session


def main(argv: list[str] | None = None) -> int:
    """spark-submit lab/src/scout_lab/bench/empty_job.py --env local [--set ...]"""
    args = base_parser("empty_job", __doc__ or "").parse_args(argv)
    spark = build_spark_session(load_config(args.env, args.config, args.overrides))
    try:
        spark.range(1).count()
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
