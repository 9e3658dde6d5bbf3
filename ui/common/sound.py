"""The console's sounds: an insistent two-tone for alerts, a short tone for a new report.

Qt's own audio (QtMultimedia) is not part of the PySide6 the console installs, so the tones are
written once as WAV files and played by the desktop's player (PipeWire's ``pw-play``,
PulseAudio's ``paplay``, ALSA's ``aplay``, else ffmpeg's ``ffplay``) in a ``QProcess``: the GUI
thread never waits for it, and a tone still playing is not started again, so a burst of alerts
gives one sound, not a queue of them. With no player at all, the system bell.

Muting is the officer's choice (``enabled``), remembered by the screen that owns the switch.
"""

from __future__ import annotations

import math
import shutil
import struct
import tempfile
import wave
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal
from PySide6.QtWidgets import QApplication

RATE = 22_050
PLAYERS = (
    ("pw-play", []),
    ("paplay", []),
    ("aplay", ["-q"]),
    ("ffplay", ["-nodisp", "-autoexit", "-loglevel", "quiet"]),
)
# (frequency Hz, seconds) pieces; 0 Hz is silence
TONES = {
    "alert": [(880, 0.18), (0, 0.05), (660, 0.18), (0, 0.05)] * 3,
    "report": [(660, 0.22)],
}


def tone_wav(pieces: list[tuple[int, float]]) -> bytes:
    """16-bit mono PCM of the pieces, each faded in and out (no clicks)."""
    samples = []
    for frequency, seconds in pieces:
        count = int(RATE * seconds)
        fade = max(1, int(RATE * 0.01))
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            value = math.sin(2 * math.pi * frequency * i / RATE) if frequency else 0.0
            samples.append(int(12_000 * envelope * value))
    return struct.pack(f"<{len(samples)}h", *samples)


class ConsoleSound(QObject):
    played = Signal(str)  # the sound's name, each time one is started (not when muted)

    def __init__(self, parent: QObject | None = None, *, enabled: bool = True):
        super().__init__(parent)
        self.enabled = enabled
        self.player = next(
            ((path, args) for name, args in PLAYERS if (path := shutil.which(name))), None
        )
        self._folder: tempfile.TemporaryDirectory | None = None
        self._process: QProcess | None = None

    @property
    def is_playing(self) -> bool:
        return self._process is not None

    def play(self, name: str) -> bool:
        """Start the sound ``name`` unless muted or a sound is still playing. True if started."""
        if not self.enabled:
            return False
        if self._process is not None:  # still playing
            return False
        if self.player is None:
            QApplication.beep()
        else:
            program, args = self.player
            process = QProcess(self)
            process.setStandardOutputFile(QProcess.nullDevice())
            process.setStandardErrorFile(QProcess.nullDevice())
            process.finished.connect(self._finished)
            process.errorOccurred.connect(self._finished)  # no sound device, no player
            self._process = process
            process.start(program, [*args, str(self._file(name))])
        self.played.emit(name)
        return True

    def _finished(self, *_args) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.deleteLater()

    def _file(self, name: str) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="commandcenter-sounds-")
        path = Path(self._folder.name) / f"{name}.wav"
        if not path.exists():
            with wave.open(str(path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(RATE)
                out.writeframes(tone_wav(TONES[name]))
        return path
