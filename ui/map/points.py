"""Markers of one kind (cases, cameras) as arrays in world metres, with their clusters per
quarter zoom level, made for a region around the view and reused while it stays inside."""

from __future__ import annotations

import math

import numpy as np

from commandcenter.geo.clusters import Clusters, cluster_points
from commandcenter.geo.viewport import Viewport


def snapped_scale(mpp: float) -> float:
    """The scale snapped to a quarter zoom level: while the officer zooms, markers regroup a
    few times per level, not on every frame."""
    return 2.0 ** (round(math.log2(mpp) * 4) / 4)


class Points:
    """Markers of one kind as arrays (world metres), with their clusters per scale.

    Clusters are made for a region around the view (two screens square), so a city of
    100,000 cases regroups only its neighbourhood when zoomed in; a view inside the region
    reuses them. Whole-city clusters (coarse scales) can be made ahead in a worker
    (``precompute``)."""

    CACHE_SCALES = 40

    def __init__(self, rows=(), xs=(), ys=(), priorities=()):
        self.rows = tuple(rows)
        self.x = np.asarray(xs, dtype=float)
        self.y = np.asarray(ys, dtype=float)
        self.priority = np.asarray(priorities, dtype=np.int64)
        # snapped scale -> (region or None for everything, clusters)
        self._clusters: dict[float, tuple[tuple | None, Clusters]] = {}

    def clusters(self, view: Viewport, cell_px: float) -> Clusters:
        snapped = snapped_scale(view.metres_per_pixel)
        cached = self._clusters.get(snapped)
        box = view.bbox()
        if cached is not None:
            region, found = cached
            if region is None or (
                region[0] <= box[0]
                and region[1] <= box[1]
                and box[2] <= region[2]
                and box[3] <= region[3]
            ):
                return found
        region = view.bbox(margin_px=max(view.width, view.height) / 2)
        found = cluster_points(self.x, self.y, self.priority, snapped, cell_px, bbox=region)
        self._store(snapped, region, found)
        return found

    def _store(self, snapped: float, region, found: Clusters) -> None:
        if len(self._clusters) >= self.CACHE_SCALES:
            self._clusters.clear()
        self._clusters[snapped] = (region, found)

    def precompute(self, scales, cell_px: float) -> dict:
        """Whole-set clusters for some scales (runs in a worker; plain numpy)."""
        return {s: cluster_points(self.x, self.y, self.priority, s, cell_px) for s in scales}

    def adopt(self, computed: dict) -> None:
        for snapped, found in computed.items():
            self._store(snapped, None, found)
