"""Live video for the wall, with no Qt: decoding workers, their health, and a registry.

``stream`` holds the worker (one thread per stream, a latest-frame slot), ``probe`` tells the
kinds of failure of an RTSP stream apart, ``registry`` keeps one worker per camera on screen.
"""

from commandcenter.video.registry import StreamRegistry, database_credentials
from commandcenter.video.stream import (
    Frame,
    Health,
    StreamHealth,
    StreamWorker,
    fit_size,
    scale_down,
)

__all__ = [
    "Frame",
    "Health",
    "StreamHealth",
    "StreamRegistry",
    "StreamWorker",
    "database_credentials",
    "fit_size",
    "scale_down",
]
