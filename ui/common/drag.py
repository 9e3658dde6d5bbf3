"""Drag and drop of cameras between views (camera list, map, wall tiles)."""

from __future__ import annotations

from PySide6.QtCore import QMimeData

CAMERA_MIME = "application/x-commandcenter-camera"  # the payload is a camera id


def camera_mime(camera_id: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(CAMERA_MIME, str(camera_id).encode("ascii"))
    return mime


def camera_from_mime(mime: QMimeData) -> int | None:
    if not mime.hasFormat(CAMERA_MIME):
        return None
    try:
        return int(bytes(mime.data(CAMERA_MIME)).decode("ascii"))
    except ValueError:
        return None
