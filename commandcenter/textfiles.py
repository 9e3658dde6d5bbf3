"""Reading the text files officers bring (CSV, GeoJSON): UTF-8 with or without a BOM, else
GB18030 — what spreadsheets and GIS tools on Chinese Windows write (it covers GBK)."""

from __future__ import annotations

from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")  # tried in this order


def decode_text(data: bytes, *, reject_binary: bool = True) -> str:
    """The text of a file's bytes; ValueError with the reason in a few words (for a report
    line "FILE: cannot read: …")."""
    if reject_binary and b"\x00" in data:
        raise ValueError("is not a text file")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("is neither UTF-8 nor GBK/GB18030 text")


def read_text(path: Path) -> str:
    return decode_text(Path(path).read_bytes())
