"""CLI: python -m scout_lab.services start|stop|status|env [s3|postgres|connect]."""

from __future__ import annotations

import argparse
import sys

from scout_lab.services import env_file_path, start_all, status, stop_all
from scout_spark.errors import ScoutError

EXIT_NOT_RUNNING = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scout_lab.services",
        description="Local services on 127.0.0.1: a moto S3 endpoint, a private PostgreSQL, "
        "a Spark Connect server.",
    )
    parser.add_argument("command", choices=["start", "stop", "status", "env"])
    parser.add_argument(
        "services",
        nargs="*",
        metavar="s3|postgres|connect",
        help="default: s3 and postgres (status: and connect once started; stop: all)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit 0 on success, 3 when a service is not running, 1 on errors."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "env":
            path = env_file_path()
            print(path)
            if not path.is_file():
                print("services.env is absent: run `scripts/services.sh start`", file=sys.stderr)
                return EXIT_NOT_RUNNING
            return 0
        action = {"start": start_all, "stop": stop_all, "status": status}[args.command]
        results = action(args.services or None)
    except ScoutError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for result in results.values():
        print(result.describe())
    if args.command == "status" and not all(r.is_running for r in results.values()):
        return EXIT_NOT_RUNNING
    return 0


if __name__ == "__main__":
    sys.exit(main())
