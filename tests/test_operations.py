"""The operations layer as the console calls it (``LocalBackend``), on SQLite and PostgreSQL:
one transaction per operation, what it changed, conflicts in the officer's words, case codes
under concurrent reports, attachments in the archive, and the feed a second console follows.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from commandcenter.backend import LocalBackend
from commandcenter.cases.operations import FileData
from commandcenter.clock import ManualClock
from commandcenter.domain.enums import AttachmentKind, CaseCategory, CaseSource, CaseState
from commandcenter.errors import ConflictError, LostRace, TransitionRefused
from commandcenter.storage import open_database
from commandcenter.storage.models import Attachment, Camera, Case, CaseCodeCounter, CaseEvent
from commandcenter.video.wall import Tour, TourProblem
from commandcenter.workflow import Action
from commandcenter.workflow.audit import verify_archive

try:
    from .workflow_district import build_district
except ImportError:
    from workflow_district import build_district

TUESDAY = dt.datetime(2026, 11, 24, 10, 0)


@pytest.fixture
def center(db_url):
    """The small hand-built district on a fresh database; consoles are made with ``console``."""
    database = open_database(db_url)
    with database.session() as session, session.begin():
        district = build_district(session)
    opened = [database]

    class Center:
        url = db_url
        clock = ManualClock(TUESDAY)

        def __init__(self):
            self.database, self.district = database, district

        def console(self, username: str, *, own_engine: bool = False) -> LocalBackend:
            """A console of ``username``; ``own_engine``: as another machine would (its own
            connection pool)."""
            db = database
            if own_engine:
                db = open_database(db_url, migrate=False)
                opened.append(db)
            with db.session() as s:
                actor = district.actor(s, username)
            return LocalBackend(db, actor, self.clock)

        def case(self, case_id: int) -> Case:
            with database.session() as s:
                return s.get(Case, case_id)

    yield Center()
    for db in opened:
        db.dispose()


def report(console: LocalBackend, grid_id: int, **fields) -> int:
    fields.setdefault("source", CaseSource.GRID_PATROL)
    fields.setdefault("category", CaseCategory.ENVIRONMENT)
    fields.setdefault("title", "垃圾堆放未清运")
    outcome = console.report_case({"grid_id": grid_id, **fields}, allow_duplicate=True)
    return outcome.value.case_id


def at_once(calls) -> list:
    """Run the calls in threads released together; their results or errors, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as error:  # collected, judged by the test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_an_operation_returns_what_it_changed(center):
    duty = center.console("duty")
    case_id = report(center.console("gm1"), center.district.grids["G1"])
    outcome = duty.take_step(case_id, Action.FILE, expected_version=1)
    assert outcome.changes.cases == {case_id} and outcome.value.to_state is CaseState.FILED
    assert not outcome.changes.cameras and not outcome.changes.grids


def test_a_refused_step_changes_nothing(center):
    case_id = report(center.console("gm1"), center.district.grids["G1"])
    with pytest.raises(TransitionRefused):
        center.console("handler").take_step(case_id, Action.FILE, expected_version=1)
    assert center.case(case_id).version == 1


@pytest.mark.parametrize("rounds", [12])
def test_simultaneous_steps_one_wins_the_others_get_a_conflict(center, rounds):
    """The console's calling pattern, from four consoles with their own connections at the
    same instant, many times: exactly one step applies; every other console is told, in
    words, who changed the case — never a database error (issue 10)."""
    consoles = [center.console(name, own_engine=True) for name in ("duty", "dispatcher") * 2]
    for _ in range(rounds):
        case_id = report(center.console("gm1"), center.district.grids["G1"])
        results = at_once(
            [
                lambda c=c, i=case_id: c.take_step(i, Action.FILE, expected_version=1)
                for c in consoles
            ]
        )
        won = [r for r in results if not isinstance(r, Exception)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert len(won) == 1, results
        assert all(type(r) is ConflictError for r in lost), [repr(r) for r in lost]
        assert all("file by" in str(r) for r in lost), [str(r) for r in lost]
        assert center.case(case_id).version == 2


def test_a_lost_race_inside_the_transaction_becomes_a_conflict(center, db_url):
    """Console B has checked the case; console A's step commits before B writes. B's write is
    refused by the version guard and B learns what A did (before: InvalidRequestError)."""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite writers take the write lock at BEGIN: B waits, A cannot come between")
    case_id = report(center.console("gm1"), center.district.grids["G1"])
    a, b = center.console("duty", own_engine=True), center.console("dispatcher", own_engine=True)
    raced = []

    class RacingClock:
        def now(self):
            if not raced:  # called by B after its checks, before it writes
                raced.append(True)
                a.take_step(case_id, Action.FILE, expected_version=1)
            return TUESDAY

    b.clock = RacingClock()
    with pytest.raises(ConflictError) as raised:
        b.take_step(case_id, Action.DECLINE, expected_version=1, comment="重复")
    assert raced and type(raised.value) is ConflictError and not isinstance(raised.value, LostRace)
    assert "file by duty" in str(raised.value) and raised.value.changes
    assert center.case(case_id).state is CaseState.FILED


def test_simultaneous_reports_get_distinct_codes(center):
    """Four consoles report at the same instant, many times: every case gets its own code
    (before: MAX+1 without a lock, a unique-constraint error about a quarter of the time)."""
    consoles = [center.console(name, own_engine=True) for name in ("duty", "dispatcher") * 2]
    grid = center.district.grids["G1"]
    errors, per_console = [], 10

    def work(console):
        for _ in range(per_console):
            try:
                report(console, grid)
            except Exception as error:
                errors.append(error)

    threads = [threading.Thread(target=work, args=(c,)) for c in consoles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with center.database.session() as s:
        codes = s.scalars(select(Case.code)).all()
    assert len(codes) == len(set(codes)) == len(consoles) * per_console


def test_case_codes_count_on_past_9999(center):
    """The 10,000th case of a day and the ones after it (before: every report failed, the
    codes being compared as text)."""
    duty = center.console("duty")
    grid = center.district.grids["G1"]
    first = report(duty, grid)
    assert center.case(first).code == "202611240001"
    # As if 9,998 more had been reported, by an import that left no counter behind.
    with center.database.session() as s, s.begin():
        s.execute(Case.__table__.update().values(code="202611249999").where(Case.id == first))
        s.execute(CaseCodeCounter.__table__.delete())
    codes = [center.case(report(duty, grid)).code for _ in range(3)]
    assert codes == ["2026112410000", "2026112410001", "2026112410002"]


def test_an_attachment_is_a_step_of_the_archive(center):
    gm1 = center.console("gm1")
    case_id = report(gm1, center.district.grids["G1"])
    outcome = gm1.attach(
        case_id, FileData("现场.jpg", b"\xff\xd8\xffphoto", "image/jpeg"), AttachmentKind.PHOTO
    )
    assert outcome.changes.cases == {case_id} and outcome.value.version == 2
    case = center.case(case_id)
    assert case.version == 2
    with center.database.session() as s:
        events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all()
        attachment = s.scalar(select(Attachment).where(Attachment.case_id == case_id))
        assert [e.action for e in events] == ["report", "attach"]
        assert events[-1].details["sha256"] == attachment.sha256
        assert attachment.event_id == events[-1].id
        assert verify_archive(center.database, workers=1).ok
    # by the code an officer types, as the wall's snapshot menu does
    gm1.attach(
        case.code, FileData("snap.png", b"\x89PNG\r\n\x1a\nx", "image/png"), AttachmentKind.SNAPSHOT
    )
    assert center.case(case_id).version == 3
    with pytest.raises(TransitionRefused):
        center.console("gm2").attach(case_id, FileData("x.png", b"x"), AttachmentKind.PHOTO)
    assert center.case(case_id).version == 3
    with pytest.raises(TransitionRefused) as not_a_picture:  # says it is a JPEG; its bytes do not
        gm1.attach(case_id, FileData("x.jpg", b"MZ\x90 an exe", "image/jpeg"), AttachmentKind.PHOTO)
    assert not_a_picture.value.reason == "input" and center.case(case_id).version == 3


def test_a_second_console_follows_every_change_through_the_feed(center):
    """Console B loads once, then sees A's report, step, attachment, camera-free tour edit:
    exactly the changed rows, nothing reloaded."""
    a, b = center.console("duty"), center.console("dispatcher", own_engine=True)
    loaded = b.load_console()
    assert loaded.rows == ()
    case_id = report(a, center.district.grids["G1"])
    update = b.changes_since(loaded.mark)
    assert [r.id for r in update.rows] == [case_id] and update.changes.cases == {case_id}
    a.take_step(case_id, Action.FILE, expected_version=1)
    a.attach(case_id, FileData("a.jpg", b"\xff\xd8\xff"), AttachmentKind.PHOTO)
    again = b.changes_since(update.mark)
    assert [(r.id, r.state, r.version) for r in again.rows] == [(case_id, CaseState.FILED, 3)]
    assert not b.changes_since(again.mark)  # nothing new: an empty answer
    center.console("supervisor").take_step(case_id, Action.VOID, expected_version=3, comment="误报")
    gone = b.changes_since(again.mark)
    assert gone.changes.cases == {case_id}
    assert [(r.id, r.state) for r in gone.rows] == [(case_id, CaseState.VOIDED)]  # ended today


def test_tours_and_cameras_reach_the_other_console(center):
    duty, other = center.console("duty"), center.console("dispatcher", own_engine=True)
    with center.database.session() as s, s.begin():
        camera = Camera(
            device_id="32120200001320000001",
            name="东安路口",
            lon=119.902,
            lat=32.485,
            grid_id=center.district.grids["G1"],
            center_id=center.district.centers["c1"],
            main_url="rtsp://127.0.0.1:1/main",
        )
        s.add(camera)
        s.flush()
        camera_id = camera.id
    mark = other.load_console().mark
    with pytest.raises(TourProblem):  # refused: nothing stored, nothing announced
        duty.save_tour(Tour("夜巡", (camera_id, 999_999), 15))
    assert not other.changes_since(mark)
    saved = duty.save_tour(Tour("夜巡", (camera_id,), 15))
    assert saved.changes.tours and [t.name for t in saved.value] == ["夜巡"]
    update = other.changes_since(mark)
    assert update.changes.tours and [t.camera_ids for t in update.tours] == [(camera_id,)]
    assert update.rows == () and update.tree is None


def test_a_new_day_or_new_deadline_settings_load_the_console_again(center):
    """Yesterday's closures leave, and a new warning share or calendar re-judges every
    deadline: the feed asks the console for a whole new picture (it is never half old)."""
    from cli_runner import run_cli

    duty = center.console("duty")
    mark = duty.load_console().mark
    assert not duty.changes_since(mark).reload
    run_cli("limits", "warn-share", "0.3", db=center.url, check=True)  # another machine's CLI
    update = duty.changes_since(mark)
    assert update.reload and update.changes.settings
    mark = duty.load_console().mark
    assert not duty.changes_since(mark)
    center.clock.advance(days=1)
    assert duty.changes_since(mark).reload
    center.clock.set(TUESDAY)
