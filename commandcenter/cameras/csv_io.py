"""Cameras from and to CSV files, all or nothing.

CSV files (``import_cameras_csv`` / ``export_cameras_csv``): one header line, then one camera
a line; blank lines and lines starting with ``#`` are skipped. UTF-8 (with or without a BOM)
or GBK/GB18030. Columns in any order, names in any case (Chinese names in brackets)::

    device_id  (设备编码)   20-digit GB/T 28181 ID                        required
    name       (名称)       what the camera shows                         required
    main_url   (主码流)     rtsp://host:554/path (credentials split off)  required
    lon, lat   (经度, 纬度) WGS-84 degrees                                required
    sub_url    (子码流)     the low-resolution stream                     optional
    grid_code  (网格编码)   19-digit grid code; empty: found from the point
    enabled    (启用)       1/0, true/false, yes/no, 是/否; empty: 1
    key_site   (重点部位)   1/0 as above: offline is an alert; empty: 0
    transport  (传输协议)   tcp or udp; empty: tcp
    username   (用户名)     optional
    password   (密码)       optional

The import is all or nothing: any problem raises ``ImportRejected`` listing every problem with
its line, and nothing is written. An export writes the same columns without ``username`` and
``password`` (UTF-8 with a BOM, so spreadsheets show the Chinese names); importing it again
with ``replace`` changes nothing and keeps the stored credentials — in an import with
``replace``, as in ``update_camera``, a blank password (and a blank user name) keeps the stored
one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.cameras.registry import (
    CHUNK,
    CameraImportResult,
    CameraInput,
    RegistryContext,
    Resolved,
    check_one,
    log,
    require_administrator,
    text_of,
    write_camera,
)
from commandcenter.cameras.urls import display_url
from commandcenter.domain.enums import StreamTransport
from commandcenter.errors import CommandCenterError, ImportRejected, storage_error
from commandcenter.storage.models import Camera, CameraCredential, Grid
from commandcenter.tabular import csv_cell_read, csv_row
from commandcenter.textfiles import read_text

CSV_COLUMNS = (
    "device_id",
    "name",
    "main_url",
    "sub_url",
    "lon",
    "lat",
    "grid_code",
    "enabled",
    "key_site",
    "transport",
    "username",
    "password",
)
EXPORT_COLUMNS = CSV_COLUMNS[:-2]  # never the credentials
REQUIRED_COLUMNS = ("device_id", "name", "main_url", "lon", "lat")
COLUMN_ALIASES = {
    "设备编码": "device_id",
    "设备编号": "device_id",
    "国标编码": "device_id",
    "device id": "device_id",
    "名称": "name",
    "主码流": "main_url",
    "主码流地址": "main_url",
    "url": "main_url",
    "子码流": "sub_url",
    "子码流地址": "sub_url",
    "经度": "lon",
    "longitude": "lon",
    "纬度": "lat",
    "latitude": "lat",
    "网格编码": "grid_code",
    "grid": "grid_code",
    "启用": "enabled",
    "重点部位": "key_site",
    "重点": "key_site",
    "传输协议": "transport",
    "用户名": "username",
    "user": "username",
    "密码": "password",
}
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "启用", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "否", "停用", "禁用", "off"})


def _column(name: str) -> str:
    key = name.strip().lower()
    key = COLUMN_ALIASES.get(key, key)
    key = key.replace(" ", "_").replace("-", "_")
    return COLUMN_ALIASES.get(key, key)


def _flag(values: dict[str, str], key: str, default: bool, problems: list[str]) -> bool:
    """A yes/no cell; empty is ``default``, anything else unknown is a problem."""
    text = values.get(key, "").lower()
    if not text:
        return default
    if text not in TRUE_WORDS | FALSE_WORDS:
        problems.append(f"{key} {values[key]!r} should be 1 (yes, 是) or 0 (no, 否)")
    return text in TRUE_WORDS


def _reject_file(reason: str) -> ImportRejected:
    """The error for a file that cannot be read at all: one clear line, no list."""
    return ImportRejected(f"The camera file was not imported: {reason}; nothing changed.", [])


def _read_header(where: str, cells: list[str]) -> list[str]:
    header = [_column(cell) for cell in cells]
    problems = []
    unknown = [cell for cell, key in zip(cells, header, strict=True) if key not in CSV_COLUMNS]
    if unknown:
        problems.append(
            f"{where}: unknown column(s) {', '.join(map(repr, unknown))}; the columns are "
            f"{', '.join(CSV_COLUMNS)}"
        )
    twice = sorted({key for key in header if key and header.count(key) > 1})
    if twice:
        problems.append(f"{where}: column(s) {', '.join(twice)} given twice")
    missing = [key for key in REQUIRED_COLUMNS if key not in header]
    if missing:
        problems.append(
            f"{where}: the header lacks the column(s) {', '.join(missing)}; the first line "
            f"names the columns: {', '.join(CSV_COLUMNS)}"
        )
    if problems:
        raise ImportRejected(
            "The camera file was not imported: its header line is wrong; nothing changed.",
            problems,
        )
    return header


def _parse_csv(path: Path) -> list[tuple[int, CameraInput | None, list[str]]]:
    """(line number, input or None, problems) of each camera line of the file."""
    name = path.name
    try:
        text = read_text(path)
    except FileNotFoundError:
        raise _reject_file(f"there is no file {path}") from None
    except OSError as exc:
        raise _reject_file(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise _reject_file(f"{name} {exc}") from None
    try:
        records = list(enumerate(csv.reader(io.StringIO(text), strict=True), start=1))
    except csv.Error as exc:
        raise _reject_file(f"{name} is not a valid CSV file ({exc})") from None
    header: list[str] | None = None
    rows: list[tuple[int, CameraInput | None, list[str]]] = []
    for line, record in records:
        cells = [cell.strip() for cell in record]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if header is None:
            header = _read_header(f"{name}:{line}", cells)
            continue
        while len(cells) > len(header) and not cells[-1]:
            cells.pop()
        if len(cells) > len(header):
            rows.append(
                (
                    line,
                    None,
                    [
                        f"{len(cells)} cells but {len(header)} columns (a comma inside a "
                        'value needs quotes: "…")'
                    ],
                )
            )
            continue
        values = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        # the quote an export puts before formula-like text (a name "=…") comes off again
        values = {
            key: value if key in ("username", "password") else csv_cell_read(value)
            for key, value in values.items()
        }
        problems: list[str] = []
        data = CameraInput(
            device_id=values["device_id"],
            name=values["name"],
            main_url=values["main_url"],
            sub_url=values.get("sub_url") or None,
            lon=values["lon"],
            lat=values["lat"],
            grid_code=values.get("grid_code") or None,
            enabled=_flag(values, "enabled", True, problems),
            key_site=_flag(values, "key_site", False, problems),
            transport=values.get("transport") or None,
            username=values.get("username") or None,
            password=values.get("password") or None,
        )
        rows.append((line, data, problems))
    if header is None:
        raise _reject_file(f"{name} is empty (not even a header line)")
    if not rows:
        raise _reject_file(f"{name} holds no cameras, only the header")
    return rows


def import_cameras_csv(
    session: Session, actor: Actor, path: Path | str, *, replace: bool = False
) -> CameraImportResult:
    """Check and store the cameras of a CSV file (layout in the module's docstring), all or
    nothing: any problem raises ``ImportRejected`` listing every one with its line.

    ``replace``: a device ID already registered updates that camera (inside the actor's
    jurisdiction; blank credentials keep the stored ones); otherwise it is a problem. Works
    inside the caller's transaction."""
    require_administrator(actor, "import cameras")
    path = Path(path)
    rows = _parse_csv(path)
    ctx = RegistryContext(session, actor, [data for _, data, _ in rows if data is not None])
    existing_ids = [camera_id for camera_id, _, _ in ctx.cameras.values()]
    credentials: set[int] = set()
    for start in range(0, len(existing_ids), CHUNK):
        credentials.update(
            session.scalars(
                select(CameraCredential.camera_id).where(
                    CameraCredential.camera_id.in_(existing_ids[start : start + CHUNK])
                )
            )
        )
    first_line: dict[str, int] = {}
    checked: list[tuple[int | None, Resolved]] = []
    problems: list[str] = []
    bad_lines = 0
    for line, data, found in rows:
        device_id = text_of(data.device_id) if data is not None else ""
        where = f"{path.name}:{line}" + (f" ({device_id})" if device_id else "")
        resolved = camera_id = None
        if data is not None:
            if device_id in first_line:
                found.append(f"device ID {device_id} is also on line {first_line[device_id]}")
            elif device_id:
                first_line[device_id] = line
            existing = ctx.cameras.get(device_id)
            if existing is not None:
                if not replace:
                    found.append(
                        f"device ID {device_id} is already registered (camera {existing[1]}); "
                        "import with replace (--replace) to update it"
                    )
                elif not actor.governs_center(existing[2]):
                    found.append(
                        f"device ID {device_id} belongs to a camera outside your jurisdiction"
                    )
                else:
                    camera_id = existing[0]
            # The existing camera's own ID is no duplicate here: it was judged just above.
            same = existing[0] if existing is not None else None
            resolved, more, _ = check_one(ctx, data, same, camera_id in credentials)
            found += more
        if found:
            bad_lines += 1
            problems += [f"{where}: {problem}" for problem in found]
        elif resolved is not None:
            checked.append((camera_id, resolved))
    if problems:
        raise ImportRejected(
            f"The camera file {path.name} was not imported: {len(problems)} problem(s) in "
            f"{bad_lines} of {len(rows)} line(s); nothing changed.",
            problems,
        )
    inserted = updated = 0
    written = []
    for camera_id, resolved in checked:
        if camera_id is None:
            camera = Camera()
            inserted += 1
        else:
            camera = session.get(Camera, camera_id)
            updated += 1
        write_camera(session, camera, resolved)
        written.append(camera)
    session.flush()
    log.info(
        "%d camera(s) imported from %s by %s (%d new, %d updated)",
        len(checked),
        path.name,
        actor.username,
        inserted,
        updated,
    )
    return CameraImportResult(
        path=path,
        rows=len(checked),
        inserted=inserted,
        updated=updated,
        camera_ids=frozenset(camera.id for camera in written),
    )


def export_cameras_csv(session: Session, actor: Actor, path: Path | str) -> int:
    """Write the cameras of the actor's jurisdiction as CSV (``EXPORT_COLUMNS``: no user names
    or passwords; UTF-8 with a BOM). ``import_cameras_csv`` reads it back. Returns the count."""
    rows = session.execute(
        select(Camera, Grid.code)
        .outerjoin(Grid, Camera.grid_id == Grid.id)
        .where(Camera.center_id.in_(actor.jurisdiction_center_ids))
        .order_by(Camera.device_id)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for camera, grid_code in rows:
        writer.writerow(
            csv_row(
                [
                    camera.device_id,
                    camera.name,
                    display_url(camera.main_url),
                    display_url(camera.sub_url) if camera.sub_url else "",
                    f"{camera.lon:.7f}",
                    f"{camera.lat:.7f}",
                    grid_code or "",
                    1 if camera.enabled else 0,
                    1 if camera.key_site else 0,
                    StreamTransport(camera.transport).value,
                ]
            )
        )
    try:
        Path(path).write_text(out.getvalue(), encoding="utf-8-sig")
    except OSError as exc:
        problem = storage_error(exc, Path(path).name)
        if problem is not None:
            raise problem from None
        raise CommandCenterError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return len(rows)
