"""Photos, camera snapshots and documents attached to a case.

The bytes go into ``attachment_contents`` once per SHA-256 (the same snapshot attached twice is
stored once); an ``attachments`` row ties them to the case with a name, type and time. Who may
attach is decided here: anyone whose jurisdiction covers the case, or who holds it (a
department handler), and only to a case still open.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy.orm import Session

from commandcenter import clock
from commandcenter.domain.enums import AttachmentKind
from commandcenter.errors import PermissionDenied, TransitionRefused
from commandcenter.security import Actor
from commandcenter.storage.models import Attachment, AttachmentContent, Case

MAX_BYTES = 20 * 1024 * 1024  # a photo or a 4K snapshot is far below


def _may_attach(actor: Actor, case: Case) -> bool:
    return actor.governs_center(case.center_id) or (
        actor.department_id is not None and case.holder_department_id == actor.department_id
    )


def attach(
    session: Session,
    actor: Actor,
    case_id: int,
    data: bytes,
    *,
    filename: str,
    media_type: str,
    kind: AttachmentKind,
    at: dt.datetime | None = None,
) -> Attachment:
    case = session.get(Case, case_id)
    if case is None:
        raise TransitionRefused(f"No case with id {case_id}.", "input")
    if not _may_attach(actor, case):
        raise PermissionDenied(f"Case {case.code} is outside your jurisdiction.")
    if not case.state.is_open:
        raise TransitionRefused(f"Case {case.code} is closed; reopen it to add material.", "state")
    if not data:
        raise TransitionRefused("The attachment is empty.", "input")
    if len(data) > MAX_BYTES:
        raise TransitionRefused(
            f"The attachment is {len(data) / 1e6:.0f} MB; at most {MAX_BYTES // 2**20} MB.",
            "input",
        )
    digest = hashlib.sha256(data).hexdigest()
    if session.get(AttachmentContent, digest) is None:
        session.add(AttachmentContent(sha256=digest, data=data))
    attachment = Attachment(
        case_id=case.id,
        kind=kind,
        filename=filename[:200],
        media_type=media_type,
        sha256=digest,
        size_bytes=len(data),
        created_at=at or clock.now(),
    )
    session.add(attachment)
    session.flush()
    return attachment


def content(session: Session, actor: Actor, attachment_id: int) -> bytes:
    """The bytes of an attachment, for someone who may see its case."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise TransitionRefused(f"No attachment with id {attachment_id}.", "input")
    if not _may_attach(actor, attachment.case):
        raise PermissionDenied("The attachment's case is outside your jurisdiction.")
    return session.get(AttachmentContent, attachment.sha256).data
