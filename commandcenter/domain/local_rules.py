"""The local rules the whole tree works to, kept by the top center's administrators: how big a
grid should be (the sizing rule) and how often each special group is visited."""

from __future__ import annotations

from dataclasses import dataclass

from commandcenter.domain.codes import SizingRule
from commandcenter.domain.enums import SpecialGroup


@dataclass(frozen=True)
class VisitInterval:
    group: SpecialGroup
    days: int


@dataclass(frozen=True)
class LocalRules:
    sizing: SizingRule
    visits: tuple[VisitInterval, ...]  # every special group, in SpecialGroup's order
