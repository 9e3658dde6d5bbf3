"""ui.map.qpath.rings_path against pyqtgraph's arrayToQPath (what the map used before), and the
rings it makes as Qt sees them."""

import numpy as np
import pytest
from pyqtgraph.functions import arrayToQPath
from PySide6.QtCore import QPointF, Qt

from ui.map.qpath import rings_path


def elements(path):
    return [
        (path.elementAt(i).type, path.elementAt(i).x, path.elementAt(i).y)
        for i in range(path.elementCount())
    ]


@pytest.mark.parametrize("ends", [[999], [0, 9, 99, 500, 999], [3, 4, 5, 998, 999]])
def test_the_same_path_as_pyqtgraph_builds(qapp, ends):
    rng = np.random.default_rng(len(ends))
    x, y = rng.random(1000) * 500, rng.random(1000) * 500 - 250
    joined = np.ones(1000, dtype=np.int32)
    joined[ends] = 0
    ours = rings_path(x, y, joined)
    theirs = arrayToQPath(x, y, connect=joined, finiteCheck=False)
    assert ours.elementCount() == 1000
    assert elements(ours) == elements(theirs)


def test_a_square_with_a_hole_keeps_the_hole(qapp):
    x = np.array([0, 10, 10, 0, 0, 3, 7, 7, 3, 3], dtype=float)
    y = np.array([0, 0, 10, 10, 0, 3, 3, 7, 7, 3], dtype=float)
    joined = np.array([1, 1, 1, 1, 0, 1, 1, 1, 1, 0])
    path = rings_path(x, y, joined)
    assert path.fillRule() is Qt.FillRule.OddEvenFill
    assert path.contains(QPointF(1, 1))
    assert not path.contains(QPointF(5, 5))  # the hole
    assert not path.contains(QPointF(11, 5))
    assert rings_path(x, y, joined, Qt.FillRule.WindingFill).fillRule() is Qt.FillRule.WindingFill


def test_no_points_no_path(qapp):
    assert rings_path(np.empty(0), np.empty(0), np.empty(0)).isEmpty()
