"""What part of the world a map widget shows: a centre in Web Mercator metres, a scale in
metres per pixel and a size in pixels. Immutable; every gesture returns a new viewport.

Screen y grows downwards, Mercator y upwards; the conversion lives here only, so the widget,
the hit-tests and the benchmark agree on where a pixel is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from commandcenter.geo.mapdata import ORIGIN_SHIFT, metres_per_pixel

__all__ = ["MAX_ZOOM", "MIN_ZOOM", "Viewport"]

MIN_ZOOM = 3.0  # all of China on a screen
MAX_ZOOM = 20.0  # a building fills the screen
_MAX_MPP = metres_per_pixel(MIN_ZOOM)
_MIN_MPP = metres_per_pixel(MAX_ZOOM)


@dataclass(frozen=True)
class Viewport:
    centre_x: float  # Web Mercator metres
    centre_y: float
    metres_per_pixel: float
    width: int  # pixels
    height: int

    # --- derived ---------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        """The fractional zoom level of 256-pixel tiles at this scale."""
        return math.log2(metres_per_pixel(0) / self.metres_per_pixel)

    def bbox(self, margin_px: float = 0.0) -> tuple[float, float, float, float]:
        """The world box shown (min x, min y, max x, max y), grown by a margin in pixels."""
        half_w = (self.width / 2 + margin_px) * self.metres_per_pixel
        half_h = (self.height / 2 + margin_px) * self.metres_per_pixel
        return (
            self.centre_x - half_w,
            self.centre_y - half_h,
            self.centre_x + half_w,
            self.centre_y + half_h,
        )

    def to_screen(self, xs, ys):
        """World metres to pixels (scalars or arrays)."""
        scale = 1.0 / self.metres_per_pixel
        sx = (np.asarray(xs, dtype=float) - self.centre_x) * scale + self.width / 2
        sy = (self.centre_y - np.asarray(ys, dtype=float)) * scale + self.height / 2
        if np.ndim(sx) == 0:
            return float(sx), float(sy)
        return sx, sy

    def to_world(self, sx: float, sy: float) -> tuple[float, float]:
        """Pixels to world metres."""
        x = self.centre_x + (sx - self.width / 2) * self.metres_per_pixel
        y = self.centre_y - (sy - self.height / 2) * self.metres_per_pixel
        return x, y

    def screen_transform(self) -> tuple[float, float, float, float]:
        """(scale x, scale y, offset x, offset y) with screen = world * scale + offset; a
        painter's affine transform, for drawing whole paths in world metres."""
        scale = 1.0 / self.metres_per_pixel
        return (
            scale,
            -scale,
            self.width / 2 - self.centre_x * scale,
            self.height / 2 + self.centre_y * scale,
        )

    # --- gestures --------------------------------------------------------------------------

    def resized(self, width: int, height: int) -> Viewport:
        return replace(self, width=max(1, int(width)), height=max(1, int(height)))

    def panned(self, dx_px: float, dy_px: float) -> Viewport:
        """The picture moves by (dx, dy) pixels, as when dragged."""
        return self._clamped(
            replace(
                self,
                centre_x=self.centre_x - dx_px * self.metres_per_pixel,
                centre_y=self.centre_y + dy_px * self.metres_per_pixel,
            )
        )

    def zoomed_at(self, factor: float, sx: float, sy: float) -> Viewport:
        """Magnify by ``factor`` keeping the world point under pixel (sx, sy) in place."""
        mpp = min(max(self.metres_per_pixel / factor, _MIN_MPP), _MAX_MPP)
        wx, wy = self.to_world(sx, sy)
        centre_x = wx - (sx - self.width / 2) * mpp
        centre_y = wy + (sy - self.height / 2) * mpp
        return self._clamped(
            replace(self, centre_x=centre_x, centre_y=centre_y, metres_per_pixel=mpp)
        )

    def centred_on(self, x: float, y: float, zoom: float | None = None) -> Viewport:
        mpp = self.metres_per_pixel if zoom is None else metres_per_pixel(zoom)
        mpp = min(max(mpp, _MIN_MPP), _MAX_MPP)
        return self._clamped(replace(self, centre_x=x, centre_y=y, metres_per_pixel=mpp))

    def fitted(
        self,
        bbox: tuple[float, float, float, float],
        margin_px: float = 24.0,
        *,
        max_zoom: float = 18.0,
        insets: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0),
    ) -> Viewport:
        """Show the whole box with a margin; a tiny box is not magnified beyond ``max_zoom``.
        ``insets`` (left, top, right, bottom pixels) are covered by something (a legend): the
        box is fitted into the rest."""
        min_x, min_y, max_x, max_y = bbox
        left, top, right, bottom = insets
        usable_w = max(self.width - left - right - 2 * margin_px, 1.0)
        usable_h = max(self.height - top - bottom - 2 * margin_px, 1.0)
        mpp = max(
            (max_x - min_x) / usable_w, (max_y - min_y) / usable_h, metres_per_pixel(max_zoom)
        )
        mpp = min(max(mpp, _MIN_MPP), _MAX_MPP)
        # The box's centre goes to the centre of the free area, not of the widget.
        shift_x = (left - right) / 2 * mpp
        shift_y = (top - bottom) / 2 * mpp
        return self._clamped(
            replace(
                self,
                centre_x=(min_x + max_x) / 2 - shift_x,
                centre_y=(min_y + max_y) / 2 + shift_y,
                metres_per_pixel=mpp,
            )
        )

    def interpolated(self, target: Viewport, t: float) -> Viewport:
        """A step of a flight from here to ``target`` (t from 0 to 1): the scale moves
        geometrically, so zooming feels even."""
        t = min(max(t, 0.0), 1.0)
        if t == 0.0:
            return replace(self, width=target.width, height=target.height)
        if t == 1.0:
            return target
        eased = t * t * (3 - 2 * t)
        log_mpp = (
            math.log(self.metres_per_pixel) * (1 - eased)
            + math.log(target.metres_per_pixel) * eased
        )
        return replace(
            target,
            centre_x=self.centre_x + (target.centre_x - self.centre_x) * eased,
            centre_y=self.centre_y + (target.centre_y - self.centre_y) * eased,
            metres_per_pixel=math.exp(log_mpp),
        )

    @staticmethod
    def _clamped(view: Viewport) -> Viewport:
        """Keep the centre on the world (the map cannot be dragged off into nothing)."""
        x = min(max(view.centre_x, -ORIGIN_SHIFT), ORIGIN_SHIFT)
        y = min(max(view.centre_y, -ORIGIN_SHIFT), ORIGIN_SHIFT)
        if x == view.centre_x and y == view.centre_y:
            return view
        return replace(view, centre_x=x, centre_y=y)
