"""Command line: `scout-generate-sample-data --dest DIR|s3://bucket/prefix [options]`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from scout_lab.sample.config import (
    FAULTS,
    FORMATS,
    LAYOUTS,
    SampleConfig,
    parse_faults,
    parse_formats,
)
from scout_lab.sample.generator import generate
from scout_lab.sample.storage import DestinationError


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the generator."""
    p = argparse.ArgumentParser(
        prog="scout-generate-sample-data",
        description="Write Scout sample source data (transactions, items, customers, stores) "
        "with optional, countable faults, plus _manifest.json. S3 credentials come from "
        "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN only.",
    )
    p.add_argument("--dest", required=True, help="folder, file:// URI or s3://bucket/prefix")
    p.add_argument("--s3-endpoint", help="S3-compatible endpoint, e.g. http://127.0.0.1:9000")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--start-date", type=dt.date.fromisoformat, default=dt.date(2024, 1, 1))
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--transactions-per-day", type=int, default=1000, help="mean over the days")
    p.add_argument("--stores", type=int, default=50)
    p.add_argument("--customers", type=int, default=2000)
    p.add_argument("--layout", choices=LAYOUTS, default="date_folders")
    p.add_argument(
        "--format",
        default="parquet",
        help=f"one of {', '.join(FORMATS)} for all datasets, or dataset=format,... "
        "(e.g. transactions=parquet,items=csv; unnamed datasets stay parquet)",
    )
    p.add_argument(
        "--faults", default="none", help=f"all, none, or a comma list of: {', '.join(FAULTS)}"
    )
    p.add_argument("--fault-count", type=int, default=5, help="rows or lines per fault")
    p.add_argument("--with-incremental", action="store_true", help="add an hourly-only day")
    p.add_argument("--with-archive", action="store_true", help="add archive/YYYY/transactions")
    p.add_argument("--archive-days", type=int, default=7)
    p.add_argument("--max-rows-per-file", type=int, default=1_000_000, help="hive part size")
    p.add_argument("--id-cap", type=int, default=1000, help="ids listed per fault in manifest")
    p.add_argument(
        "--overwrite", action="store_true", help="replace an earlier output (has _manifest.json)"
    )
    return p


def config_from_args(args: argparse.Namespace) -> SampleConfig:
    """Validated configuration from parsed arguments."""
    return SampleConfig(
        dest=args.dest,
        seed=args.seed,
        start_date=args.start_date,
        days=args.days,
        transactions_per_day=args.transactions_per_day,
        stores=args.stores,
        customers=args.customers,
        layout=args.layout,
        formats=parse_formats(args.format),
        faults=parse_faults(args.faults),
        fault_count=args.fault_count,
        with_incremental=args.with_incremental,
        with_archive=args.with_archive,
        archive_days=args.archive_days,
        max_rows_per_file=args.max_rows_per_file,
        s3_endpoint=args.s3_endpoint,
        id_cap=args.id_cap,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the generator; 0 on success, 2 on bad options or an unusable destination."""
    args = build_parser().parse_args(argv)
    try:
        cfg = config_from_args(args)
        started = time.monotonic()
        manifest = generate(cfg, overwrite=args.overwrite)
    except (ValueError, DestinationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for fault, missing in manifest["fault_shortfall"].items():
        print(
            f"warning: {fault}: {missing} planned unit(s) found no transaction left; "
            "raise --transactions-per-day or lower --fault-count",
            file=sys.stderr,
        )
    rows = ", ".join(f"{k}={v}" for k, v in manifest["rows"].items())
    elapsed = time.monotonic() - started
    print(f"wrote {len(manifest['files'])} files to {cfg.dest} in {elapsed:.1f}s: {rows}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
