"""The camera registry: what a good camera stores, every bad input named, credentials kept out
of URLs, reprs and logs, CSV import all or nothing, export round trip, who may write, and the
URL test against a few lines of fake RTSP server."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import func, select

import commandcenter.cameras.url_test as url_test
from commandcenter.cameras import sealing
from commandcenter.cameras.csv_io import export_cameras_csv, import_cameras_csv
from commandcenter.cameras.registry import (
    CameraInput,
    CameraRejected,
    OutsideJurisdiction,
    add_camera,
    load_camera,
    update_camera,
    validate_camera,
)
from commandcenter.cameras.rows import camera_rows
from commandcenter.domain.enums import Role, StreamTransport
from commandcenter.errors import CommandCenterError, ImportRejected, PermissionDenied
from commandcenter.storage import open_database
from commandcenter.storage.models import Camera, CameraCredential, User

try:  # tests/ as a package or as a plain folder on sys.path
    from .test_video_stream import FakeCamera as StreamFakeCamera
    from .test_video_stream import closed_port
    from .workflow_district import District, build_district
except ImportError:
    from test_video_stream import FakeCamera as StreamFakeCamera
    from test_video_stream import closed_port
    from workflow_district import District, build_district

# The hand-built district (tests/workflow_district.py): community c1 (东安社区) spans
# lon 119.90–119.91 with grid G1 on its western half; c2 (春晖社区) spans 119.91–119.92 with
# grid G2 on its western half; lat 32.48–32.49 for all.
IN_G1 = (119.902, 32.485)
IN_C1_NO_GRID = (119.907, 32.485)
IN_G2 = (119.912, 32.485)
NOWHERE = (120.5, 32.0)  # in China, outside the district
G1_CODE, G2_CODE = "3212020010000100101", "3212020010000200101"
SECRET = "s3cret-Pw!"


def device(serial: int, kind: str = "131") -> str:
    return f"32120200{'00'}{kind}1{serial:06d}"


def camera(serial: int = 1, point=IN_G1, **fields) -> CameraInput:
    values = {
        "device_id": device(serial),
        "name": f"路口{serial}",
        "main_url": f"rtsp://10.0.0.{serial}:554/h264/main",
        "lon": point[0],
        "lat": point[1],
    }
    values.update(fields)
    return CameraInput(**values)


class Site:
    """The district in a database, with actors; c1admin is an administrator of 东安社区 only."""

    def __init__(self, url: str):
        self.database = open_database(url)
        with self.database.session() as session, session.begin():
            self.district: District = build_district(session)
            c1admin = User(
                username="c1admin",
                display_name="c1admin",
                role=Role.ADMINISTRATOR,
                center_id=self.district.centers["c1"],
            )
            session.add(c1admin)
            session.flush()
            self.district.users["c1admin"] = c1admin.id

    def actor(self, username: str = "admin"):
        with self.database.session() as session:
            return self.district.actor(session, username)

    def write(self, fn, *args, username: str = "admin", **kwargs):
        actor = self.actor(username)
        with self.database.session() as session, session.begin():
            return fn(session, actor, *args, **kwargs)

    def count(self) -> int:
        with self.database.session() as session:
            return session.scalar(select(func.count(Camera.id)))

    def stored(self, device_id: str) -> tuple[Camera, OpenedCredential | None]:
        """The camera's row and its credentials, the password opened with the key file (the
        stored value is never the password itself)."""
        with self.database.session() as session:
            row = session.scalar(select(Camera).where(Camera.device_id == device_id))
            credential = session.get(CameraCredential, row.id)
            session.expunge_all()
        if credential is None:
            return row, None
        if credential.password:
            assert sealing.is_sealed(credential.password), "a password stored in clear"
        opened = sealing.open_sealed(row.id, credential.password)
        return row, OpenedCredential(credential.username, opened)


class OpenedCredential(NamedTuple):
    username: str
    password: str


@pytest.fixture
def site(db_url):
    made = Site(db_url)
    yield made
    made.database.dispose()


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    """One SQLite district for the many read-only validation cases."""
    made = Site(f"sqlite:///{tmp_path_factory.mktemp('cameras') / 'v.db'}")
    yield made
    made.database.dispose()


def problems_of(site: Site, data: CameraInput, username: str = "admin") -> list[str]:
    actor = site.actor(username)
    with site.database.session() as session:
        return validate_camera(session, data, actor=actor)


# --- a good camera --------------------------------------------------------------------------


def test_a_valid_camera_is_stored_in_the_grid_and_center_of_its_point(site):
    assert problems_of(site, camera()) == []
    camera_id = site.write(add_camera, camera(sub_url="rtsp://10.0.0.1:554/h264/sub"))
    row, credential = site.stored(device(1))
    assert row.id == camera_id
    assert row.grid_id == site.district.grids["G1"]
    assert row.center_id == site.district.centers["c1"]
    assert row.main_url == "rtsp://10.0.0.1:554/h264/main"
    assert row.sub_url == "rtsp://10.0.0.1:554/h264/sub"
    assert row.transport is StreamTransport.TCP and row.enabled
    assert credential is None
    listed = camera_rows(site.database.session(), site.actor("cduty1"))
    assert [c.device_id for c in listed] == [device(1)]
    assert listed[0].grid_name == "东安社区第01网格"


def test_a_point_in_a_community_without_grid_belongs_to_its_center(site):
    site.write(add_camera, camera(2, IN_C1_NO_GRID, transport="UDP", enabled=False))
    row, _ = site.stored(device(2))
    assert row.grid_id is None and row.center_id == site.district.centers["c1"]
    assert row.transport is StreamTransport.UDP and not row.enabled


def test_a_given_grid_code_is_used_when_the_point_is_near_it(site):
    # 50 m west of G2's edge (lon 119.91) is still G2's camera when the grid is named.
    site.write(add_camera, camera(3, (119.9095, 32.485), grid_code=G2_CODE))
    row, _ = site.stored(device(3))
    assert row.grid_id == site.district.grids["G2"]
    assert row.center_id == site.district.centers["c2"]


# --- every kind of bad input, named -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"device_id": ""}, "the device ID is missing"),
        ({"device_id": "3212020000131100001"}, "must have 20 digits, this one has 19"),
        ({"device_id": "3212020000131100000X"}, "digits only"),
        ({"device_id": device(1, kind="118")}, "type 118 is not a camera"),
        ({"device_id": "99120200001311000001"}, "does not start with a province"),
        ({"device_id": "32120200001319000001"}, "network digit 9 is reserved"),
        ({"device_id": "32120200001311000000"}, "serial number is 000000"),
        ({"name": "  "}, "the name is missing"),
        ({"name": "名" * 101}, "longer than 100 characters"),
        ({"main_url": ""}, "main URL: the stream URL is empty"),
        ({"main_url": "htp://10.0.0.1/x"}, "main URL: the URL should start with rtsp://"),
        ({"main_url": "rtsp:///live"}, "main URL: the URL names no host"),
        ({"main_url": "rtsp://10.0.0.1:99999/x"}, "main URL: the URL's port"),
        ({"main_url": "rtsp://10.0.0.1/" + "x" * 500}, "longer than 500 characters"),
        ({"sub_url": "rtsp://"}, "sub-stream URL: the URL names no host"),
        ({"transport": "quic"}, "transport 'quic' is not tcp or udp"),
        ({"lon": "abc"}, "the longitude 'abc' is not a number"),
        ({"lat": None}, "the latitude is missing"),
        ({"lon": "nan"}, "the longitude 'nan' is not a number"),
        ({"lon": 10.0, "lat": 200.0}, "is outside China"),
        ({"lon": 32.485, "lat": 119.902}, "longitude and latitude seem swapped"),
        ({"lon": NOWHERE[0], "lat": NOWHERE[1]}, "lies in no grid or unit of your jurisdiction"),
        ({"grid_code": "3212020010000900101"}, "there is no grid 3212020010000900101"),
        ({"grid_code": G2_CODE}, "m outside grid 3212020010000200101"),
        ({"password": SECRET}, "a password is given without a user name"),
        (
            {"main_url": "rtsp://a:x@10.0.0.1/m", "sub_url": "rtsp://b:y@10.0.0.1/s"},
            "the sub-stream URL carries other credentials",
        ),
        (
            {"main_url": "rtsp://admin@10.0.0.1/m", "username": "viewer"},
            "the user name in the URL differs",
        ),
        (
            {"main_url": "rtsp://admin:one@10.0.0.1/m", "password": "two"},
            "the password in the URL differs",
        ),
        ({"username": "u" * 101}, "the user name is longer than 100"),
    ],
)
def test_each_bad_input_is_named(sqlite_site, fields, expected):
    found = problems_of(sqlite_site, camera(**fields))
    assert any(expected in problem for problem in found), found
    assert not any("Traceback" in problem for problem in found)


def test_all_problems_are_named_at_once_and_nothing_is_written(site):
    bad = camera(
        device_id=device(1, kind="118"),
        name="",
        main_url="htp://x",
        transport="quic",
        lon="east",
    )
    with pytest.raises(CameraRejected) as caught:
        site.write(add_camera, bad)
    text = "\n".join(caught.value.problems)
    for expected in ("type 118", "name is missing", "main URL", "quic", "longitude 'east'"):
        assert expected in text
    assert "5 problem(s)" in str(caught.value)
    assert site.count() == 0


def test_a_registered_device_id_is_a_duplicate(site):
    site.write(add_camera, camera(1))
    with pytest.raises(CameraRejected) as caught:
        site.write(add_camera, camera(1, IN_C1_NO_GRID, name="another"))
    assert caught.value.problems == [f"device ID {device(1)} is already registered (camera 路口1)"]
    assert site.count() == 1


def test_the_division_list_checks_the_center_code_when_imported(sqlite_site):
    from commandcenter.storage.models import DivisionCode

    with sqlite_site.database.session() as session, session.begin():
        session.add(DivisionCode(code="320000000000", name="江苏省", level="province"))
    try:
        found = problems_of(sqlite_site, camera())
        assert any("division 321202 is not in the division list" in p for p in found), found
    finally:
        with sqlite_site.database.session() as session, session.begin():
            session.execute(DivisionCode.__table__.delete())


# --- credentials --------------------------------------------------------------------------------


def test_credentials_typed_into_the_url_are_stored_apart(site, caplog):
    caplog.set_level(logging.DEBUG)
    data = camera(main_url=f"rtsp://admin:{SECRET}@10.0.0.1:554/h264/main")
    assert SECRET not in repr(data) and SECRET not in str(data)
    camera_id = site.write(add_camera, data)
    row, credential = site.stored(device(1))
    assert row.main_url == "rtsp://10.0.0.1:554/h264/main"
    assert (credential.username, credential.password) == ("admin", SECRET)
    with site.database.session() as session:
        cameras_table = session.execute(select(Camera.__table__)).all()
        stored = load_camera(session, site.actor(), camera_id)
    assert SECRET not in repr(cameras_table) and "admin" not in repr(cameras_table)
    assert SECRET not in repr(stored) and stored.has_credentials
    assert stored.data.password is None and stored.data.username is None
    assert SECRET not in caplog.text


def test_credential_fields_are_stored_and_a_blank_password_keeps_the_stored_one(site, caplog):
    caplog.set_level(logging.DEBUG)
    data = camera(username="viewer", password=SECRET)
    assert SECRET not in repr(data)
    camera_id = site.write(add_camera, data)
    _, credential = site.stored(device(1))
    assert (credential.username, credential.password) == ("viewer", SECRET)

    site.write(update_camera, camera_id, camera(name="新名字"))  # nothing typed: kept
    row, credential = site.stored(device(1))
    assert row.name == "新名字" and (credential.username, credential.password) == ("viewer", SECRET)

    site.write(update_camera, camera_id, camera(username="operator"))  # password kept
    _, credential = site.stored(device(1))
    assert (credential.username, credential.password) == ("operator", SECRET)

    site.write(update_camera, camera_id, camera(password="new-Pw-2"))  # user name kept
    _, credential = site.stored(device(1))
    assert (credential.username, credential.password) == ("operator", "new-Pw-2")

    site.write(update_camera, camera_id, camera(forget_credentials=True))
    _, credential = site.stored(device(1))
    assert credential is None
    assert SECRET not in caplog.text and "new-Pw-2" not in caplog.text


def test_update_moves_a_camera_and_checks_like_add(site):
    first = site.write(add_camera, camera(1))
    site.write(add_camera, camera(2, IN_G2))
    site.write(update_camera, first, camera(1, IN_G2, name="moved"))
    row, _ = site.stored(device(1))
    assert row.grid_id == site.district.grids["G2"] and row.center_id == site.district.centers["c2"]
    with pytest.raises(CameraRejected) as caught:  # another camera's ID
        site.write(update_camera, first, camera(2, IN_G2))
    assert "already registered" in caught.value.problems[0]
    site.write(update_camera, first, camera(1, IN_G2, name="same id is fine"))
    with pytest.raises(CommandCenterError, match="no camera #999"):
        site.write(update_camera, 999, camera(1))


# --- who may write --------------------------------------------------------------------------------


def test_only_an_administrator_writes(site, tmp_path):
    camera_id = site.write(add_camera, camera(1))
    path = tmp_path / "c.csv"
    path.write_text(
        f"device_id,name,main_url,lon,lat\n{device(5)},x,rtsp://h/,{IN_G1[0]},{IN_G1[1]}\n"
    )
    for username in ("cduty1", "duty", "supervisor", "leader1", "dispatcher"):
        with pytest.raises(PermissionDenied, match="Only an administrator"):
            site.write(add_camera, camera(2), username=username)
        with pytest.raises(PermissionDenied):
            site.write(update_camera, camera_id, camera(1), username=username)
        with pytest.raises(PermissionDenied):
            site.write(import_cameras_csv, path, username=username)
        with pytest.raises(PermissionDenied):
            site.write(load_camera, camera_id, username=username)
    assert site.count() == 1


def test_an_administrator_writes_only_inside_the_jurisdiction(site):
    in_c2 = site.write(add_camera, camera(2, IN_G2))
    site.write(add_camera, camera(1), username="c1admin")  # c1 is theirs
    with pytest.raises(OutsideJurisdiction) as caught:
        site.write(add_camera, camera(3, IN_G2), username="c1admin")
    assert isinstance(caught.value, PermissionDenied)
    assert (
        "lies in grid 3212020010000200101 春晖社区第01网格, outside your jurisdiction"
        in (caught.value.problems[0])
    )
    with pytest.raises(OutsideJurisdiction) as caught:
        site.write(add_camera, camera(3, grid_code=G2_CODE), username="c1admin")
    assert "outside your jurisdiction" in caught.value.problems[0]
    with pytest.raises(PermissionDenied, match="outside your jurisdiction"):
        site.write(update_camera, in_c2, camera(2, IN_G1), username="c1admin")
    with pytest.raises(PermissionDenied):
        site.write(load_camera, in_c2, username="c1admin")
    assert site.count() == 2
    # The county administrator's jurisdiction holds both communities.
    site.write(add_camera, camera(3, IN_G2))


# --- CSV import and export ------------------------------------------------------------------------


def write_csv(tmp_path: Path, lines: list[str], name="cameras.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


HEADER = "device_id,name,main_url,sub_url,lon,lat,grid_code,enabled,transport,username,password"


def line(serial: int, point=IN_G1, **fields) -> str:
    values = {
        "device_id": device(serial),
        "name": f"路口{serial}",
        "main_url": f"rtsp://10.0.0.{serial}/main",
        "sub_url": "",
        "lon": str(point[0]),
        "lat": str(point[1]),
        "grid_code": "",
        "enabled": "1",
        "transport": "",
        "username": "",
        "password": "",
    }
    values.update(fields)
    return ",".join(values[key] for key in HEADER.split(","))


def test_a_good_file_imports_with_credentials_apart(site, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    path = write_csv(
        tmp_path,
        [
            "# cameras of 东安 and 春晖",
            HEADER,
            line(1, username="admin", password=SECRET),
            line(2, IN_G2, main_url=f"rtsp://viewer:{SECRET}@10.0.0.2/main", enabled="否"),
            "",
            line(3, IN_C1_NO_GRID, transport="udp", sub_url="rtsp://10.0.0.3/sub"),
        ],
        encoding="utf-8-sig",
    )
    result = site.write(import_cameras_csv, path)
    assert (result.rows, result.inserted, result.updated) == (3, 3, 0)
    assert result.summary() == "Imported 3 camera(s) from cameras.csv: 3 new, 0 updated."
    row, credential = site.stored(device(2))
    assert row.main_url == "rtsp://10.0.0.2/main" and not row.enabled
    assert (credential.username, credential.password) == ("viewer", SECRET)
    row, credential = site.stored(device(3))
    assert row.transport is StreamTransport.UDP and credential is None and row.grid_id is None
    assert SECRET not in caplog.text


def test_a_gbk_file_with_chinese_headers_imports(site, tmp_path):
    path = write_csv(
        tmp_path,
        [
            "设备编码,名称,主码流,经度,纬度,网格编码,启用",
            f"{device(7)},东安社区北门,rtsp://10.0.0.7/main,{IN_G1[0]},{IN_G1[1]},{G1_CODE},是",
        ],
        name="gbk.csv",
        encoding="gbk",
    )
    result = site.write(import_cameras_csv, path)
    assert result.inserted == 1
    row, _ = site.stored(device(7))
    assert row.name == "东安社区北门" and row.enabled


def test_a_bad_file_changes_nothing_and_names_every_line(site, tmp_path):
    site.write(add_camera, camera(9))
    path = write_csv(
        tmp_path,
        [
            HEADER,
            line(1),  # good
            line(2, device_id=device(2, kind="118")),  # not a camera
            line(3, main_url="http//10.0.0.3"),  # bad URL
            line(4, NOWHERE),  # outside the district
            line(5),
            line(5, IN_G2),  # duplicate in the file
            line(9),  # duplicate in the database
            line(6, enabled="maybe"),
            line(8) + ",extra",
        ],
    )
    with pytest.raises(ImportRejected) as caught:
        site.write(import_cameras_csv, path)
    problems = caught.value.problems
    report = caught.value.report(limit=len(problems))
    expected = [
        f"cameras.csv:3 ({device(2, kind='118')}): device ID {device(2, kind='118')}: "
        "type 118 is not a camera",
        f"cameras.csv:4 ({device(3)}): main URL: the URL should start with rtsp://",
        f"cameras.csv:5 ({device(4)}): the point (120.500000, 32.000000) lies in no grid",
        f"cameras.csv:7 ({device(5)}): device ID {device(5)} is also on line 6",
        f"cameras.csv:8 ({device(9)}): device ID {device(9)} is already registered (camera "
        "路口9); import with replace (--replace) to update it",
        "cameras.csv:9 (",
        "enabled 'maybe' should be 1",
        "cameras.csv:10: 12 cells but 11 columns",
    ]
    for text in expected:
        assert text in report, (text, report)
    assert "cameras.csv:2 " not in report and "cameras.csv:6 " not in report
    assert "nothing changed" in str(caught.value) and "in 7 of 9 line(s)" in str(caught.value)
    assert site.count() == 1


def test_a_file_outside_the_jurisdiction_is_refused(site, tmp_path):
    other = site.write(add_camera, camera(9, IN_G2))
    path = write_csv(tmp_path, [HEADER, line(1), line(2, IN_G2), line(9, IN_G1)])
    with pytest.raises(ImportRejected) as caught:
        site.write(import_cameras_csv, path, replace=True, username="c1admin")
    report = caught.value.report()
    assert f"cameras.csv:3 ({device(2)}): the point (119.912000, 32.485000) lies in grid" in report
    assert f"cameras.csv:4 ({device(9)}): device ID {device(9)} belongs to a camera outside" in (
        report
    )
    assert "cameras.csv:2 " not in report
    assert site.count() == 1 and site.stored(device(9))[0].id == other


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "is empty"),
        ("device_id,name,main_url,lon,lat\n", "holds no cameras"),
        ("device_id,name,lon,lat\nx,y,1,2\n", "the header lacks the column(s) main_url"),
        ("device_id,name,main_url,lon,lat,colour\n", "unknown column(s) 'colour'"),
        ("device_id,name,main_url,lon,lat,经度\n", "column(s) lon given twice"),
    ],
)
def test_unreadable_files_are_one_clear_line(sqlite_site, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        sqlite_site.write(import_cameras_csv, path)
    assert expected in caught.value.report()
    assert "nothing changed" in str(caught.value)


def test_a_binary_or_missing_file_is_refused(sqlite_site, tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(ImportRejected, match="not a text file"):
        sqlite_site.write(import_cameras_csv, binary)
    with pytest.raises(ImportRejected, match="there is no file"):
        sqlite_site.write(import_cameras_csv, tmp_path / "missing.csv")


def test_export_round_trips_without_credentials(site, tmp_path):
    site.write(add_camera, camera(1, username="admin", password=SECRET))
    site.write(
        add_camera,
        camera(2, IN_C1_NO_GRID, main_url=f"rtsp://v:{SECRET}@10.0.0.2/m", transport="udp"),
    )
    site.write(add_camera, camera(3, IN_G2, sub_url="rtsp://10.0.0.3/sub", enabled=False))
    before = {d: site.stored(d) for d in (device(1), device(2), device(3))}
    path = tmp_path / "export.csv"
    assert site.write(export_cameras_csv, path) == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for spreadsheets
    text = raw.decode("utf-8-sig")
    assert (
        text.splitlines()[0]
        == "device_id,name,main_url,sub_url,lon,lat,grid_code,enabled,key_site,transport"
    )
    assert SECRET not in text and "admin" not in text and "v:" not in text
    assert f"{device(3)},路口3,rtsp://10.0.0.3:554/h264/main,rtsp://10.0.0.3/sub" in text

    # Importing the export again changes nothing, credentials included.
    result = site.write(import_cameras_csv, path, replace=True)
    assert (result.inserted, result.updated) == (0, 3)
    for device_id, (row, credential) in before.items():
        again, credential_again = site.stored(device_id)
        for column in ("name", "main_url", "sub_url", "lon", "lat", "grid_id", "center_id"):
            assert getattr(again, column) == getattr(row, column), column
        assert (again.enabled, again.transport) == (row.enabled, row.transport)
        assert (credential_again and (credential_again.username, credential_again.password)) == (
            credential and (credential.username, credential.password)
        )
    # Without replace, the same file is refused: every camera is already registered.
    with pytest.raises(ImportRejected) as caught:
        site.write(import_cameras_csv, path)
    assert len(caught.value.problems) == 3
    # The community administrator exports only their own cameras.
    assert site.write(export_cameras_csv, tmp_path / "c1.csv", username="c1admin") == 2


# --- testing a URL ----------------------------------------------------------------------------


class FakeCamera(StreamFakeCamera):
    """The stream tests' few lines of RTSP server, answering DESCRIBE with ``status``; with a
    ``password`` it asks for Digest credentials and answers 200 only to the right response
    (401 otherwise)."""

    def __init__(self, status: int = 200, username: str = "admin", password: str | None = None):
        self.username, self.password = username, password
        super().__init__(status)

    def reply(self, method: str, target: str, headers: dict[str, str]) -> str:
        answer = f"{self.status} Answer"
        if self.password is not None:
            fields = dict(re.findall(r'(\w+)="([^"]*)"', headers.get("authorization", "")))

            def md5(text: str) -> str:
                return hashlib.md5(text.encode()).hexdigest()

            ha1 = md5(f"{self.username}:cam:{self.password}")
            expected = md5(f"{ha1}:n0nce:{md5(f'DESCRIBE:{target}')}")
            if not fields or not (
                fields.get("username") == self.username and fields.get("response") == expected
            ):
                answer = '401 Unauthorized\r\nWWW-Authenticate: Digest realm="cam", nonce="n0nce"'
        return f"RTSP/1.0 {answer}\r\nCSeq: {{}}\r\n\r\n"


@pytest.fixture
def fake_camera():
    made: list[FakeCamera] = []

    def make(*args, **kwargs) -> FakeCamera:
        made.append(FakeCamera(*args, **kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_a_camera_that_answers_is_live(fake_camera):
    verdict = url_test.test_camera_url(fake_camera(200).url(), timeout=2)
    assert verdict.verdict == "live" and verdict.ok and "RTSP 200" in verdict.detail


def test_the_right_credentials_are_live_and_wrong_ones_unauthorised(fake_camera, caplog):
    caplog.set_level(logging.DEBUG)
    server = fake_camera(200, password=SECRET)
    assert url_test.test_camera_url(server.url(), "admin", SECRET, timeout=2).verdict == "live"
    inside = url_test.test_camera_url(
        server.url().replace("rtsp://", f"rtsp://admin:{SECRET}@"), timeout=2
    )
    assert inside.verdict == "live"
    wrong = url_test.test_camera_url(server.url(), "admin", "wrong-" + SECRET, timeout=2)
    assert wrong.verdict == "unauthorised" and "refused" in wrong.detail
    missing = url_test.test_camera_url(server.url(), timeout=2)
    assert missing.verdict == "unauthorised" and "asks for credentials" in missing.detail
    # The password went as a Digest response, never in the clear, and is in no detail or log.
    assert not any(SECRET in value for _, headers in server.requests for value in headers.values())
    for verdict in (inside, wrong, missing):
        assert SECRET not in verdict.detail and SECRET not in repr(verdict)
    assert SECRET not in caplog.text


def test_a_wrong_path_or_address_is_a_bad_url(fake_camera, tmp_path):
    assert url_test.test_camera_url(fake_camera(404).url("/nope"), timeout=2).verdict == "bad_url"
    malformed = url_test.test_camera_url("rtsp//10.0.0.1/live", timeout=2)
    assert malformed.verdict == "bad_url" and "rtsp://" in malformed.detail
    assert url_test.test_camera_url("rtsp://no-such-host.invalid/x", timeout=2).verdict in (
        "bad_url",
        "offline",  # a resolver that cannot answer now says "offline"
    )
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"not really a video")
    assert url_test.test_camera_url(clip.as_uri()).verdict == "live"
    assert url_test.test_camera_url((tmp_path / "gone.mp4").as_uri()).verdict == "bad_url"


def test_nobody_answering_is_offline(fake_camera):
    offline = url_test.test_camera_url(
        f"rtsp://admin:{SECRET}@127.0.0.1:{closed_port()}/live", timeout=1
    )
    assert offline.verdict == "offline" and "refuses the connection" in offline.detail
    assert SECRET not in offline.detail
    assert url_test.test_camera_url(fake_camera(503).url(), timeout=2).verdict == "offline"
    http = url_test.test_camera_url(f"http://127.0.0.1:{closed_port()}/x", timeout=1)
    assert http.verdict == "offline"
