"""Rings of numpy coordinates into one QPainterPath without a Python call per vertex.

The path is read from its QDataStream form, built as one numpy record array: a count, then per
point its element type (move-to at a ring's first point, line-to after) and x, y as doubles,
then the start of the current sub-path and the fill rule. The map imported pyqtgraph for its
``arrayToQPath`` alone, and pyqtgraph's import cost every console start 0.2 s.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, Qt
from PySide6.QtGui import QPainterPath

_ELEMENT = np.dtype([("kind", ">i4"), ("x", ">f8"), ("y", ">f8")])
_MOVE_TO, _LINE_TO = 0, 1  # QPainterPath.ElementType


def rings_path(
    x: np.ndarray,
    y: np.ndarray,
    ring_continues: np.ndarray,
    fill_rule: Qt.FillRule = Qt.FillRule.OddEvenFill,
) -> QPainterPath:
    """One path of rings: point i is joined to point i + 1 where ``ring_continues[i]`` is
    non-zero; at zero the ring ends there and the next point starts a new one. The arrays are
    of equal length; the points must be finite."""
    count = len(x)
    if count == 0:
        path = QPainterPath()
        path.setFillRule(fill_rule)
        return path
    elements = np.empty(count, dtype=_ELEMENT)
    starts = np.empty(count, dtype=bool)
    starts[0] = True
    starts[1:] = np.asarray(ring_continues[:-1]) == 0
    elements["kind"] = np.where(starts, _MOVE_TO, _LINE_TO)
    elements["x"] = x
    elements["y"] = y
    last_start = int(np.flatnonzero(starts)[-1])
    data = b"".join(
        (
            np.array([count], dtype=">i4").tobytes(),
            elements.tobytes(),
            np.array([last_start, fill_rule.value], dtype=">i4").tobytes(),
        )
    )
    path = QPainterPath()
    buffer = QByteArray(data)  # kept alive while the stream reads it
    stream = QDataStream(buffer, QIODevice.OpenModeFlag.ReadOnly)
    stream >> path
    return path
