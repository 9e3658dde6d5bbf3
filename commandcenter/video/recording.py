"""Evidence clips: a camera's live stream recorded to a file as it comes, without re-encoding.

ffmpeg copies the camera's packets (``-c copy``) into an MP4 for a chosen duration, or into a
Matroska file when MP4 cannot hold the codec (G.711 audio, for instance): the pictures are the
camera's own, bit for bit, and recording costs no CPU. The clip is written under a temporary
name and renamed when ffmpeg has finished well; a camera that does not answer, refuses, or
stops gives a `RecordingFailed` and leaves no file behind. The result carries the file's
SHA-256 and size, as the case archive stores them.

The credentials are put into the URL only for ffmpeg's command line; every message (and the
``command`` kept for logs) shows the URL without them, and ffmpeg's own error text is cleaned
of them too. (The URL with its password is on ffmpeg's command line while it records: see
docs/security.md.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from commandcenter.cameras.urls import (
    display_url,
    query_secrets,
    split_credentials,
    stream_source,
)

log = logging.getLogger(__name__)

MIN_SECONDS = 5
MAX_SECONDS = 600
OPEN_TIMEOUT_S = 10.0  # connecting and the first packets; a dead camera fails well before
STALL_TIMEOUT_US = 5_000_000  # ffmpeg's RTSP socket timeout: a camera silent this long ends it
FINISH_MARGIN_S = 15.0  # writing the MP4 index, closing
# A clip must travel to the center's server as one attachment (50 MB per file): ffmpeg stops
# writing at this size even when the duration asked for is not reached yet (the same limit as
# commandcenter.workflow.attachments.MAX_VIDEO_BYTES).
MAX_CLIP_BYTES = 48 * 1024 * 1024
_STOP_AT_BYTES = MAX_CLIP_BYTES - 2 * 1024 * 1024  # ffmpeg overshoots -fs by a packet and the index
TRANSPORTS = ("tcp", "udp")

Progress = Callable[[float], None]  # seconds recorded so far


class RecordingFailed(Exception):
    """The clip could not be recorded; the message says why (never with credentials)."""


@dataclass(frozen=True)
class Clip:
    path: Path
    sha256: str
    size_bytes: int
    media_type: str  # video/mp4 or video/x-matroska
    seconds: float  # recorded, as ffmpeg counted it
    command: tuple[str, ...]  # ffmpeg's command line with the URL shown without credentials


def clip_filename(device_id: str, started_at: dt.datetime, suffix: str = ".mp4") -> str:
    return f"{device_id}_{started_at:%Y%m%d-%H%M%S}{suffix}"


def find_ffmpeg() -> str:
    found = shutil.which(os.environ.get("COMMANDCENTER_FFMPEG", "ffmpeg"))
    if found is None:
        raise RecordingFailed(
            "ffmpeg was not found: install it (Debian: apt install ffmpeg) to record clips."
        )
    return found


def record_clip(
    url: str,
    target: Path,
    seconds: float,
    *,
    username: str | None = None,
    password: str | None = None,
    transport: str = "tcp",
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    ffmpeg: str | None = None,
) -> Clip:
    """Record ``seconds`` of ``url`` into ``target`` (its suffix becomes .mkv when MP4 cannot
    hold the stream's codecs). Blocks for about ``seconds``: call it in a worker thread."""
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise RecordingFailed(f"A clip is {MIN_SECONDS} to {MAX_SECONDS} seconds long.")
    if transport not in TRANSPORTS:
        raise RecordingFailed(f"The RTSP transport is tcp or udp, not {transport!r}.")
    clean, typed_user, typed_password = split_credentials(url)
    if username is None and typed_user is not None:
        username, password = typed_user, typed_password
    scheme = urlsplit(clean).scheme.lower()
    if scheme == "file":
        source = stream_source(clean)
        if not Path(source).is_file():
            raise RecordingFailed(f"The clip {Path(source).name} is missing.")
    else:
        source = stream_source(clean, username, password)
    # ffmpeg's messages name the URL (replaced by the clean one); the password itself too,
    # in case some message quotes it alone (a short one would blot out ordinary words).
    secrets = [s for s in {password or "", quote(password or "", safe="")} if len(s) >= 4]
    secrets += [s for s in query_secrets(clean) if len(s) >= 4]
    ffmpeg = ffmpeg or find_ffmpeg()
    target.parent.mkdir(parents=True, exist_ok=True)
    shown = display_url(clean)
    arguments = (ffmpeg, source, shown, scheme, seconds, transport, progress, cancel)
    try:
        try:
            return _record(*arguments, target, "mp4")
        except _NeedsMatroska:
            log.info("%s: MP4 cannot hold this stream's codecs; recording Matroska", shown)
            return _record(*arguments, target.with_suffix(".mkv"), "matroska")
    except RecordingFailed as exc:
        text = str(exc)
        for secret in secrets:
            text = text.replace(secret, "***")
        raise RecordingFailed(text) from None


class _NeedsMatroska(Exception):
    pass


_MP4_REFUSALS = ("not currently supported in container", "could not find tag for codec")


def _record(
    ffmpeg: str,
    source: str,
    shown: str,
    scheme: str,
    seconds: float,
    transport: str,
    progress: Progress | None,
    cancel: threading.Event | None,
    target: Path,
    container: str,
) -> Clip:
    command = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"]
    if scheme in ("rtsp", "rtsps"):
        command += ["-rtsp_transport", transport, "-timeout", str(STALL_TIMEOUT_US)]
    command += ["-i", source, "-map", "0:v:0", "-map", "0:a?", "-c", "copy"]
    command += ["-t", f"{seconds:g}", "-fs", str(_STOP_AT_BYTES)]
    if container == "mp4":
        command += ["-movflags", "+faststart"]
    command += ["-f", container, "-progress", "pipe:1", "-y"]
    handle, partial = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=target.parent)
    os.close(handle)
    partial_path = Path(partial)
    command.append(str(partial_path))
    shown_command = tuple(shown if part == source else part for part in command)
    log.info("recording %s for %g s: %s", shown, seconds, " ".join(shown_command[1:]))
    recorded = 0.0
    try:
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
            deadline = threading.Timer(OPEN_TIMEOUT_S + seconds + FINISH_MARGIN_S, process.kill)
            deadline.daemon = True
            deadline.start()
            finished = threading.Event()
            if cancel is not None:

                def watch() -> None:
                    while not finished.wait(0.1):
                        if cancel.is_set() and process.poll() is None:
                            process.kill()

                threading.Thread(target=watch, daemon=True, name="recording-cancel").start()
            try:
                for line in process.stdout:
                    key, _, value = line.strip().partition("=")
                    if key == "out_time_us" and value.lstrip("-").isdigit():
                        recorded = max(recorded, int(value) / 1e6)
                        if progress is not None:
                            progress(min(recorded, seconds))
                code = process.wait()
                timed_out = not deadline.is_alive() and code != 0
            finally:
                finished.set()
                deadline.cancel()
                if process.poll() is None:
                    process.kill()
                    process.wait()
            errors.seek(0)
            text = errors.read().decode("utf-8", "replace").replace(source, shown).strip()
        if cancel is not None and cancel.is_set():
            raise RecordingFailed("The recording was cancelled.")
        if code != 0:
            lower = text.lower()
            if container == "mp4" and any(r in lower for r in _MP4_REFUSALS):
                raise _NeedsMatroska()
            if timed_out:
                raise RecordingFailed(f"{shown} sent nothing in time; the recording was stopped.")
            raise RecordingFailed(f"{shown} could not be recorded: {_reason(text)}")
        size = partial_path.stat().st_size
        if size == 0 or recorded <= 0:
            raise RecordingFailed(f"{shown} sent no pictures.")
        digest = hashlib.sha256()
        with partial_path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        final = _free_name(target)
        partial_path.replace(final)
    except BaseException:
        partial_path.unlink(missing_ok=True)
        raise
    media_type = "video/mp4" if container == "mp4" else "video/x-matroska"
    return Clip(final, digest.hexdigest(), size, media_type, recorded, shown_command)


def _reason(text: str) -> str:
    """ffmpeg's last error line, or a word when it said nothing."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return "ffmpeg stopped without saying why"
    return lines[-1][:300]


def _free_name(target: Path) -> Path:
    counter, candidate = 1, target
    while candidate.exists():
        counter += 1
        candidate = target.with_name(f"{target.stem}-{counter}{target.suffix}")
    return candidate
