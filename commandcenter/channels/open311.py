"""Open311 GeoReport v2 for the 12345 hotline and public channels: the services (our case
categories), a report that becomes a case at the center of the place it names, and its status
read back by the system that sent it.

The HTTP side (form fields, Open311's error format) is the server's (``server/open311.py``);
here are the rules. An outside system is an ``Integration``: a key (kept as its SHA-256) and a
service account whose role and jurisdiction the core checks like anyone's. A request names a
service code, a place (``lat``/``long`` in WGS-84, else an address) and a description; the case
goes to the center of the grid holding the point (``geo.locate.grid_at``), with source
12345 or public as the integration says, and its photo (``media``) attached. Only the system
that sent a request reads it back; its status is ``open`` until the case ends, then ``closed``
with the closing step's note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import READ_ONLY_ROLES, actor_for
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.domain.enums import AttachmentKind, CaseCategory, CaseSource, CaseState
from commandcenter.domain.labels_zh import label_zh
from commandcenter.errors import CommandCenterError
from commandcenter.geo.locate import grid_at, in_china
from commandcenter.storage.models import Case, CaseEvent, ExternalRequest, Integration, User
from commandcenter.workflow.attachments import image_type
from commandcenter.workflow.engine import CaseWorkflow

MAX_MEDIA_BYTES = 10 * 1024 * 1024  # a phone photo; the app downscales before sending
MAX_DESCRIPTION = 4000
ENDED = {CaseState.CLOSED, CaseState.DECLINED, CaseState.VOIDED, CaseState.MERGED}
INTEGRATION_SOURCES = (CaseSource.HOTLINE_12345, CaseSource.RESIDENT)


class Open311Error(CommandCenterError):
    """A request refused, with the HTTP status Open311 answers it with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Service:
    service_code: str
    service_name: str
    description: str
    group: str = "网格化服务管理"

    def as_json(self) -> dict:
        return {
            "service_code": self.service_code,
            "service_name": self.service_name,
            "description": self.description,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": self.group,
        }


SERVICES: tuple[Service, ...] = tuple(
    Service(category.value, label_zh(category), f"{label_zh(category)}类事件")
    for category in CaseCategory
)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- the integrations ----------------------------------------------------------------------


def add_integration(
    session: Session, name: str, username: str, source: CaseSource, now: dt.datetime
) -> str:
    """A new outside system; returns its key (shown once, only its hash is kept)."""
    if source not in INTEGRATION_SOURCES:
        raise CommandCenterError(
            f"An integration reports as {' or '.join(s.value for s in INTEGRATION_SOURCES)}."
        )
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise CommandCenterError(f"No active user named {username!r} to run its requests as.")
    if user.role in READ_ONLY_ROLES:
        raise CommandCenterError(
            f"{username} is a display account, which changes nothing: it cannot report cases."
        )
    if session.scalar(select(Integration.id).where(Integration.name == name)) is not None:
        raise CommandCenterError(f"There is already an integration named {name!r}.")
    key = secrets.token_urlsafe(24)
    session.add(
        Integration(
            name=name,
            key_hash=key_hash(key),
            user_id=user.id,
            source=source,
            created_at=now,
            active=True,
        )
    )
    session.flush()
    return key


def integration_for(session: Session, api_key: str | None) -> Integration:
    if not api_key:
        raise Open311Error("An api_key is required.", 403)
    found = session.scalar(select(Integration).where(Integration.key_hash == key_hash(api_key)))
    if found is None or not found.active:
        raise Open311Error("The api_key is not known here, or was revoked.", 403)
    return found


# --- a request ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Media:
    filename: str
    data: bytes


def post_request(
    session: Session,
    api_key: str | None,
    now: dt.datetime,
    fields: dict[str, str],
    media: Media | None = None,
) -> Outcome[str]:
    """A report from an outside system as a new case; its value is the service_request_id
    (the case code). All or nothing: the caller's transaction holds the case, its photo and
    the record of who sent it."""
    integration = integration_for(session, api_key)
    code = (fields.get("service_code") or "").strip()
    try:
        category = CaseCategory(code)
    except ValueError:
        raise Open311Error(f"Unknown service_code {code!r}; see services.json.") from None
    description = (fields.get("description") or "").strip()
    if not description:
        raise Open311Error("A description of what happened is required.")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(f"The description is over {MAX_DESCRIPTION} characters.")
    lon, lat = _point(fields.get("long"), fields.get("lat"))
    address = (fields.get("address_string") or "").strip()[:200] or None
    if lon is None and address is None:
        raise Open311Error("Say where: lat and long, or address_string.")
    grid_id = grid_at(session, lon, lat) if lon is not None else None
    if lon is not None and grid_id is None:
        raise Open311Error("The place is in no grid of this center's area.")
    photo = None
    if media is not None:
        if len(media.data) > MAX_MEDIA_BYTES:
            raise Open311Error(f"The photo is over {MAX_MEDIA_BYTES // 2**20} MB.")
        kind = image_type(media.data)
        if kind is None:
            raise Open311Error("The media is not a photo (JPEG, PNG, WebP or GIF).")
        photo = (media.data, kind)
    name = " ".join(
        part.strip() for part in (fields.get("last_name"), fields.get("first_name")) if part
    )
    actor = actor_for(session, session.get(User, integration.user_id))
    flow = CaseWorkflow(session, now=lambda: now)
    change = flow.report(
        actor,
        source=integration.source,
        category=category,
        title=_title(category, description),
        description=description,
        grid_id=grid_id,
        address=address,
        lon=lon,
        lat=lat,
        reporter_name=name[:50] or None,
        reporter_phone=(fields.get("phone") or "").strip()[:30] or None,
        allow_duplicate=True,  # the center merges duplicates; the caller cannot choose
    )
    if photo is not None:
        data, (media_type, suffix) = photo
        change = flow.attach(
            actor,
            change.case_id,
            data,
            filename=f"{change.code}{suffix}",
            media_type=media_type,
            kind=AttachmentKind.PHOTO,
        )
    session.add(
        ExternalRequest(
            case_id=change.case_id,
            integration_id=integration.id,
            service_code=code,
            received_at=now,
        )
    )
    session.flush()
    return Outcome(change.code, Changes.of_cases({change.case_id}))


def _point(lon_text: str | None, lat_text: str | None) -> tuple[float | None, float | None]:
    if not lon_text and not lat_text:
        return None, None
    try:
        lon, lat = float(lon_text or ""), float(lat_text or "")
    except ValueError:
        raise Open311Error("lat and long must be numbers (WGS-84 degrees).") from None
    if not in_china(lon, lat):
        raise Open311Error("The place is outside China: check lat and long (not swapped?).")
    return lon, lat


def _title(category: CaseCategory, description: str) -> str:
    first = description.splitlines()[0].strip()
    return first[:40] if first else label_zh(category)


# --- reading back -------------------------------------------------------------------------------


def request_status(session: Session, api_key: str | None, codes: list[str]) -> list[dict]:
    """The requests this system sent, by code, as Open311 shows them (unknown or another
    system's codes are left out)."""
    integration = integration_for(session, api_key)
    rows = session.execute(
        select(Case, ExternalRequest)
        .join(ExternalRequest, ExternalRequest.case_id == Case.id)
        .where(Case.code.in_(codes[:100]), ExternalRequest.integration_id == integration.id)
    ).all()
    return [_as_json(session, case, request) for case, request in rows]


def _as_json(session: Session, case: Case, request: ExternalRequest) -> dict:
    ended = case.state in ENDED
    last = session.execute(
        select(CaseEvent.at, CaseEvent.comment)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    notes = label_zh(case.state)
    if ended and last is not None and last.comment:
        notes = f"{notes}：{last.comment}"
    return {
        "service_request_id": case.code,
        "status": "closed" if ended else "open",
        "status_notes": notes,
        "service_name": label_zh(case.category),
        "service_code": request.service_code,
        "description": case.description,
        "agency_responsible": "",
        "requested_datetime": _iso(case.reported_at),
        "updated_datetime": _iso(last.at if last is not None else case.reported_at),
        "address": case.address or "",
        "lat": case.lat,
        "long": case.lon,
    }


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds") + "+08:00"  # the schema's times are Beijing's
