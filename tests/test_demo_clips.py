"""Demo camera clips: playable files of the requested size and length, moving, per-seed content."""

import cv2
import numpy as np
import pytest

from commandcenter.demo import clips
from commandcenter.demo.clips import write_clip

TITLE = "32120200101320000001"


def read_frames(path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return frames
            frames.append(frame)
    finally:
        capture.release()


@pytest.fixture(scope="module")
def default_clip(tmp_path_factory):
    return write_clip(tmp_path_factory.mktemp("clips") / "camera.mp4", seed=3, title=TITLE)


def test_clip_opens_with_expected_length_and_size(default_clip):
    assert default_clip.suffix in (".mp4", ".avi")
    assert default_clip.exists()
    frames = read_frames(default_clip)
    assert abs(len(frames) - 25 * 4) <= 1
    assert frames[0].shape == (360, 640, 3)


def test_frames_change_over_time(default_clip):
    frames = read_frames(default_clip)
    first, middle = frames[0].astype(int), frames[len(frames) // 2].astype(int)
    assert np.abs(first - middle).mean() > 1.0  # vehicles and pedestrians moved
    assert np.abs(first[:40] - middle[:40]).max() > 50  # the timestamp ticks


def test_custom_size_and_length(tmp_path):
    path = write_clip(
        tmp_path / "small.mp4", seed=1, title="GATE EAST", width=320, height=180, fps=10, seconds=2
    )
    frames = read_frames(path)
    assert abs(len(frames) - 20) <= 1
    assert frames[0].shape == (180, 320, 3)


def test_same_seed_same_picture_other_seed_differs(tmp_path, default_clip):
    again = read_frames(write_clip(tmp_path / "again.mp4", seed=3, title=TITLE))
    other = read_frames(write_clip(tmp_path / "other.mp4", seed=4, title=TITLE))
    reference = read_frames(default_clip)
    assert np.abs(again[10].astype(int) - reference[10].astype(int)).mean() < 0.5
    assert np.abs(other[10].astype(int) - reference[10].astype(int)).mean() > 5


def test_falls_back_to_mjpg_avi_when_the_first_codec_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(clips, "CODECS", (("ZZZZ", ".mp4"), ("MJPG", ".avi")))
    path = write_clip(tmp_path / "fallback.mp4", seed=2, title=TITLE, seconds=1)
    assert path.suffix == ".avi"
    assert not (tmp_path / "fallback.mp4").exists()
    assert abs(len(read_frames(path)) - 25) <= 1
