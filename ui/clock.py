"""The console's "now": the core's Beijing wall-clock time (``commandcenter.clock``), kept
behind one name so the widgets and a test can share it."""

from __future__ import annotations

from commandcenter.clock import now

__all__ = ["now"]
