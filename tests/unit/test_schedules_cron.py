"""Unix cron -> Quartz (Databricks) and EventBridge Scheduler cron conversion."""

import pytest

from scout_spark.schedules.cron import CronError, to_eventbridge, to_quartz

# unix, quartz, eventbridge
CONVERSIONS = [
    ("30 2 * * *", "0 30 2 * * ?", "cron(30 2 * * ? *)"),
    ("*/15 * * * *", "0 0/15 * * * ?", "cron(0/15 * * * ? *)"),
    ("0 */6 * * *", "0 0 0/6 * * ?", "cron(0 0/6 * * ? *)"),
    ("15 6-22 * * *", "0 15 6-22 * * ?", "cron(15 6-22 * * ? *)"),
    ("0-30/10 8 * * *", "0 0,10,20,30 8 * * ?", "cron(0,10,20,30 8 * * ? *)"),
    ("0 2 * * 1-5", "0 0 2 ? * MON-FRI", "cron(0 2 ? * MON-FRI *)"),
    ("0 2 * * MON-FRI", "0 0 2 ? * MON-FRI", "cron(0 2 ? * MON-FRI *)"),
    ("0 9 * * 0", "0 0 9 ? * SUN", "cron(0 9 ? * SUN *)"),
    ("0 9 * * 7", "0 0 9 ? * SUN", "cron(0 9 ? * SUN *)"),
    ("0 9 * * 5-7", "0 0 9 ? * SUN,FRI,SAT", "cron(0 9 ? * SUN,FRI,SAT *)"),
    ("0 3 * * sat,sun", "0 0 3 ? * SUN,SAT", "cron(0 3 ? * SUN,SAT *)"),
    ("0 3 * * */2", "0 0 3 ? * SUN,TUE,THU,SAT", "cron(0 3 ? * SUN,TUE,THU,SAT *)"),
    ("0 12 * * 1-7", "0 0 12 ? * SUN-SAT", "cron(0 12 ? * SUN-SAT *)"),
    ("0 0 * * 1,2,3", "0 0 0 ? * MON-WED", "cron(0 0 ? * MON-WED *)"),
    ("0 0 1 * *", "0 0 0 1 * ?", "cron(0 0 1 * ? *)"),
    ("0 0 */2 * *", "0 0 0 1/2 * ?", "cron(0 0 1/2 * ? *)"),
    ("0 6 1,15 JAN-MAR *", "0 0 6 1,15 1-3 ?", "cron(0 6 1,15 1-3 ? *)"),
    ("5 4 * dec *", "0 5 4 * 12 ?", "cron(5 4 * 12 ? *)"),
    ("0 0 * */3 *", "0 0 0 * 1/3 ?", "cron(0 0 * 1/3 ? *)"),
]

ERRORS = [
    ("0 2 * *", "has 4 fields; expected 5"),
    ("@daily", "has 1 fields; expected 5"),
    ("0 2 * * * *", "has 6 fields; expected 5"),
    ("0 2 1 * 1", "restricts both day-of-month and day-of-week"),
    ("0 2 1-7 * MON", "restricts both day-of-month and day-of-week"),
    ("60 2 * * *", "minute value 60 is outside 0-59"),
    ("0 24 * * *", "hour value 24 is outside 0-23"),
    ("0 2 0 * *", "day-of-month value 0 is outside 1-31"),
    ("0 2 * 13 *", "month value 13 is outside 1-12"),
    ("0 2 * * 8", "day-of-week value 8 is outside 0-7"),
    ("0 2 * * FOO", "day-of-week value 'FOO' is not a number or name"),
    ("JAN 2 * * *", "minute value 'JAN' is not a number or name"),
    ("0 2 ? * *", "day-of-month value '?' is not a number or name"),
    ("0 2 L * *", "day-of-month value 'L' is not a number or name"),
    ("0 2 * * 1#2", "day-of-week value '1#2' is not a number or name"),
    ("0 5-1 * * *", "hour range '5-1' runs backwards"),
    ("*/0 * * * *", "minute step '0' must be a whole number >= 1"),
    ("5/10 * * * *", "a step needs * or a range before it"),
    ("0,,5 2 * * *", "minute item '' is not a value, range or */step"),
    ("0 -3 * * *", "hour item '-3' is not a value, range or */step"),
]


@pytest.mark.parametrize(("unix", "quartz", "eventbridge"), CONVERSIONS)
def test_to_quartz_and_eventbridge_convert(unix: str, quartz: str, eventbridge: str) -> None:
    assert to_quartz(unix) == quartz
    assert to_eventbridge(unix) == eventbridge


@pytest.mark.parametrize(("unix", "message"), ERRORS)
def test_to_quartz_and_eventbridge_reject(unix: str, message: str) -> None:
    for convert in (to_quartz, to_eventbridge):
        with pytest.raises(CronError) as caught:
            convert(unix)
        assert message in str(caught.value)
        assert "\n" not in str(caught.value)


def test_to_quartz_puts_question_mark_in_exactly_one_day_field() -> None:
    for unix, quartz, _ in CONVERSIONS:
        day_of_month, day_of_week = quartz.split()[3], quartz.split()[5]
        assert [day_of_month, day_of_week].count("?") == 1, unix
