"""Issue 13's walkthrough, "setting up a real center": a street center (城东街道, three
communities, six grids) set up through the command line from the sample files
(resources/samples/street-center/) on an empty database — built once per test module and
engine, each test getting a private copy (a file copy on SQLite, a template copy on
PostgreSQL)."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from commandcenter.domain.codes import make_grid_code
from commandcenter.domain.enums import GridKind

try:  # tests/ as a package or as a plain folder on sys.path
    from .cli_runner import Result, run_cli
except ImportError:
    from cli_runner import Result, run_cli

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples" / "street-center"
STREET = "321202001000"
DONGAN, DONGKANG, DONGFENG = "321202001002", "321202001003", "321202001004"
# two urban grids per community: 东安 01/02, 东康 01/02, 东风 01/02
GRIDS = {
    (community, n): make_grid_code(community, n, GridKind.URBAN)
    for community in (DONGAN, DONGKANG, DONGFENG)
    for n in (1, 2)
}
ADMIN, ADMIN_PASSWORD = "cd.admin", "Admin2026!"
# Both engines; the PostgreSQL one carries the marker ``-m "not postgres"`` leaves out.
ENGINES = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]


def residents_by_grid() -> Counter:
    """How many residents the sample file puts in each grid (by grid code)."""
    from commandcenter.basedata.imports import PEOPLE_COLUMNS
    from commandcenter.tabular import read_table

    table = read_table(SAMPLES / "residents.xlsx", PEOPLE_COLUMNS)
    return Counter(row.get("grid") for row in table.rows)


WALKTHROUGH = (
    ("import-divisions", str(SAMPLES / "divisions.csv")),
    ("center", "found", STREET, "--admin", ADMIN, "--admin-name", "城东管理员", "--with-children",
     "--stdin"),
    ("import-grids", str(SAMPLES / "grids.geojson")),
    ("departments", "add", "--center", STREET, "--name", "城东派出所", "--kind", "公安",
     "--categories", "社会治安"),
    ("departments", "add", "--center", STREET, "--name", "城东城管中队", "--kind", "城管",
     "--categories", "环境卫生,市政设施"),
    ("matters", "standard"),
    ("matters", "import", str(SAMPLES / "matters.csv")),
    ("staff", "import", str(SAMPLES / "staff.xlsx"), "--passwords", "{passwords}"),
    ("basedata", "import", "houses", str(SAMPLES / "houses.xlsx")),
    ("basedata", "import", "people", str(SAMPLES / "residents.xlsx")),
    ("basedata", "import", "organisations", str(SAMPLES / "organisations.csv")),
    ("grids", "assign", GRIDS[DONGAN, 1], "--managers", "da.li", "--leader", "da.leader",
     "--police", "郑警官:13800000004"),
)  # fmt: skip


def run_walkthrough(url: str, folder: Path) -> tuple[dict[str, str], list[Result]]:
    """The walkthrough's commands on ``url`` (an empty, migrated database); the first
    passwords written to the --passwords file, and each command's result."""
    passwords_file = folder / "passwords.csv"
    results = []
    for step in WALKTHROUGH:
        args = [a.replace("{passwords}", str(passwords_file)) for a in step]
        stdin = ADMIN_PASSWORD + "\n" if "--stdin" in args else None
        result = run_cli(*args, db=url, input=stdin)
        assert result.returncode == 0, f"{' '.join(step[:2])}: {result.stderr}"
        results.append(result)
    with open(passwords_file, encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    assert rows[0] == ["用户名", "初始密码"]
    passwords = {username: password for username, password in rows[1:]}
    passwords[ADMIN] = ADMIN_PASSWORD
    return passwords, results


@dataclass
class StreetTemplate:
    """The walkthrough's database, built once; ``copy()`` gives a test its own."""

    engine: str
    url: str
    passwords: dict[str, str]
    results: list[Result]
    folder: Path
    server: object = None  # the PostgreSQL server, or None on SQLite
    name: str = ""  # the PostgreSQL database's name
    copies: list[str] = field(default_factory=list)

    def copy(self) -> str:
        if self.server is None:  # through SQLite's backup: the file alone misses the WAL's pages
            target = self.folder / f"copy-{uuid.uuid4().hex[:8]}.db"
            source = self.url.split("sqlite:///", 1)[1]
            src, dst = sqlite3.connect(source), sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
            return f"sqlite:///{target}"
        name = self.server.create_database(template=self.name)
        self.copies.append(name)
        return self.server.url_for(name)

    def drop(self, url: str) -> None:
        if self.server is not None:
            self.server.drop_database(url.rsplit("/", 1)[1])

    def close(self) -> None:
        if self.server is not None:
            self.server.drop_database(self.name)


def build_street(request: pytest.FixtureRequest, folder: Path) -> StreetTemplate:
    """The walkthrough on a fresh migrated database of ``request.param``'s engine."""
    engine = request.param
    if engine == "sqlite":
        target = folder / "street.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), target)
        url = f"sqlite:///{target}"
        passwords, results = run_walkthrough(url, folder)
        return StreetTemplate(engine, url, passwords, results, folder)
    server = request.getfixturevalue("postgres_server")
    name = server.create_database(template=request.getfixturevalue("migrated_pg_template"))
    url = server.url_for(name)
    try:
        passwords, results = run_walkthrough(url, folder)
        # the commands' engines leave idle connections: a template must have none
        with server.connect() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
    except BaseException:
        server.drop_database(name)
        raise
    return StreetTemplate(engine, url, passwords, results, folder, server, name)


def open_center(url: str):
    """A ``LocalCenter`` on ``url`` (log in with ``.login(username, password)``)."""
    from commandcenter.backend import LocalCenter
    from commandcenter.storage import open_database

    return LocalCenter(open_database(url))


def count_rows(url: str, *models) -> tuple[int, ...]:
    """The number of rows of each model's table."""
    from sqlalchemy import func, select

    from commandcenter.storage import open_database

    database = open_database(url, migrate=False)
    try:
        with database.session() as session:
            return tuple(
                session.scalar(select(func.count()).select_from(model)) for model in models
            )
    finally:
        database.dispose()


# The fixtures of the modules that use the walkthrough (imported there by name).


@pytest.fixture(scope="module", params=ENGINES)
def street_template(request, tmp_path_factory):
    """The walkthrough's database on each engine, built once per module."""
    template = build_street(request, tmp_path_factory.mktemp("street"))
    yield template
    template.close()


@pytest.fixture
def street(street_template):
    """A private copy of the walkthrough's database: its URL."""
    url = street_template.copy()
    yield url
    street_template.drop(url)


@pytest.fixture
def center(street):
    """The copy opened as a ``LocalCenter`` (log in to get a backend)."""
    opened = open_center(street)
    yield opened
    opened.close()
