"""Short looping street-camera clips for the demo video wall, drawn and encoded with OpenCV.

A fixed camera looks across a street: sky, a row of buildings, a pavement with pedestrians and a
two-lane road with vehicles, plus the on-screen display (OSD) of a real camera: timestamp, camera
title and a blinking REC mark. Everything static is drawn once; each frame only copies that
background and draws the few moving things, so 30 clips take a few seconds.

Vehicles travel a whole number of laps per clip, so they loop without a jump; pedestrians are
slow and wrap at the frame edge. Hershey fonts are ASCII-only: titles are camera IDs or ASCII
names.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import random
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["write_clip"]

# (fourcc, file suffix) tried in order: both ship with the FFmpeg inside opencv-python-headless.
CODECS = (("mp4v", ".mp4"), ("MJPG", ".avi"))
FONT = cv2.FONT_HERSHEY_SIMPLEX

# Muted BGR colours of a hazy city daytime.
SKY_TOP, SKY_BOTTOM = (196, 170, 140), (214, 205, 192)
BUILDING_COLOURS = [
    (150, 150, 145),
    (128, 135, 140),
    (160, 170, 175),
    (120, 125, 120),
    (140, 155, 165),
]
VEHICLE_COLOURS = [
    (60, 60, 60),
    (200, 200, 200),
    (40, 40, 140),
    (120, 90, 50),
    (70, 110, 70),
    (30, 140, 200),
]
CLOTHES_COLOURS = [(70, 60, 50), (40, 40, 40), (90, 90, 140), (120, 120, 120), (60, 90, 60)]


@dataclass(frozen=True)
class _Layout:
    """Horizontal bands of the view, in pixels from the top."""

    horizon: int  # foot of the buildings
    pavement_bottom: int
    far_lane: int  # centre line of the far lane
    near_lane: int
    road_bottom: int

    @classmethod
    def for_height(cls, height: int) -> _Layout:
        return cls(
            horizon=int(height * 0.52),
            pavement_bottom=int(height * 0.62),
            far_lane=int(height * 0.70),
            near_lane=int(height * 0.84),
            road_bottom=int(height * 0.95),
        )


@dataclass(frozen=True)
class _Mover:
    """Something crossing the view: a vehicle or a pedestrian."""

    kind: str  # "vehicle" or "pedestrian"
    start: float  # x at the first frame
    speed: float  # pixels per frame, negative leftwards
    base: int  # y of the ground contact
    size: float  # scale, larger when nearer the camera
    colour: tuple[int, int, int]

    def x_at(self, frame: int, width: int, span: float) -> int:
        """Position at ``frame``; it wraps over ``span`` so it re-enters on the other side."""
        travelled = (self.start + self.speed * frame) % span
        return int(travelled - (span - width) / 2)


def write_clip(
    path: pathlib.Path,
    *,
    seed: int,
    title: str,
    width: int = 640,
    height: int = 360,
    fps: int = 25,
    seconds: int = 4,
) -> pathlib.Path:
    """Write a looping clip and return the path actually written (.mp4, else .avi)."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame_count = fps * seconds
    background, layout = _background(random.Random(seed), width, height)
    movers = _movers(random.Random(seed + 1), width, layout, frame_count)
    osd = _Osd(seed, title, fps)
    for fourcc, suffix in CODECS:
        target = path.with_suffix(suffix)
        frames = _frames(background, movers, osd, frame_count)
        if _encode(target, fourcc, fps, (width, height), frames) and _readable(
            target, (width, height)
        ):
            return target
        target.unlink(missing_ok=True)
    raise RuntimeError(f"no video codec could write {path}")


def _encode(
    target: pathlib.Path,
    fourcc: str,
    fps: int,
    size: tuple[int, int],
    frames: Iterator[np.ndarray],
) -> bool:
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*fourcc), fps, size)
    try:
        if not writer.isOpened():
            return False
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return target.exists() and target.stat().st_size > 0


def _readable(target: pathlib.Path, size: tuple[int, int]) -> bool:
    """The written file opens again and gives a frame of the right size."""
    capture = cv2.VideoCapture(str(target))
    try:
        ok, frame = capture.read()
    finally:
        capture.release()
    return bool(ok) and frame is not None and (frame.shape[1], frame.shape[0]) == size


# --- static scene -------------------------------------------------------------------------------


def _background(rng: random.Random, width: int, height: int) -> tuple[np.ndarray, _Layout]:
    layout = _Layout.for_height(height)
    image = np.empty((height, width, 3), np.uint8)
    _draw_sky(image, layout)
    _draw_buildings(image, layout, rng)
    _draw_street(image, layout, rng)
    _darken_corners(image)
    return image, layout


def _draw_sky(image: np.ndarray, layout: _Layout) -> None:
    blend = np.linspace(0.0, 1.0, layout.horizon)[:, None, None]
    sky = (1 - blend) * np.array(SKY_TOP) + blend * np.array(SKY_BOTTOM)
    image[: layout.horizon] = sky.astype(np.uint8)


def _draw_buildings(image: np.ndarray, layout: _Layout, rng: random.Random) -> None:
    width = image.shape[1]
    x = -rng.randint(0, 40)
    while x < width:
        block_width = rng.randint(width // 10, width // 4)
        top = rng.randint(int(layout.horizon * 0.15), int(layout.horizon * 0.7))
        colour = _vary(rng, rng.choice(BUILDING_COLOURS), 12)
        cv2.rectangle(image, (x, top), (x + block_width, layout.horizon), colour, cv2.FILLED)
        cv2.line(image, (x, top), (x + block_width, top), _shade(colour, 0.8), 2)
        _draw_windows(image, (x, top, x + block_width, layout.horizon), colour, rng)
        x += block_width + rng.choice([0, 0, rng.randint(4, 20)])


def _draw_windows(
    image: np.ndarray, box: tuple[int, int, int, int], colour, rng: random.Random
) -> None:
    left, top, right, bottom = box
    pane_w, pane_h = rng.randint(6, 10), rng.randint(7, 11)
    gap_x, gap_y = pane_w + rng.randint(4, 8), pane_h + rng.randint(5, 9)
    glass, lit = _shade(colour, 0.65), (150, 205, 225)
    for y in range(top + 8, bottom - pane_h - 6, gap_y):
        for x in range(left + 6, right - pane_w - 4, gap_x):
            pane = lit if rng.random() < 0.08 else glass
            cv2.rectangle(image, (x, y), (x + pane_w, y + pane_h), pane, cv2.FILLED)


def _draw_street(image: np.ndarray, layout: _Layout, rng: random.Random) -> None:
    width = image.shape[1]
    image[layout.horizon : layout.pavement_bottom] = (150, 158, 162)  # pavement
    for x in range(rng.randint(0, 30), width, 34):  # paving joints
        cv2.line(image, (x, layout.horizon), (x - 8, layout.pavement_bottom), (138, 146, 150), 1)
    image[layout.pavement_bottom : layout.road_bottom] = (88, 90, 92)  # asphalt
    image[layout.road_bottom :] = (140, 148, 152)  # near pavement
    cv2.line(
        image, (0, layout.pavement_bottom), (width, layout.pavement_bottom), (185, 190, 190), 3
    )
    cv2.line(image, (0, layout.road_bottom), (width, layout.road_bottom), (185, 190, 190), 3)
    middle = (layout.far_lane + layout.near_lane) // 2
    for x in range(rng.randint(0, 40), width, 70):  # dashed centre line
        cv2.line(image, (x, middle), (x + 36, middle), (215, 215, 215), 2)
    for x in (rng.randint(width // 8, width // 3), rng.randint(width // 2, width - 40)):
        _draw_lamp_post(image, x, layout)


def _draw_lamp_post(image: np.ndarray, x: int, layout: _Layout) -> None:
    top = int(layout.horizon * 0.35)
    cv2.line(image, (x, layout.pavement_bottom - 2), (x, top), (70, 72, 75), 3)
    cv2.line(image, (x, top), (x + 22, top + 4), (70, 72, 75), 3)
    cv2.ellipse(image, (x + 24, top + 6), (7, 3), 0, 0, 360, (190, 200, 205), cv2.FILLED)


def _darken_corners(image: np.ndarray) -> None:
    """A lens vignette: real cameras are darker towards the corners."""
    height, width = image.shape[:2]
    ys = np.linspace(-1, 1, height)[:, None]
    xs = np.linspace(-1, 1, width)[None, :]
    falloff = 1 - 0.22 * (xs**2 + ys**2) / 2
    image[:] = (image * falloff[..., None]).astype(np.uint8)


# --- moving things ------------------------------------------------------------------------------


def _movers(rng: random.Random, width: int, layout: _Layout, frames: int) -> list[_Mover]:
    span = _span(width)
    movers = []
    for base, direction, size in ((layout.far_lane, -1, 0.75), (layout.near_lane, 1, 1.0)):
        for _ in range(rng.randint(1, 3)):
            laps = rng.choice([1, 1, 2])  # whole laps per clip: the loop has no jump
            movers.append(
                _Mover(
                    kind="vehicle",
                    start=rng.uniform(0, span),
                    speed=direction * laps * span / frames,
                    base=base + int(14 * size),
                    size=size * rng.uniform(0.9, 1.15),
                    colour=rng.choice(VEHICLE_COLOURS),
                )
            )
    pavement = (layout.horizon + layout.pavement_bottom) // 2
    for _ in range(rng.randint(2, 5)):
        movers.append(
            _Mover(
                kind="pedestrian",
                start=rng.uniform(0, span),
                speed=rng.choice([-1, 1]) * rng.uniform(0.5, 1.3),
                base=pavement + rng.randint(-4, 10),
                size=rng.uniform(0.85, 1.1),
                colour=rng.choice(CLOTHES_COLOURS),
            )
        )
    return sorted(movers, key=lambda mover: mover.base)  # far things first, near ones on top


def _span(width: int) -> float:
    """Distance after which a mover re-enters: the frame plus room to leave it completely."""
    return width + 300.0  # vehicles are at most ~130 px long


def _draw_vehicle(image: np.ndarray, x: int, mover: _Mover) -> None:
    length, body = int(110 * mover.size), int(26 * mover.size)
    bottom = mover.base - int(6 * mover.size)
    cabin_left = x + int(length * (0.22 if mover.speed > 0 else 0.3))
    cabin_right = cabin_left + int(length * 0.48)
    cv2.rectangle(image, (x, bottom - body), (x + length, bottom), mover.colour, cv2.FILLED)
    cv2.rectangle(
        image,
        (cabin_left, bottom - body - int(18 * mover.size)),
        (cabin_right, bottom - body),
        _shade(mover.colour, 0.85),
        cv2.FILLED,
    )
    cv2.rectangle(
        image,
        (cabin_left + 4, bottom - body - int(14 * mover.size)),
        (cabin_right - 4, bottom - body),
        (120, 110, 100),
        cv2.FILLED,
    )
    wheel = max(4, int(9 * mover.size))
    for wheel_x in (x + int(length * 0.2), x + int(length * 0.8)):
        cv2.circle(image, (wheel_x, bottom), wheel, (25, 25, 25), cv2.FILLED)
    front = x + length - 3 if mover.speed > 0 else x + 3
    cv2.circle(image, (front, bottom - body // 2), max(2, wheel // 3), (170, 230, 245), cv2.FILLED)


def _draw_pedestrian(image: np.ndarray, x: int, frame: int, mover: _Mover) -> None:
    scale = mover.size
    stride = int(4 * scale * np.sin(frame * abs(mover.speed) * 0.35))  # legs swing while walking
    hip = mover.base - int(14 * scale)
    shoulder = hip - int(16 * scale)
    cv2.line(image, (x, hip), (x + stride, mover.base), (50, 50, 55), max(2, int(3 * scale)))
    cv2.line(image, (x, hip), (x - stride, mover.base), (50, 50, 55), max(2, int(3 * scale)))
    cv2.rectangle(
        image, (x - int(5 * scale), shoulder), (x + int(5 * scale), hip), mover.colour, cv2.FILLED
    )
    cv2.circle(
        image, (x, shoulder - int(5 * scale)), max(3, int(4 * scale)), (150, 175, 205), cv2.FILLED
    )


# --- frames and on-screen display ---------------------------------------------------------------


class _Osd:
    """Camera on-screen display: a running timestamp, the title and a blinking REC mark."""

    def __init__(self, seed: int, title: str, fps: int) -> None:
        rng = random.Random(seed + 2)
        self.start = dt.datetime(2025, 5, 12, 7, 0) + dt.timedelta(seconds=rng.randrange(11 * 3600))
        self.title = title.encode("ascii", "replace").decode("ascii")
        self.fps = fps

    def draw(self, image: np.ndarray, frame: int) -> None:
        height, width = image.shape[:2]
        second, rest = divmod(frame, self.fps)
        stamp = (self.start + dt.timedelta(seconds=second)).strftime("%Y-%m-%d %H:%M:%S")
        _outlined_text(image, f"{stamp}.{rest * 100 // self.fps:02d}", (10, 24), 0.55)
        _outlined_text(image, self.title, (10, height - 12), 0.5)
        if rest < self.fps // 2:  # blinks once a second
            cv2.circle(image, (width - 52, 19), 6, (40, 40, 220), cv2.FILLED)
        _outlined_text(image, "REC", (width - 42, 24), 0.5)


def _frames(background, movers: list[_Mover], osd: _Osd, count: int) -> Iterator[np.ndarray]:
    width = background.shape[1]
    span = _span(width)
    frame_image = np.empty_like(background)
    for frame in range(count):
        np.copyto(frame_image, background)
        for mover in movers:
            x = mover.x_at(frame, width, span)
            if mover.kind == "vehicle":
                _draw_vehicle(frame_image, x, mover)
            else:
                _draw_pedestrian(frame_image, x, frame, mover)
        osd.draw(frame_image, frame)
        yield frame_image


def _outlined_text(image: np.ndarray, text: str, origin: tuple[int, int], scale: float) -> None:
    """White text with a dark rim, readable on sky and on asphalt alike.

    The rim is the text drawn a pixel off in four directions, not a thicker stroke: OpenCV 5
    spaces glyphs by stroke thickness, so a thick copy would not line up.
    """
    x, y = origin
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        cv2.putText(image, text, (x + dx, y + dy), FONT, scale, (20, 20, 20), 1, cv2.LINE_AA)
    cv2.putText(image, text, origin, FONT, scale, (245, 245, 245), 1, cv2.LINE_AA)


def _shade(colour, factor: float) -> tuple[int, int, int]:
    return tuple(int(channel * factor) for channel in colour)


def _vary(rng: random.Random, colour, amount: int) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in colour)
