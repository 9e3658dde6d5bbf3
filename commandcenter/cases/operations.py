"""The console's writes on cases, each one function of the actor that runs inside one
transaction (``commandcenter.backend.transactions.write``) and returns what it changed.

Reporting with photos is one transaction: the case and its photos exist together or not at
all. A bulk step is one transaction per case, so one refusal does not stop the others; the
officer learns which were refused and why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.domain.enums import AttachmentKind, CaseCategory, CaseSource, Role, Urgency
from commandcenter.errors import TransitionRefused
from commandcenter.geo.locate import grid_at
from commandcenter.storage.models import Case
from commandcenter.workflow.engine import CaseChange, CaseWorkflow
from commandcenter.workflow.rules import Action

Now = Callable[[], dt.datetime]


@dataclass(frozen=True)
class FileData:
    """A file sent with an operation: its name, type and bytes."""

    filename: str
    data: bytes
    media_type: str = "application/octet-stream"


@dataclass(frozen=True)
class NewCase:
    """What a report (上报) says: the engine's ``report`` fields, as they travel."""

    source: CaseSource
    category: CaseCategory
    title: str
    description: str = ""
    grid_id: int | None = None
    address: str | None = None
    lon: float | None = None
    lat: float | None = None
    urgency: Urgency = Urgency.NORMAL
    reporter_name: str | None = None
    reporter_phone: str | None = None
    camera_id: int | None = None
    case_type_id: int | None = None  # a matter of the list (事项清单)

    def fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class BulkResult:
    done: int
    refused: tuple[str, ...]  # "CODE: reason", in the order asked


def step_params(inputs: dict[str, Any]) -> dict[str, Any]:
    """The console's inputs as the engine's parameters: a dispatch target "department:12" /
    "center:3" becomes ``department_id`` / ``center_id``."""
    params = dict(inputs)
    target = params.pop("target", None)
    if target:
        kind, _, key = str(target).partition(":")
        if kind not in ("department", "center") or not key.isdigit():
            raise TransitionRefused(f"Not a dispatch target: {target!r}.", "input")
        params[f"{kind}_id"] = int(key)
    return params


def report_case(
    session: Session,
    actor: Actor,
    now: Now,
    fields: dict[str, Any],
    *,
    allow_duplicate: bool = False,
    photos: Sequence[FileData] = (),
) -> Outcome[CaseChange]:
    """A new case (上报) with its photos. A point and no grid (a phone's position): the grid is
    the one holding the point. A grid manager reports in grids only; a center may report a
    place outside every grid (a highway, a river) for itself."""
    if fields.get("grid_id") is None and fields.get("lon") is not None:
        fields = {**fields, "grid_id": grid_at(session, fields["lon"], fields["lat"])}
        if fields["grid_id"] is None and actor.role is Role.GRID_MANAGER:
            raise TransitionRefused("The place is in no grid of this area.", "input")
    flow = CaseWorkflow(session, now=now)
    change = flow.report(actor, allow_duplicate=allow_duplicate, **fields)
    for photo in photos:
        change = flow.attach(
            actor,
            change.case_id,
            photo.data,
            filename=photo.filename,
            media_type=photo.media_type,
            kind=AttachmentKind.PHOTO,
        )
    return Outcome(change, Changes.of_cases({change.case_id}))


def take_step(
    session: Session,
    actor: Actor,
    now: Now,
    case_id: int,
    action: Action,
    *,
    expected_version: int,
    comment: str = "",
    **inputs: Any,
) -> Outcome[CaseChange]:
    """One step of the closed loop on one case, at the version the officer saw."""
    params = step_params(inputs)
    change = CaseWorkflow(session, now=now).perform(
        actor, case_id, Action(action), expected_version=expected_version, comment=comment, **params
    )
    touched = {case_id}
    if change.action is Action.MERGE and params.get("into_case_id") is not None:
        touched.add(int(params["into_case_id"]))  # the target's archive records the merge too
    return Outcome(change, Changes.of_cases(touched))


def case_id_of(session: Session, actor: Actor, case: int | str) -> int:
    """A case by id, or by its code as an officer types it."""
    if isinstance(case, int):
        return case
    found = session.scalar(select(Case.id).where(Case.code == str(case).strip()))
    if found is None:
        raise TransitionRefused(f"No case numbered {case}.", "input")
    return found


def attach(
    session: Session,
    actor: Actor,
    now: Now,
    case: int | str,
    file: FileData,
    kind: AttachmentKind,
) -> Outcome[CaseChange]:
    """A photo, snapshot or document added to an open case (and to its archive)."""
    case_id = case_id_of(session, actor, case)
    change = CaseWorkflow(session, now=now).attach(
        actor, case_id, file.data, filename=file.filename, media_type=file.media_type, kind=kind
    )
    return Outcome(change, Changes.of_cases({case_id}))
