"""What an operation changed: the currency between the core's operations and the screens.

Every write of the core returns an :class:`Outcome`: its value (a new case's code, an import's
report …) and the :class:`Changes` it made, by kind and id. Screens update exactly those rows.
Cases are followed through their archive (every change of a case appends an entry); everything
else an operation changes is also written to the change log (``ChangeLogEntry``) in the same
transaction (``commandcenter.backend.transactions``), so other consoles learn of it from the feed
(``commandcenter.backend.feed``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class ChangeKind(StrEnum):
    GRID = "grid"  # boundaries, names, staff of grids (imports); figures follow the cases
    CAMERA = "camera"
    TOURS = "tours"  # the wall's tours of a center
    SETTINGS = "settings"  # calendar, time limits, warning share: how deadlines are judged
    ADMIN = "admin"  # units, centers, departments, staff, the list of matters: the tree again


@dataclass(frozen=True)
class Changes:
    """Ids of what changed, by kind (empty: nothing)."""

    cases: frozenset[int] = frozenset()
    grids: frozenset[int] = frozenset()
    cameras: frozenset[int] = frozenset()
    tours: bool = False
    settings: bool = False
    admin: bool = False

    @classmethod
    def of_cases(cls, ids: Iterable[int]) -> Changes:
        return cls(cases=frozenset(ids))

    def __bool__(self) -> bool:
        return bool(
            self.cases or self.grids or self.cameras or self.tours or self.settings or self.admin
        )

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.cases | other.cases,
            self.grids | other.grids,
            self.cameras | other.cameras,
            self.tours or other.tours,
            self.settings or other.settings,
            self.admin or other.admin,
        )


NO_CHANGES = Changes()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """An operation's answer and what it changed."""

    value: T
    changes: Changes = NO_CHANGES
