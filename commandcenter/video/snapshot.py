"""Snapshots of a camera's picture: a PNG whose name and metadata say which camera and when.

The PNG carries ``tEXt`` chunks (Camera = the GB/T 28181 device ID, Title = the camera's name,
Creation Time in ISO 8601, Software), so the file explains itself wherever it is copied; the
file name repeats the device ID and the time.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path

import numpy as np

SOFTWARE = "Grid Command Center"
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def snapshot_filename(device_id: str, taken_at: dt.datetime) -> str:
    return f"{device_id}_{taken_at:%Y%m%d-%H%M%S}.png"


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _text_chunk(key: str, value: str) -> bytes:
    # tEXt is Latin-1; iTXt carries UTF-8 (camera names are Chinese).
    if value.isascii():
        return _chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
    return _chunk(b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8"))


def snapshot_png(
    image_bgr: np.ndarray, *, device_id: str, camera_name: str, taken_at: dt.datetime
) -> bytes:
    import cv2  # on the first snapshot, not at every console start

    ok, encoded = cv2.imencode(".png", image_bgr)
    if not ok:
        raise ValueError("the picture could not be encoded as PNG")
    png = encoded.tobytes()
    header_end = len(_SIGNATURE) + 8 + 13 + 4  # signature, IHDR length+type, 13 bytes, CRC
    texts = b"".join(
        _text_chunk(k, v)
        for k, v in (
            ("Camera", device_id),
            ("Title", camera_name),
            ("Creation Time", taken_at.isoformat(timespec="seconds")),
            ("Software", SOFTWARE),
        )
    )
    return png[:header_end] + texts + png[header_end:]


def png_text(data: bytes) -> dict[str, str]:
    """The text chunks of a PNG (tEXt and uncompressed iTXt)."""
    if not data.startswith(_SIGNATURE):
        raise ValueError("not a PNG file")
    texts, at = {}, len(_SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        payload = data[at + 8 : at + 8 + length]
        if kind == b"tEXt":
            key, _, value = payload.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = payload.partition(b"\0")
            if rest[:1] == b"\0":  # not compressed
                _, _, rest = rest[2:].partition(b"\0")  # language tag
                _, _, value = rest.partition(b"\0")  # translated keyword
                texts[key.decode("latin-1")] = value.decode("utf-8")
        at += 12 + length
    return texts


def save_snapshot(
    folder: Path,
    image_bgr: np.ndarray,
    *,
    device_id: str,
    camera_name: str,
    taken_at: dt.datetime,
) -> Path:
    """Write the snapshot into ``folder`` (made if needed); a second one within the same second
    gets a suffix instead of replacing the first."""
    folder.mkdir(parents=True, exist_ok=True)
    data = snapshot_png(image_bgr, device_id=device_id, camera_name=camera_name, taken_at=taken_at)
    name = snapshot_filename(device_id, taken_at)
    target = folder / name
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{Path(name).stem}-{counter}.png"
    target.write_bytes(data)
    return target
