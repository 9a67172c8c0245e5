"""Silver stage options: one mode per run, contradictions are one-line config errors."""

import pytest

from scout_spark.cli.args import base_parser
from scout_spark.errors import ConfigError
from scout_spark.pipelines.silver import add_arguments, run_mode
from scout_spark.stages import STAGES


def parse(*argv: str):  # type: ignore[no-untyped-def]
    parser = base_parser("silver", "test")
    add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.mark.parametrize(
    ("argv", "mode"),
    [
        ((), "incremental"),
        (("--full-refresh",), "full_refresh"),
        (("--from-date", "2024-03-01", "--to-date", "2024-03-02"), "date_range"),
        (("--from-date", "2024-03-01"), "date_range"),
        (("--replay-quarantine", "--quality-rules", "strict.yaml"), "replay"),
    ],
)
def test_run_mode_picks_the_requested_mode(argv: tuple[str, ...], mode: str) -> None:
    assert run_mode(parse(*argv)) == mode


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--full-refresh", "--replay-quarantine"),
            "--full-refresh and --replay-quarantine cannot",
        ),
        (("--full-refresh", "--to-date", "2024-03-01"), "--full-refresh and --from-date/--to-date"),
        (("--from-date", "2024-03-02", "--to-date", "2024-03-01"), "is after --to-date"),
    ],
)
def test_run_mode_rejects_contradictory_options(argv: tuple[str, ...], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        run_mode(parse(*argv))


def test_stages_registers_silver() -> None:
    assert STAGES["silver"].add_arguments is add_arguments
