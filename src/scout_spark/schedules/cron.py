"""Five-field Unix cron -> Quartz (Databricks) and EventBridge Scheduler `cron(...)` expressions.

Unix cron: minute hour day-of-month month day-of-week, day-of-week 0-7 with 0 and 7 Sunday.
Quartz adds a seconds field in front; EventBridge adds a year field at the end; both number
days 1-7 from Sunday, so days are written as names (SUN-SAT), which both read the same way.
Both also need `?` in day-of-month or day-of-week, so a Unix expression restricting both
(run when either matches) has no equivalent there and is rejected.
"""

from dataclasses import dataclass

from scout_spark.errors import ScoutError

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")


class CronError(ScoutError):
    """A cron expression that is not valid Unix cron, or that Quartz/EventBridge cannot express."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    first_name: int = 0  # value of names[0]


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, MONTHS, 1),
    _Field("day-of-week", 0, 7, DAYS, 0),
)


@dataclass(frozen=True)
class UnixCron:
    """A parsed Unix cron: each field as Quartz/EventBridge text, `*` where unrestricted."""

    minute: str
    hour: str
    day_of_month: str
    month: str
    day_of_week: str

    def quartz(self) -> str:
        """Quartz: seconds minutes hours day-of-month month day-of-week."""
        dom, dow = self._days()
        return f"0 {self.minute} {self.hour} {dom} {self.month} {dow}"

    def eventbridge(self) -> str:
        """EventBridge Scheduler: cron(minutes hours day-of-month month day-of-week year)."""
        dom, dow = self._days()
        return f"cron({self.minute} {self.hour} {dom} {self.month} {dow} *)"

    def _days(self) -> tuple[str, str]:
        if self.day_of_week == "*":
            return self.day_of_month, "?"
        return "?", self.day_of_week


def _value(text: str, spec: _Field) -> int:
    upper = text.upper()
    if upper in spec.names:
        return spec.names.index(upper) + spec.first_name
    if not text.isdigit():
        raise CronError(f"{spec.name} value '{text}' is not a number or name")
    value = int(text)
    if not spec.low <= value <= spec.high:
        raise CronError(f"{spec.name} value {value} is outside {spec.low}-{spec.high}")
    return value


def _item(item: str, spec: _Field) -> tuple[list[int], str | None]:
    """One comma item -> (its values, its text when it can stay as written)."""
    body, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if not step_text.isdigit() or int(step_text) < 1:
            raise CronError(f"{spec.name} step '{step_text}' must be a whole number >= 1")
        step = int(step_text)
    if body == "*":
        return list(range(spec.low, spec.high + 1, step)), f"{spec.low}/{step}" if slash else "*"
    start_text, dash, end_text = body.partition("-")
    if not start_text or (dash and not end_text):
        raise CronError(f"{spec.name} item '{item}' is not a value, range or */step")
    start = _value(start_text, spec)
    end = _value(end_text, spec) if dash else start
    if slash and not dash:
        raise CronError(f"{spec.name} item '{item}': a step needs * or a range before it")
    if end < start:
        raise CronError(f"{spec.name} range '{body}' runs backwards")
    values = list(range(start, end + 1, step))
    if slash:
        return values, None  # a stepped range is written out as a list
    return values, f"{start}-{end}" if dash else str(start)


def _field(text: str, spec: _Field) -> tuple[set[int], str]:
    values: set[int] = set()
    parts: list[str] = []
    for item in text.split(","):
        item_values, item_text = _item(item, spec)
        values.update(item_values)
        parts.append(item_text if item_text is not None else ",".join(map(str, item_values)))
    return values, ",".join(parts)


def _day_names(days: set[int]) -> str:
    """Days 0-6 (0 Sunday) as names, runs of three or more as ranges: MON-FRI, SUN,SAT."""
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        f"{DAYS[r[0]]}-{DAYS[r[-1]]}" if len(r) >= 3 else ",".join(DAYS[d] for d in r) for r in runs
    )


def parse_unix_cron(expression: str) -> UnixCron:
    """Parse a five-field Unix cron; raise CronError saying what is wrong."""
    fields = expression.split()
    if len(fields) != 5:
        raise CronError(
            f"'{expression}' has {len(fields)} fields; expected 5: {' '.join(FIELD_NAMES)}"
        )
    texts = [
        _field(text, spec)[1] if text != "*" else "*"
        for text, spec in zip(fields, _FIELDS, strict=True)
    ]
    if fields[4] != "*":
        days = {d % 7 for d in _field(fields[4], _FIELDS[4])[0]}  # 7 is Sunday too
        texts[4] = _day_names(days)
        if fields[2] != "*":
            raise CronError(
                f"'{expression}' restricts both day-of-month and day-of-week (Unix cron runs "
                "when either matches); Quartz and EventBridge cannot express that: keep one '*'"
            )
    return UnixCron(*texts)


def to_quartz(expression: str) -> str:
    """'30 2 * * 1-5' -> '0 30 2 ? * MON-FRI' (Databricks quartz_cron_expression)."""
    return parse_unix_cron(expression).quartz()


def to_eventbridge(expression: str) -> str:
    """'30 2 * * 1-5' -> 'cron(30 2 ? * MON-FRI *)' (EventBridge Scheduler ScheduleExpression)."""
    return parse_unix_cron(expression).eventbridge()
