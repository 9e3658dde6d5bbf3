"""Import of the NBS division-code list: the real files import; bad files change nothing."""

import pytest
from sqlalchemy import func, select

from commandcenter.domain.enums import AdminLevel
from commandcenter.errors import ImportRejected
from commandcenter.geo.divisions import import_divisions
from commandcenter.storage import open_database
from commandcenter.storage.models import DivisionCode

try:
    from .shared_data import SHARED_DATA, shared_file
except ImportError:
    from shared_data import SHARED_DATA, shared_file

ADMIN = SHARED_DATA / "admin-divisions"
HAILING = SHARED_DATA / "hailing-321202-villages.csv"


@pytest.fixture(autouse=True)
def shared_data_present():
    shared_file("admin-divisions", "provinces.csv")
    shared_file("hailing-321202-villages.csv")


@pytest.fixture
def database(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'd.db'}")
    yield db
    db.dispose()


def count(database) -> int:
    with database.session() as s:
        return s.scalar(select(func.count()).select_from(DivisionCode))


def run_import(database, *paths):
    with database.session() as s, s.begin():
        return import_divisions(s, paths)


def test_real_nbs_files_import(database):
    result = run_import(database, ADMIN, HAILING)
    assert result.by_level[AdminLevel.PROVINCE] == 31
    assert result.by_level[AdminLevel.CITY] == 342
    assert result.by_level[AdminLevel.TOWNSHIP] == 41352
    assert result.by_level[AdminLevel.COMMUNITY] == 135
    with database.session() as s:
        street = s.get(DivisionCode, "321202001000")
        assert street.name == "城东街道" and street.parent_code == "321202000000"
        assert s.get(DivisionCode, "321202001002").level == AdminLevel.COMMUNITY


def test_import_again_replaces_without_duplicates(database):
    run_import(database, ADMIN / "provinces.csv")
    run_import(database, ADMIN / "provinces.csv")
    assert count(database) == 31


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_gbk_file_is_read(database, tmp_path):
    path = write(tmp_path, "p.csv", 'code,name\n32,"江苏省"\n', encoding="gbk")
    run_import(database, path)
    with database.session() as s:
        assert s.get(DivisionCode, "320000000000").name == "江苏省"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("just,some\nrandom,words\n", "unknown layout"),
        ('code,name\n32,"江苏省"\n3201X,"南京市"\n', "3201X"),
        ('code,name\n32,"江苏省"\n3201,\n', "has no name"),
        ('code,name\n32,"江苏省"\n32,"浙江省"\n', "'江苏省' at"),
        ('code,name\n330102,"上城区"\n', "parent 330100000000"),
        ('code,name\n32,"江苏省\n', "not a valid CSV"),
        ("code,name\n32\n", "too few columns"),
    ],
)
def test_broken_file_is_rejected_and_nothing_changes(database, tmp_path, text, words):
    run_import(database, ADMIN / "provinces.csv")
    good = write(tmp_path, "good.csv", 'code,name\n3201,"南京市"\n')
    bad = write(tmp_path, "bad.csv", text)
    with pytest.raises(ImportRejected) as raised:
        run_import(database, good, bad)
    report = raised.value.report()
    assert words in report
    assert "nothing changed" in report
    assert count(database) == 31  # the good file was not imported either


def test_binary_file_is_rejected(database, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x00\xff\xfe\x80" * 50)
    with pytest.raises(ImportRejected, match="problem"):
        run_import(database, path)
    assert count(database) == 0


def test_missing_file(database, tmp_path):
    with pytest.raises(ImportRejected) as raised:
        run_import(database, tmp_path / "nope.csv")
    assert "no such file" in raised.value.report()
