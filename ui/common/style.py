"""The console's look: one dark, high-contrast style sheet and a CJK-capable font list.

Colours used in painting code (map, tiles, chart) come from here so they match the QSS.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ui.common.paths import STYLES

# Fonts that carry Chinese glyphs, the first one installed wins (Linux, Windows, macOS).
FONT_FAMILIES = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Sans Serif",
]
BASE_POINT_SIZE = 12


class Colors:
    BACKGROUND = QColor("#0b1016")
    PANEL = QColor("#131b24")
    PANEL_RAISED = QColor("#1b2633")
    BORDER = QColor("#2c3a4a")
    TEXT = QColor("#eef3f8")
    TEXT_DIM = QColor("#9fb0c2")
    ACCENT = QColor("#4db2ff")
    SELECTED = QColor("#ffe14d")
    OVERDUE = QColor("#ff4d4f")
    OVERDUE_BG = QColor("#b0181e")  # the countdown cell of an overdue case
    OVERDUE_ROW = QColor("#2a1416")  # the rest of its row
    NEAR_DUE = QColor("#ffb020")
    NEAR_DUE_BG = QColor("#f0a81c")
    NEAR_DUE_ROW = QColor("#272012")
    ON_TIME = QColor("#3ddc84")
    NEW = QColor("#5ec8ff")
    CAMERA = QColor("#c58bff")


def app_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(BASE_POINT_SIZE)
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return font


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")  # the same look everywhere, and a dark palette that follows QSS
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, Colors.BACKGROUND)
    palette.setColor(QPalette.ColorRole.WindowText, Colors.TEXT)
    palette.setColor(QPalette.ColorRole.Base, Colors.PANEL)
    palette.setColor(QPalette.ColorRole.AlternateBase, Colors.PANEL_RAISED)
    palette.setColor(QPalette.ColorRole.Text, Colors.TEXT)
    palette.setColor(QPalette.ColorRole.Button, Colors.PANEL_RAISED)
    palette.setColor(QPalette.ColorRole.ButtonText, Colors.TEXT)
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#1f6fb2"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ToolTipBase, Colors.PANEL_RAISED)
    palette.setColor(QPalette.ColorRole.ToolTipText, Colors.TEXT)
    palette.setColor(QPalette.ColorRole.PlaceholderText, Colors.TEXT_DIM)
    app.setPalette(palette)
    app.setFont(app_font())
    qss = STYLES / "console.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))


def scaled_font(base: QFont, factor: float, *, bold: bool | None = None) -> QFont:
    """``base`` made ``factor`` times larger, whether its size is in points or pixels (a style
    sheet sets pixels, which leaves pointSizeF() at -1)."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * factor)
    elif base.pixelSize() > 0:
        font.setPixelSize(max(1, round(base.pixelSize() * factor)))
    if bold is not None:
        font.setBold(bold)
    return font


def set_tone(widget, tone: str | None) -> None:
    """Give a widget a "tone" (alarm, warn, ok…) the style sheet colours, and re-apply the
    style sheet: Qt does not do that by itself when a property changes."""
    widget.setProperty("tone", tone or "")
    widget.style().unpolish(widget)
    widget.style().polish(widget)
