"""Masking of personal data (身份证号, phones, names): masked is the default everywhere.

``mask_text`` masks the ID numbers and phone numbers written into free text (a description,
a comment, a title). Who sees what clear is decided in one place, ``Actor.shown_text`` /
``Actor.shown_person``, which every read of the core asks.
"""

from __future__ import annotations

import re


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    return (
        number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)
    )


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """Keep the surname: 张三丰 → 张**."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])")
_SEVEN_DIGITS = re.compile(r"[0-9]{7}")  # no number to mask without seven digits in a row


def mask_text(text: str | None) -> str:
    """Free text with the ID numbers and phone numbers in it masked."""
    if not text or not _SEVEN_DIGITS.search(text):
        return text or ""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group()), text)
