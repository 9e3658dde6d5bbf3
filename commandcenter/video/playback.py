"""Playing a recorded clip back, with no Qt: a thread decodes it with OpenCV at the clip's own
rate into a latest-frame slot, which the screen reads when it repaints (as the wall reads its
stream workers). Pausing holds the thread; the end of the clip stops on its last picture.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ClipFrame:
    image: np.ndarray  # BGR
    index: int  # 0-based frame number
    seconds: float  # position in the clip


class ClipPlayer:
    def __init__(self, path: Path | str, *, name: str = "clip"):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._latest: ClipFrame | None = None
        self._playing = threading.Event()
        self._stop = threading.Event()
        self.fps = 25.0
        self.frame_count = 0
        self.ended = False
        self.error = ""
        self._thread = threading.Thread(target=self._run, name=f"playback-{name}", daemon=True)

    def start(self) -> ClipPlayer:
        self._playing.set()
        self._thread.start()
        return self

    def latest(self) -> ClipFrame | None:
        with self._lock:
            return self._latest

    @property
    def playing(self) -> bool:
        return self._playing.is_set() and not self.ended

    def pause(self) -> None:
        self._playing.clear()

    def play(self) -> None:
        """Go on; at the end, from the beginning again."""
        if self.ended:
            self._restart = True
        self._playing.set()

    def stop(self, timeout: float = 2.0) -> bool:
        self._stop.set()
        self._playing.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    _restart = False

    def _run(self) -> None:
        import cv2  # on first playback, not at every console start

        capture = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        try:
            if not capture.isOpened():
                self.error = "the clip cannot be decoded"
                self.ended = True
                return
            fps = capture.get(cv2.CAP_PROP_FPS)
            self.fps = fps if 1 <= fps <= 240 else 25.0
            self.frame_count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
            index, started, base = 0, time.monotonic(), 0
            while not self._stop.is_set():
                if not self._playing.is_set():
                    self._playing.wait()
                    started, base = time.monotonic(), index  # the clock starts again
                    continue
                if self._restart:
                    self._restart, self.ended = False, False
                    capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                    index, started, base = 0, time.monotonic(), 0
                ok, image = capture.read()
                if not ok:
                    if index == 0:
                        self.error = "the clip holds no pictures"
                    self.ended = True
                    self._playing.clear()
                    continue
                with self._lock:
                    self._latest = ClipFrame(image, index, index / self.fps)
                index += 1
                delay = started + (index - base) / self.fps - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
        finally:
            capture.release()
