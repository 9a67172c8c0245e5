"""Publishes over a Spark Connect server from a process of its own, for the publish
benchmark: PySpark refuses a Connect session in a process holding a classic one (and one
made anyway would switch the whole process's functions to Connect's).

One client session serves every round, as one classic session serves the classic rounds:
it prints `ready` once its session is up, then each line read on stdin starts one publish
whose (end to end, load path, commit) seconds it prints as a JSON line; the end of input
ends the session.

    python -m scout_lab.bench.publish_connect_round --remote sc://HOST:PORT [--set KEY=VALUE]
"""

import argparse
import json
import sys

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
    print("ready", flush=True)
    for _ in sys.stdin:
        print(json.dumps(timed_publish(spark, config, ITERATOR)), flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
