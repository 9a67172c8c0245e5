"""Stage options: parsed by cli/, built and checked by each stage's frozen dataclass
before Spark starts; an unknown option is refused, not ignored."""

import argparse
import dataclasses
from datetime import date

import pytest

from scout_spark.cli import pipeline, runner
from scout_spark.cli.args import base_parser
from scout_spark.cli.rollback import parser as rollback_parser
from scout_spark.cli.runner import Invocation, invocation
from scout_spark.cli.stage_arguments import add_stage_arguments
from scout_spark.errors import ConfigError
from scout_spark.lake.as_of import NEEDS_FULL_REFRESH, AsOf
from scout_spark.stages import STAGES, stage_options


def _parser(stage: str) -> argparse.ArgumentParser:
    parser = base_parser(stage, "test")
    add_stage_arguments(stage, parser)
    return parser


def call(stage: str, *argv: str) -> Invocation:
    return invocation(STAGES[stage], _parser(stage).parse_args(list(argv)))


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_each_stage_has_frozen_options_whose_defaults_are_the_command_lines(stage: str) -> None:
    options_type = STAGES[stage].options
    assert dataclasses.is_dataclass(options_type)
    assert options_type.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert call(stage).options == options_type()


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_each_command_line_option_of_a_stage_is_a_field_of_its_options(stage: str) -> None:
    base = set(vars(base_parser(stage, "test").parse_args([])))
    own = set(vars(_parser(stage).parse_args([]))) - base
    assert own == {f.name for f in dataclasses.fields(STAGES[stage].options)}


@pytest.mark.parametrize(
    ("argv", "mode"),
    [
        ((), "incremental"),
        (("--full-refresh",), "full_refresh"),
        (("--from-date", "2024-03-01", "--to-date", "2024-03-02"), "date_range"),
        (("--replay-quarantine", "--quality-rules", "strict.yaml"), "replay"),
    ],
)
def test_silver_takes_the_one_mode_asked_for(argv: tuple[str, ...], mode: str) -> None:
    assert call("silver", *argv).options.mode == mode


@pytest.mark.parametrize(
    ("stage", "argv", "message"),
    [
        ("silver", ("--full-refresh", "--replay-quarantine"),
         "--full-refresh and --replay-quarantine cannot"),
        ("silver", ("--full-refresh", "--to-date", "2024-03-01"),
         "--full-refresh and --from-date/--to-date"),
        ("silver", ("--from-date", "2024-03-02", "--to-date", "2024-03-01"), "is after --to-date"),
        ("silver", ("--from-date", "2024-03-01"), "go together"),
        ("gold", ("--from-date", "2026-03-01"), "go together"),
        ("platinum", ("--to-date", "2026-03-01"), "go together"),
        ("gold", ("--from-date", "2026-03-02", "--to-date", "2026-03-01"), "is after"),
        ("gold", ("--full-refresh", "--from-date", "2026-03-01", "--to-date", "2026-03-01"),
         "every date"),
        ("bronze", ("--backfill-from", "2026-03-01"), "go together"),
        ("bronze", ("--backfill-from", "2026-03-02", "--backfill-to", "2026-03-01"), "is after"),
        ("gold", ("--as-of-version", "silver/transactions=3"), NEEDS_FULL_REFRESH),
        ("publish", ("--as-of-timestamp", "2026-03-01T00:00:00"), NEEDS_FULL_REFRESH),
    ],
)  # fmt: skip
def test_bad_combinations_are_one_line_config_errors(
    stage: str, argv: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("/", ".")):
        call(stage, *argv)


def test_gold_rebuilds_every_day_of_its_range() -> None:
    options = call("gold", "--from-date", "2026-02-27", "--to-date", "2026-03-02").options
    assert options.dates.days() == [
        date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2),
    ]  # fmt: skip
    assert call("gold").options.dates is None
    assert call("platinum", "--full-refresh").options.dates is None


def test_a_pinned_read_with_full_refresh_carries_its_pins() -> None:
    pinned = call("gold", "--full-refresh", "--as-of-version", "silver/transactions=3")
    assert pinned.as_of == AsOf({"silver/transactions": 3})
    assert call("bronze", "--as-of-version", "silver/transactions=3").options.dataset == "all"


def test_an_unknown_option_is_refused_not_ignored() -> None:
    with pytest.raises(ConfigError, match="gold: no option ful_refresh"):
        stage_options(STAGES["gold"], {"ful_refresh": True}, AsOf())


def test_a_bad_combination_exits_2_before_any_spark_session(monkeypatch) -> None:
    def no_session(config: object) -> None:
        raise AssertionError("a session was built")

    monkeypatch.setattr(runner, "build_spark_session", no_session)
    monkeypatch.setattr(pipeline, "build_spark_session", no_session)
    assert runner.main("gold", ["--from-date", "2026-03-01"]) == runner.EXIT_USAGE
    assert pipeline.main(["--as-of-version", "silver/items=1"]) == runner.EXIT_USAGE


def test_the_pipeline_hands_its_options_to_the_stages_that_take_them() -> None:
    shared = pipeline.parser().parse_args(["--full-refresh", "--fail-on-alert", "--run-id", "p9"])
    gold = pipeline.stage_call("gold", shared, "p9")
    monitor = pipeline.stage_call("monitor", shared, "p9")
    assert (gold.options.full_refresh, gold.run_id, gold.pipeline_run_id) == (True, "p9-gold", "p9")
    assert not hasattr(gold.options, "fail_on_alert")
    assert (monitor.options.fail_on_alert, monitor.run_id) == (True, "p9-monitor")


def test_jobs_rollback_hands_its_force_to_the_rollback_stage() -> None:
    args = rollback_parser().parse_args(["--run-id", "r1", "--force"])
    call = pipeline.stage_call("rollback", args, "own", target_run=args.run_id)
    assert (call.options.target_run, call.options.force) == ("r1", True)
    plain = rollback_parser().parse_args(["--run-id", "r1"])
    assert pipeline.stage_call("rollback", plain, "own", target_run="r1").options.force is False
