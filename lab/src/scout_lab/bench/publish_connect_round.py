"""One publish over a Spark Connect server, in a process of its own, for the publish
benchmark: PySpark refuses a Connect session in a process holding a classic one (and one
made anyway would switch the whole process's functions to Connect's). Prints the publish's
(end to end, load path, commit) seconds as JSON.

    python -m scout_lab.bench.publish_connect_round --remote sc://HOST:PORT [--set KEY=VALUE]
"""

import argparse
import json

from scout_lab.bench.publish_throughput import timed_publish
from scout_spark.config import load_config
from scout_spark.publish.binary_copy import ITERATOR
from scout_spark.session import build_spark_session


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--remote", required=True, help="sc://host:port")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args(argv)
    config = load_config("local", overrides=[*args.overrides, f"spark.remote={args.remote}"])
    spark = build_spark_session(config)
    print(json.dumps(timed_publish(spark, config, ITERATOR)), flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
