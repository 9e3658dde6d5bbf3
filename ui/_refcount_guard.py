"""Guard against a reference-count bug of some PySide6 builds on CPython < 3.12.

PySide6 6.12.0 on Python 3.11 returns ``None`` from every void method (``QLabel.setText``,
``QPainter.drawRect`` …) without adding a reference, as if ``None`` were immortal (it is only
since Python 3.12, PEP 683). Each call takes one reference away; after a few thousand calls the
interpreter aborts with "Fatal Python error: none_dealloc" — a console would die within minutes.

``install()`` probes for the bug (a hundred calls of a void method) and, only when it is there,
gives ``None``, ``True`` and ``False`` a reference count so large that no session can use it
up, which is what Python 3.12 does by making them immortal. Nothing happens on Python >= 3.12
or with a PySide6 without the bug. The real fix is a PySide6 without the bug: see the project
report (pin PySide6-Essentials != 6.12.0 or use Python >= 3.12).
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

PROBE_CALLS = 100
HEADROOM = 1 << 40  # references added; a void call a microsecond would need 12 days per 1e12

_installed = False


def bug_present() -> bool:
    from PySide6.QtCore import QPointF

    point = QPointF()
    before = sys.getrefcount(None)
    for _ in range(PROBE_CALLS):
        point.setX(1.0)
    return before - sys.getrefcount(None) >= PROBE_CALLS // 2


def install() -> bool:
    """Apply the guard when needed; True when it was applied (now or before)."""
    global _installed
    if _installed:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not bug_present():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a CPython release build.
        ctypes.c_ssize_t.from_address(id(singleton)).value += HEADROOM
    _installed = True
    import PySide6

    log.warning(
        "PySide6 %s drops references to None on Python %d.%d; applied the work-around "
        "(use a PySide6 without this bug, e.g. != 6.12.0, or Python >= 3.12)",
        PySide6.__version__,
        *sys.version_info[:2],
    )
    return True
