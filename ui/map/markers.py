"""Marker glyphs of the map and its legend: cases by deadline status, clusters, cameras.

Shape as well as colour tells the status apart (a red triangle is overdue even to a colour-blind
officer or on a washed-out wall screen).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

from commandcenter.domain.enums import Urgency
from commandcenter.schedule.deadlines import DeadlineStatus
from ui.common.style import Colors

OUTLINE = QColor("#0b1016")
CAMERA_OFFLINE = QColor("#7b8794")

# Marker priority by deadline status: the most urgent member gives a cluster its colour.
PRIORITY = {
    DeadlineStatus.ON_TIME: 0,
    DeadlineStatus.NONE: 1,  # a new report, not filed yet
    DeadlineStatus.NEAR_DUE: 2,
    DeadlineStatus.OVERDUE: 3,
}
STATUS_OF_PRIORITY = {value: key for key, value in PRIORITY.items()}
CLUSTER_COLOURS = {0: Colors.ON_TIME, 1: Colors.NEW, 2: Colors.NEAR_DUE, 3: Colors.OVERDUE}


def pen(colour: QColor, width: float) -> QPen:
    result = QPen(colour, width)
    result.setCosmetic(True)
    result.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return result


def draw_case_marker(
    painter: QPainter, at: QPointF, status: DeadlineStatus, urgency: Urgency = Urgency.NORMAL
) -> None:
    """One case: red triangle with "!" (overdue), amber diamond (near due), green dot (on
    time), cyan ring (new report). An urgent case wears a white ring, a critical one a
    double ring."""
    painter.save()
    if urgency is not Urgency.NORMAL:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(pen(QColor("#ffffff"), 2.0))
        painter.drawEllipse(at, 11, 11)
        if urgency is Urgency.CRITICAL:
            painter.setPen(pen(Colors.OVERDUE, 2.0))
            painter.drawEllipse(at, 14, 14)
    painter.setPen(pen(OUTLINE, 1.5))
    x, y = at.x(), at.y()
    if status is DeadlineStatus.OVERDUE:
        painter.setBrush(Colors.OVERDUE)
        painter.drawPolygon(
            QPolygonF([QPointF(x, y - 9), QPointF(x + 9, y + 7), QPointF(x - 9, y + 7)])
        )
        painter.setPen(pen(QColor("#ffffff"), 2.0))
        painter.drawLine(QPointF(x, y - 3), QPointF(x, y + 2))
        painter.drawPoint(QPointF(x, y + 5))
    elif status is DeadlineStatus.NEAR_DUE:
        painter.setBrush(Colors.NEAR_DUE)
        painter.drawPolygon(
            QPolygonF([QPointF(x, y - 8), QPointF(x + 8, y), QPointF(x, y + 8), QPointF(x - 8, y)])
        )
    elif status is DeadlineStatus.ON_TIME:
        painter.setBrush(Colors.ON_TIME)
        painter.drawEllipse(at, 5, 5)
    else:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(pen(Colors.NEW, 3.0))
        painter.drawEllipse(at, 6, 6)
    painter.restore()


def shown_count(count: int) -> int:
    """The count a cluster shows: exact below 100, then in steps (tens, hundreds), so a few
    hundred cluster images cover every count."""
    if count < 100:
        return count
    step = 10 if count < 1000 else 100
    return count // step * step


def count_text(count: int) -> str:
    shown = shown_count(count)
    if shown < 100:
        return str(shown)
    return f"{shown}+" if shown < 1000 else f"{shown / 1000:.1f}k+"


def cluster_radius(count: int) -> float:
    return 11.0 + 3.5 * math.log10(max(count, 1)) * 2


def draw_cluster(painter: QPainter, at: QPointF, count: int, priority: int, font: QFont) -> None:
    """Several cases in one place: a disc coloured by its most urgent case, with the count."""
    radius = cluster_radius(count)
    colour = CLUSTER_COLOURS.get(priority, Colors.NEW)
    painter.save()
    halo = QColor(colour)
    halo.setAlpha(90)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(halo)
    painter.drawEllipse(at, radius + 4, radius + 4)
    painter.setPen(pen(OUTLINE, 1.5))
    painter.setBrush(colour)
    painter.drawEllipse(at, radius, radius)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    text = count_text(count)
    painter.setPen(QColor("#0b1016") if priority in (0, 2) else QColor("#ffffff"))
    rect = QRectF(at.x() - radius, at.y() - metrics.height() / 2, 2 * radius, metrics.height())
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def draw_camera(painter: QPainter, at: QPointF, online: bool | None, count: int = 1) -> None:
    """A camera: violet square when its stream answers, grey with a red cross when it does not,
    violet outline when not known yet. Several cameras: a larger square with the count."""
    painter.save()
    size = 9.0 if count == 1 else 15.0
    rect = QRectF(at.x() - size / 2, at.y() - size / 2, size, size)
    painter.setPen(pen(OUTLINE, 1.2))
    if online is False:
        painter.setBrush(CAMERA_OFFLINE)
        painter.drawRect(rect)
        painter.setPen(pen(Colors.OVERDUE, 2.0))
        painter.drawLine(rect.topLeft(), rect.bottomRight())
        painter.drawLine(rect.topRight(), rect.bottomLeft())
    elif online is None:
        painter.setBrush(QColor(11, 16, 22, 200))
        painter.setPen(pen(Colors.CAMERA, 2.0))
        painter.drawRect(rect)
    else:
        painter.setBrush(Colors.CAMERA)
        painter.drawRect(rect)
    if count > 1:
        painter.setPen(QColor("#ffffff"))
        font = painter.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.7))
        painter.setFont(font)
        painter.drawText(rect.adjusted(0, 0, 0, 0), Qt.AlignmentFlag.AlignCenter, str(count))
    painter.restore()


class Sprites:
    """Markers drawn once into small images and then stamped: a frame with a thousand markers
    costs a thousand image copies, not a thousand antialiased shapes and texts."""

    def __init__(self, font: QFont):
        self.font = QFont(font)
        self._images: dict[tuple, QImage] = {}

    def _make(self, key: tuple, half: int, draw) -> QImage:
        image = self._images.get(key)
        if image is None:
            image = QImage(2 * half, 2 * half, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            draw(painter, QPointF(half, half))
            painter.end()
            if len(self._images) > 4000:  # counts vary; keep the cache bounded
                self._images.clear()
            self._images[key] = image
        return image

    def case(self, status: DeadlineStatus, urgency: Urgency = Urgency.NORMAL) -> QImage:
        return self._make(
            ("case", status, urgency), 16, lambda p, at: draw_case_marker(p, at, status, urgency)
        )

    def cluster(self, count: int, priority: int) -> QImage:
        count = shown_count(count)
        half = int(cluster_radius(count)) + 6
        return self._make(
            ("cluster", count, priority),
            half,
            lambda p, at: draw_cluster(p, at, count, priority, self.font),
        )

    def camera(self, online: bool | None, count: int) -> QImage:
        return self._make(
            ("camera", online, count), 12, lambda p, at: draw_camera(p, at, online, count)
        )

    @staticmethod
    def stamp(painter: QPainter, image: QImage, x: float, y: float) -> None:
        painter.drawImage(
            QPointF(round(x - image.width() / 2), round(y - image.height() / 2)), image
        )
