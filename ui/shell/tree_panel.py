"""The jurisdiction tree: county → street → communities → grids, with open / overdue counts.

Items are keyed by ("unit", id) or ("grid", id). A refresh with the same structure only
rewrites the counts, so the user's expansion and selection stay where they were.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from commandcenter.jurisdiction.tree import GridSummary, UnitNode
from ui.common.style import Colors

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
COL_NAME, COL_OPEN, COL_OVERDUE = range(3)


def _structure(root: UnitNode) -> list[tuple[str, int]]:
    keys = []
    for node in root.walk():
        keys.append(("unit", node.id))
        keys.extend(("grid", g.id) for g in node.grids)
    return keys


class JurisdictionTree(QTreeWidget):
    unitSelected = Signal(int)
    gridSelected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("jurisdictionTree")
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Jurisdiction"), self.tr("Open"), self.tr("Overdue")])
        header = self.header()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_OPEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_OVERDUE, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self._items: dict[tuple[str, int], QTreeWidgetItem] = {}
        self._keys: list[tuple[str, int]] = []
        self.itemSelectionChanged.connect(self._emit_selection)

    # --- data ----------------------------------------------------------------------------------

    def set_root(self, root: UnitNode) -> None:
        keys = _structure(root)
        if keys != self._keys:
            self._rebuild(root)
            self._keys = keys
        else:
            for node in root.walk():
                self._fill(self._items[("unit", node.id)], node)
                for grid in node.grids:
                    self._fill(self._items[("grid", grid.id)], grid, node.name)

    def _rebuild(self, root: UnitNode) -> None:
        selected = self.selected_key()
        self.blockSignals(True)
        self.clear()
        self._items.clear()

        def add(parent, node: UnitNode, depth: int) -> None:
            item = QTreeWidgetItem(parent)
            item.setData(COL_NAME, KEY_ROLE, ("unit", node.id))
            self._items[("unit", node.id)] = item
            self._fill(item, node)
            font = item.font(COL_NAME)
            font.setBold(True)
            item.setFont(COL_NAME, font)
            for child in node.children:
                add(item, child, depth + 1)
            for grid in node.grids:
                leaf = QTreeWidgetItem(item)
                leaf.setData(COL_NAME, KEY_ROLE, ("grid", grid.id))
                self._items[("grid", grid.id)] = leaf
                self._fill(leaf, grid, node.name)
            # Units open down to the communities; a community's grids stay folded.
            item.setExpanded(not node.grids or depth == 0)

        add(self, root, 0)
        if selected in self._items:
            self.setCurrentItem(self._items[selected])
        self.blockSignals(False)

    def _fill(self, item: QTreeWidgetItem, node: UnitNode | GridSummary, parent_name="") -> None:
        # Under its community, "东安社区第01网格" reads as "第01网格".
        name = node.name
        if parent_name and name.startswith(parent_name) and len(name) > len(parent_name):
            name = name[len(parent_name) :]
        item.setText(COL_NAME, name)
        item.setToolTip(COL_NAME, f"{node.name}\n{node.code}")
        item.setText(COL_OPEN, str(node.open_cases))
        item.setTextAlignment(COL_OPEN, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setTextAlignment(
            COL_OVERDUE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        font = QFont(item.font(COL_OVERDUE))
        if node.overdue_cases:
            item.setText(COL_OVERDUE, f"▲ {node.overdue_cases}")
            item.setForeground(COL_OVERDUE, QBrush(Colors.OVERDUE))
            font.setBold(True)
        else:
            item.setText(COL_OVERDUE, "0")
            item.setForeground(COL_OVERDUE, QBrush(Colors.TEXT_DIM))
            font.setBold(False)
        item.setFont(COL_OVERDUE, font)

    # --- selection -----------------------------------------------------------------------------

    def selected_key(self) -> tuple[str, int] | None:
        item = self.currentItem()
        return None if item is None else item.data(COL_NAME, KEY_ROLE)

    def select(self, kind: str, item_id: int) -> None:
        """Select an item without emitting (the caller already knows)."""
        item = self._items.get((kind, item_id))
        if item is None:
            return
        self.blockSignals(True)
        self.setCurrentItem(item)
        self.scrollToItem(item)
        self.blockSignals(False)

    def _emit_selection(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        kind, item_id = key
        (self.gridSelected if kind == "grid" else self.unitSelected).emit(item_id)
