"""``run.py --screenshot``: the whole start-up path, offscreen, in a child process."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402

from ui.common.paths import ROOT  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_console(
    *args: str, timeout: int = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {}))
    env.pop("COMMANDCENTER_DB", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("view", ["map", "board", "wall", "figures"])
def test_screenshot_of_each_view(tmp_path, demo_database, view):
    target = tmp_path / f"shot-{view}.png"
    result = run_console("--db", demo_database.url, "--screenshot", str(target), "--view", view)
    assert result.returncode == 0, result.stderr
    data = target.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 50_000
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1600, 1000)
    if view == "wall":  # a 3×3 wall of demo cameras, every tile playing its clip
        assert "wall: 9 live" in result.stdout.splitlines(), result.stdout


def test_screenshot_fills_the_empty_default_database_with_the_demo(tmp_path, demo_clips):
    """First start: the SQLite file in the user data folder is made and filled."""
    target = tmp_path / "first-start.png"
    data = tmp_path / "data"
    shutil.copytree(demo_clips, data / "demo-clips")  # the clips are made once per test run
    result = run_console(
        "--screenshot", str(target), "--user", "leader", env={"COMMANDCENTER_DATA_DIR": str(data)}
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(PNG_SIGNATURE)
    assert (data / "commandcenter.sqlite3").exists()


def test_an_empty_database_given_with_db_is_not_filled(tmp_path):
    """Any other empty database (a fresh server given with --db or COMMANDCENTER_DB) gets a
    message saying how to fill it with the demo, and nothing is written into it."""
    from commandcenter.storage import open_database

    target = tmp_path / "never.png"
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    result = run_console("--db", url, "--screenshot", str(target), "--lang", "en")
    assert result.returncode == 1
    assert f"commandcenter demo --db {url}" in result.stderr
    assert "is empty" not in result.stdout
    assert f"The database {url} holds no center" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()
    database = open_database(url)
    try:
        assert database.is_empty()
    finally:
        database.dispose()


def test_screenshot_with_an_unknown_user_fails_cleanly(tmp_path, demo_database):
    target = tmp_path / "nobody.png"
    result = run_console("--db", demo_database.url, "--screenshot", str(target), "--user", "nobody")
    assert result.returncode == 1
    assert "nobody" in result.stderr
    assert not target.exists()


def test_unreachable_database_gives_a_message_and_exit_1(tmp_path):
    target = tmp_path / "never.png"
    url = "postgresql+psycopg://grid:secret-pw@127.0.0.1:1/commandcenter"
    result = run_console("--db", url, "--screenshot", str(target), timeout=120)
    assert result.returncode == 1
    assert "Cannot reach the database" in result.stderr
    assert "secret-pw" not in result.stderr + result.stdout
    assert not target.exists()
