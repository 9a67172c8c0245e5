"""How many baskets each day and hour: weekly rhythm, payday spikes, morning/evening peaks."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np

# Monday .. Sunday; Friday payday-eve and Saturday market day sell most.
WEEKDAY_FACTOR = np.array([0.94, 0.92, 0.95, 0.97, 1.06, 1.12, 1.04])
PAYDAY_FACTOR = 1.35
AFTER_PAYDAY_FACTOR = 1.12

# Share of a store type's baskets per Asia/Manila hour (0..23), before normalising.
HOURLY_PROFILE = {
    "sari_sari": [0.2, 0.1, 0.05, 0.05, 0.2, 1.5, 4, 6.5, 6, 4.5, 4, 4.5,
                  5, 4, 3.5, 4, 5, 7, 7.5, 6, 4.5, 3, 1.5, 0.6],
    "convenience": [1.5, 1, 0.8, 0.6, 0.8, 1.5, 3.5, 5.5, 5.5, 4, 3.8, 4.5,
                    5.5, 4.5, 3.8, 3.8, 4.5, 6, 6.5, 5.5, 4.5, 3.8, 3, 2.2],
    "grocery": [0, 0, 0, 0, 0, 0.1, 0.8, 3, 5, 6, 6.5, 7,
                6.5, 6, 5.5, 5.5, 6.5, 7.5, 7.5, 6, 4, 1.5, 0.2, 0],
}  # fmt: skip
PAYDAY_EVENING_BOOST = 1.3  # 17:00-20:59 on paydays


def is_payday(day: dt.date) -> bool:
    """The 15th and the 30th (the last day in February) are paydays."""
    month_end = calendar.monthrange(day.year, day.month)[1]
    return day.day in (15, min(30, month_end))


def day_factor(day: dt.date, seed: int) -> float:
    """Relative basket volume of a day: weekday x payday x a little deterministic noise."""
    factor = WEEKDAY_FACTOR[day.weekday()]
    if is_payday(day):
        factor *= PAYDAY_FACTOR
    elif is_payday(day - dt.timedelta(days=1)):
        factor *= AFTER_PAYDAY_FACTOR
    noise = np.random.default_rng([seed, day.toordinal(), 7]).lognormal(0.0, 0.04)
    return float(factor * noise)


def daily_counts(days: list[dt.date], per_day: int, seed: int) -> np.ndarray:
    """Baskets per day, shaped by `day_factor`, summing to exactly len(days) * per_day."""
    factors = np.array([day_factor(d, seed) for d in days])
    raw = factors / factors.sum() * per_day * len(days)
    counts = np.floor(raw).astype(np.int64)
    remainder = per_day * len(days) - int(counts.sum())
    counts[np.argsort(-(raw - counts), kind="stable")[:remainder]] += 1
    return counts


def extra_day_count(day: dt.date, per_day: int, seed: int, reference: list[dt.date]) -> int:
    """Baskets for a day outside the main range (archive, in-progress day), same scale."""
    mean = np.mean([day_factor(d, seed) for d in reference])
    return max(1, round(per_day * day_factor(day, seed) / mean))


def hour_weights(store_type: str, day: dt.date) -> np.ndarray:
    """Normalised share of baskets per Asia/Manila hour for a store type on a day."""
    w = np.array(HOURLY_PROFILE[store_type], dtype=float)
    if is_payday(day):
        w[17:21] *= PAYDAY_EVENING_BOOST
    return w / w.sum()
