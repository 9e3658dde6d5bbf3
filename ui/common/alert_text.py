"""An alert (``commandcenter.alerts``) in the officer's words: a symbol and a word first, so
nothing rests on colour; the same text on the console's alert strip and on the wall."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from commandcenter.alerts import Alert, AlertKind


def alert_text(alert: Alert) -> str:
    texts = {
        AlertKind.CRITICAL_CASE: QCoreApplication.translate("AlertStrip", "◆ Critical case: %1"),
        AlertKind.SUPERVISION: QCoreApplication.translate(
            "AlertStrip", "⚑ Supervision order (督办) from above: %1"
        ),
        AlertKind.CAMERA_OFFLINE: QCoreApplication.translate(
            "AlertStrip", "■ Key-site camera offline: %1"
        ),
    }
    text = texts[alert.kind].replace("%1", alert.title)
    return f"{text} · {alert.where}" if alert.where else text
