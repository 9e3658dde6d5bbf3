"""Base data to Excel for the upper level: residents, houses or organisations of the grids the
actor sees, in the columns the imports read (so the upper center can import the file as it
is). ID numbers and phones are masked unless the role sees personal data and a reason is given;
every export is recorded in the operation log, a clear one with its reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import CLEAR_PERSONAL_DATA_ROLES, Actor
from commandcenter.access.admin import basedata_grid_ids
from commandcenter.access.oplog import OperationKind, record
from commandcenter.basedata.imports import HOUSE_COLUMNS, ORGANISATION_COLUMNS, PEOPLE_COLUMNS
from commandcenter.domain.enums import HouseholdStatus, SpecialGroup
from commandcenter.domain.file_words import file_name_zh
from commandcenter.domain.privacy import mask_id_number, mask_phone
from commandcenter.errors import CommandCenterError, PermissionDenied, storage_error
from commandcenter.storage.models import Building, Grid, House, Organisation, Person
from commandcenter.tabular import xlsx_row

KINDS = ("people", "houses", "organisations")


@dataclass(frozen=True)
class ExportedFile:
    """An export as it travels from the server: the workbook's bytes and its rows."""

    data: bytes
    rows: int


def export_basedata_xlsx(
    session: Session,
    actor: Actor,
    path: Path | str,
    kind: str,
    at: dt.datetime,
    *,
    clear: bool = False,
    reason: str = "",
) -> int:
    """Write one sheet of ``kind`` (one of KINDS); the number of rows written."""
    if kind not in KINDS:
        raise CommandCenterError(f"{kind!r} is not one of {', '.join(KINDS)}.")
    if clear:
        if actor.role not in CLEAR_PERSONAL_DATA_ROLES:
            raise PermissionDenied("Your role does not export personal data in clear.")
        if len(reason.strip()) < 2:
            raise CommandCenterError("Say why the export needs personal data in clear.")
    grids = basedata_grid_ids(session, actor)
    id_text = (lambda v: v or "") if clear else mask_id_number
    phone_text = (lambda v: v or "") if clear else mask_phone
    from openpyxl import Workbook  # on first export, not at every start

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind)
    count = 0
    if kind == "people":
        sheet.append([c.names[0] for c in PEOPLE_COLUMNS])
        # plain columns, not ORM objects: a street's 85,000 residents in seconds
        group_names = {g.value: file_name_zh(g) for g in SpecialGroup}
        status_names = {h: file_name_zh(h) for h in HouseholdStatus}
        rows = session.execute(
            select(
                Person.name,
                Person.id_number,
                Person.phone,
                Grid.code,
                Building.name,
                House.number,
                Person.household_status,
                Person.tags,
            )
            .join(Grid, Person.grid_id == Grid.id)
            .outerjoin(House, Person.house_id == House.id)
            .outerjoin(Building, House.building_id == Building.id)
            .where(Person.grid_id.in_(grids))
            .order_by(Grid.code, Person.id)
            .execution_options(yield_per=5000)
        )
        for name, number, phone, grid, building, house, status, tags in rows:
            groups = "、".join(group_names[t] for t in tags or () if t in group_names)
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        name,
                        id_text(number),
                        phone_text(phone),
                        grid,
                        building or "",
                        house or "",
                        status_names.get(status, ""),
                        groups,
                    ],
                )
            )
            count += 1
    elif kind == "houses":
        sheet.append([c.names[0] for c in HOUSE_COLUMNS])
        rows = session.execute(
            select(House, Building, Grid.code)
            .join(Building, House.building_id == Building.id)
            .join(Grid, Building.grid_id == Grid.id)
            .where(Building.grid_id.in_(grids))
            .order_by(Grid.code, Building.name, House.number)
        )
        for h, b, grid in rows:
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        grid,
                        b.name,
                        b.address,
                        file_name_zh(b.use),
                        b.floors,
                        b.lon,
                        b.lat,
                        h.number,
                        file_name_zh(h.use),
                        h.area_m2,
                    ],
                )
            )
            count += 1
    else:
        sheet.append([c.names[0] for c in ORGANISATION_COLUMNS])
        rows = session.execute(
            select(Organisation, Grid.code)
            .join(Grid, Organisation.grid_id == Grid.id)
            .where(Organisation.grid_id.in_(grids))
            .order_by(Grid.code, Organisation.name)
        )
        for o, grid in rows:
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        o.name,
                        file_name_zh(o.kind),
                        o.credit_code or "",
                        grid,
                        o.address or "",
                        o.contact or "",
                        phone_text(o.phone),
                    ],
                )
            )
            count += 1
    try:
        workbook.save(Path(path))
    except OSError as exc:
        problem = storage_error(exc, Path(path).name)
        if problem is not None:
            raise problem from None
        raise CommandCenterError(f"Cannot write {path}: {exc.strerror or exc}") from None
    record(
        session,
        actor,
        at,
        OperationKind.EXPORT,
        f"{kind} {Path(path).name}",
        f"{count} rows, " + ("in clear" if clear else "masked"),
        reason.strip() if clear else "",
    )
    return count
