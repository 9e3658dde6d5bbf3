"""The measure a grid map is coloured by, and its classes.

A measure turns each grid's figures into a number (open cases, overdue cases, open cases per
1,000 residents); ``Classes`` cuts the numbers into a few ranges a legend can name. Zero is a
class of its own (a quiet grid must look quiet), the rest split at quantiles of the non-zero
values so colours stay telling whether a grid has 2 cases or 200. Grids without residents have
no per-1,000 figure: class -1, drawn as "no data".
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Classes", "Measure", "classify", "measure_values"]

MAX_CLASSES = 5  # zero plus four ranges


class Measure(enum.StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    PER_THOUSAND = "per_thousand"  # open cases per 1,000 residents

    @property
    def integral(self) -> bool:
        return self is not Measure.PER_THOUSAND


def measure_values(grids: Sequence, measure: Measure) -> np.ndarray:
    """One value per grid (objects with ``open_cases``, ``overdue_cases``, ``population``);
    NaN where the measure is undefined."""
    if measure is Measure.OPEN:
        return np.array([g.open_cases for g in grids], dtype=float)
    if measure is Measure.OVERDUE:
        return np.array([g.overdue_cases for g in grids], dtype=float)
    values = np.array(
        [g.open_cases * 1000.0 / g.population if g.population > 0 else math.nan for g in grids],
        dtype=float,
    )
    return values


def _round_down(value: float) -> float:
    """Two significant digits, rounded down: legend bounds people can read."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** (math.floor(math.log10(value)) - 1)
    return math.floor(value / magnitude) * magnitude


@dataclass(frozen=True)
class Classes:
    """Lower bounds of the classes: ``bounds[0]`` is 0 (the "none" class), then ascending
    positive bounds. Class k holds values in [bounds[k], bounds[k+1])."""

    bounds: tuple[float, ...]
    integral: bool

    @classmethod
    def of(cls, values: np.ndarray, integral: bool, classes: int = MAX_CLASSES) -> Classes:
        finite = values[np.isfinite(values)]
        positive = np.sort(finite[finite > 0])
        if len(positive) == 0:
            return cls((0.0,), integral)
        wanted = classes - 1
        if integral:
            distinct = np.unique(positive)
            if len(distinct) <= wanted:  # few values: one class each
                return cls((0.0, *(float(v) for v in distinct)), integral)
            quantiles = np.quantile(positive, np.linspace(0, 1, wanted + 1)[:-1], method="lower")
            lows = {float(max(1, int(q))) for q in quantiles}
            # Many equal values make quantiles coincide: fill up with evenly spread values.
            for value in distinct[np.linspace(0, len(distinct) - 1, wanted).astype(int)]:
                if len(lows) >= wanted:
                    break
                lows.add(float(value))
        else:
            quantiles = np.quantile(positive, np.linspace(0, 1, wanted + 1)[:-1], method="lower")
            lows = {_round_down(float(q)) for q in quantiles}
            lows = {low for low in lows if low > 0} or {float(positive[0])}
        return cls((0.0, *sorted(lows)), integral)

    def __len__(self) -> int:
        return len(self.bounds)

    def classify(self, values: np.ndarray) -> np.ndarray:
        """Class index per value; -1 for NaN (no data)."""
        values = np.asarray(values, dtype=float)
        result = np.searchsorted(np.asarray(self.bounds), values, side="right") - 1
        result = np.where(values > 0, np.maximum(result, 1 if len(self.bounds) > 1 else 0), 0)
        result[~np.isfinite(values)] = -1
        return result.astype(np.int64)

    def label(self, k: int) -> str:
        """The range of class k as a legend shows it: "0", "1", "2–3", "12+", "0.5–1.9"."""
        if k == 0:
            return "0"
        low = self.bounds[k]
        last = k == len(self.bounds) - 1
        if self.integral:
            high = None if last else int(self.bounds[k + 1]) - 1
            if high is None:
                return f"{int(low)}+"
            return str(int(low)) if high <= low else f"{int(low)}–{high}"
        text = _number(low)
        return f"{text}+" if last else f"{text}–{_number(self.bounds[k + 1])}"


def _number(value: float) -> str:
    return f"{value:.2g}" if value < 10 else f"{value:.0f}"


def classify(values: np.ndarray, measure: Measure) -> tuple[Classes, np.ndarray]:
    classes = Classes.of(values, measure.integral)
    return classes, classes.classify(values)
