"""Photos, camera snapshots, video clips and documents attached to a case.

The bytes go into ``attachment_contents`` once per SHA-256 (the same snapshot attached twice is
stored once); an ``attachments`` row ties them to the case with a name, type and time, and to
the archive entry that records the attaching (``CaseWorkflow.attach``: who may attach, and the
entry, are the workflow's). Reading the bytes back needs sight of the case.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.cases import may_see
from commandcenter.domain.enums import AttachmentKind
from commandcenter.errors import PermissionDenied, TransitionRefused
from commandcenter.storage.models import Attachment, AttachmentContent, Case

MAX_BYTES = 20 * 1024 * 1024  # a photo or a 4K snapshot is far below
# A clip from a camera (commandcenter.video.recording stops there): under the server's 50 MB
# per file; about 90 s of a 4 Mbit/s 1080p main stream, 10 min of a 640x360 sub stream.
MAX_VIDEO_BYTES = 48 * 1024 * 1024
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"RIFF", "image/webp", ".webp"),  # "WEBP" follows at byte 8
    (b"GIF8", "image/gif", ".gif"),
)


def image_type(data: bytes) -> tuple[str, str] | None:
    """The media type and suffix of a picture, from its first bytes (never from its name or
    from what the sender says it is), or None."""
    for magic, media_type, suffix in _IMAGE_MAGIC:
        if data.startswith(magic) and (media_type != "image/webp" or data[8:12] == b"WEBP"):
            return media_type, suffix
    return None


def video_type(data: bytes) -> tuple[str, str] | None:
    """The media type and suffix of a video file, from its first bytes: an MP4 (ISO base media
    file, its ``ftyp`` box first) or Matroska/WebM (EBML header), or None."""
    if data[4:8] == b"ftyp" and int.from_bytes(data[:4], "big") >= 8:
        return "video/mp4", ".mp4"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in data[:64]:
            return "video/webm", ".webm"
        return "video/x-matroska", ".mkv"
    return None


def store(
    session: Session,
    case: Case,
    data: bytes,
    *,
    filename: str,
    media_type: str,
    kind: AttachmentKind,
    at: dt.datetime,
) -> Attachment:
    """Keep the bytes (once per content) and the attachment row; the caller has checked who
    may attach and records the archive entry."""
    if not data:
        raise TransitionRefused("The attachment is empty.", "input")
    limit = MAX_VIDEO_BYTES if kind is AttachmentKind.VIDEO else MAX_BYTES
    if len(data) > limit:
        raise TransitionRefused(
            f"The attachment is {len(data) / 2**20:.0f} MB; at most {limit // 2**20} MB.",
            "input",
        )
    if kind in (AttachmentKind.PHOTO, AttachmentKind.SNAPSHOT):
        found = image_type(data)
        if found is None:
            raise TransitionRefused(
                f"{filename or 'The file'} is not a picture (JPEG, PNG, WebP or GIF).", "input"
            )
        media_type = found[0]  # what the bytes are, not what the sender said
    elif kind is AttachmentKind.VIDEO:
        found = video_type(data)
        if found is None:
            raise TransitionRefused(
                f"{filename or 'The file'} is not a video clip (MP4 or Matroska).", "input"
            )
        media_type = found[0]
    digest = hashlib.sha256(data).hexdigest()
    if session.get(AttachmentContent, digest) is None:
        session.add(AttachmentContent(sha256=digest, data=data))
    attachment = Attachment(
        case_id=case.id,
        kind=kind,
        filename=(filename or "attachment")[:200],
        media_type=media_type,
        sha256=digest,
        size_bytes=len(data),
        created_at=at,
    )
    session.add(attachment)
    session.flush()
    return attachment


def content(session: Session, actor: Actor, attachment_id: int) -> bytes:
    """The bytes of an attachment, for someone who may see its case."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise TransitionRefused(f"No attachment with id {attachment_id}.", "input")
    if not may_see(actor, attachment.case):
        raise PermissionDenied("The attachment's case is outside your jurisdiction.")
    return session.get(AttachmentContent, attachment.sha256).data
