"""The console's first start on one machine: the default database is made and filled with the
demo district, so ``make run`` shows a working center at once.

Only the console's own SQLite file in the user data folder is filled; any other empty database
(a fresh server named with ``--db``) is refused with ``DatabaseIsEmpty``, whose message says how
to fill it. ``run.py`` hands ``open_center`` to the console (the console itself never imports
the demo generator).
"""

from __future__ import annotations

from collections.abc import Callable

from commandcenter.backend import LocalCenter
from commandcenter.config import is_default_database
from commandcenter.errors import DatabaseIsEmpty


def open_center(
    url: str,
    on_filling: Callable[[], None] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> LocalCenter:
    """Open (and migrate) the database; fill the default one with the demo when empty.
    ``on_filling()`` is called before the (long) generation, ``progress`` during it — both
    from the caller's worker thread."""
    center = LocalCenter.open(url)
    if center.is_empty():
        from commandcenter.demo.generator import DEFAULT_SEED, generate_demo  # the first start

        if not is_default_database(url):
            center.close()
            raise DatabaseIsEmpty(center.display_url)
        if on_filling is not None:
            on_filling()
        generate_demo(center.database, seed=DEFAULT_SEED, progress=progress)
    return center
