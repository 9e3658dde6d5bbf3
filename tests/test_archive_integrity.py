"""The archive against a deliberate attacker (issue 15): each attack done as a database user
would do it — raw SQL through a connection of its own, recomputing the old per-case SHA-256
chain — and what ``audit verify`` says about it, on SQLite and PostgreSQL.

Before the keyed archive every attack below passed ``audit verify``, except the plain UPDATE
(which the ORM hook did not see) — it was not refused, and the checkpoint tests had nothing to
test."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from commandcenter.domain.enums import AttachmentKind, CaseCategory, CaseSource
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import open_database
from commandcenter.storage.models import Case, CaseEvent
from commandcenter.workflow import Action, audit
from commandcenter.workflow.engine import CaseWorkflow

try:
    from .cli_runner import run_cli
    from .workflow_district import build_district
except ImportError:
    from cli_runner import run_cli
    from workflow_district import build_district

TUESDAY = dt.datetime(2026, 11, 24, 10, 0)
JPEG = b"\xff\xd8\xff" + b"photo of the pile" * 10
OTHER_JPEG = b"\xff\xd8\xff" + b"a harmless picture" * 10


class Center:
    """The workflow on a small district, a session per operation."""

    def __init__(self, database, district):
        self.database, self.district = database, district
        self.at = TUESDAY

    def now(self):
        self.at += dt.timedelta(minutes=7)
        return self.at

    def flow(self, session):
        return CaseWorkflow(session, calendar=WorkingCalendar(), now=self.now)

    def report(self, username="duty", **fields):
        fields.setdefault("source", CaseSource.HOTLINE_12345)
        fields.setdefault("category", CaseCategory.ENVIRONMENT)
        fields.setdefault("title", "垃圾堆放未清运")
        fields.setdefault("description", "小区门口垃圾三天未清运")
        fields.setdefault("reporter_name", "王女士")
        with self.database.writer() as s, s.begin():
            actor = self.district.actor(s, username)
            change = self.flow(s).report(
                actor, grid_id=self.district.grids["G1"], allow_duplicate=True, **fields
            )
        return change.case_id

    def do(self, username, case_id, action, comment="", **params):
        with self.database.writer() as s, s.begin():
            actor = self.district.actor(s, username)
            version = s.get(Case, case_id).version
            return self.flow(s).perform(
                actor, case_id, action, expected_version=version, comment=comment, **params
            )

    def attach(self, username, case_id, data, filename="现场.jpg"):
        with self.database.writer() as s, s.begin():
            actor = self.district.actor(s, username)
            self.flow(s).attach(
                actor, case_id, data, filename=filename, media_type="image/jpeg",
                kind=AttachmentKind.PHOTO,
            )  # fmt: skip

    def closed_with_rating(self) -> int:
        """A resident's case through the whole loop, rated 2 at the follow-up call."""
        cid = self.report()
        self.do("duty", cid, Action.FILE)
        self.do("dispatcher", cid, Action.DISPATCH, department_id=self.district.departments["street_dept"])  # fmt: skip
        self.do("handler", cid, Action.ACCEPT)
        self.do("handler", cid, Action.REPORT_RESULT, "已处理")
        self.do("leader1", cid, Action.VERIFY, passed=True)
        self.do("duty", cid, Action.FOLLOW_UP, "居民不满意：只清了一半", rating=2)
        return cid

    def code(self, case_id) -> str:
        with self.database.session() as s:
            return s.get(Case, case_id).code

    def problems(self, **options) -> list[str]:
        return audit.verify_archive(self.database, workers=1, **options).problems


@pytest.fixture
def center(db_url):
    database = open_database(db_url)
    with database.session() as session, session.begin():
        district = build_district(session)
    yield Center(database, district)
    database.dispose()


@pytest.fixture
def attacker(center):
    """A connection of its own, as a database user (the tables' owner) has: plain SQL."""
    engine = create_engine(center.database.url)

    def run(sql, **params):
        with engine.begin() as conn:
            return conn.execute(text(sql), params)

    def drop_guards():  # what the owner of the tables can do first
        on = center.database.dialect == "postgresql"
        for table, operation in (
            ("case_events", "update"),
            ("case_events", "delete"),
            ("archive_checkpoints", "delete"),
            ("archive_head", "delete"),
        ):
            run(f"DROP TRIGGER {table}_no_{operation}" + (f" ON {table}" if on else ""))

    run.drop_guards = drop_guards
    yield run
    engine.dispose()


def _not_triggers(problems):
    return [p for p in problems if not p.startswith("trigger ")]


def test_an_untouched_archive_verifies(center):
    center.closed_with_rating()
    cid = center.report()
    center.attach("duty", cid, JPEG)
    result = audit.verify_archive(center.database, workers=2)
    assert result.ok, result.problems
    assert result.entries == 9 and result.cases == 2 and result.attachments == 1


def test_a_plain_update_or_delete_is_refused_by_the_database(center, attacker):
    cid = center.report()
    with center.database.writer() as s, s.begin():
        audit.make_checkpoint(s, TUESDAY, "test")
    for sql in (
        "UPDATE case_events SET comment = 'nothing happened' WHERE case_id = :c",
        "DELETE FROM case_events WHERE case_id = :c",
        "UPDATE archive_checkpoints SET gseq = 0",
        "DELETE FROM archive_checkpoints",
        "DELETE FROM archive_head",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            attacker(sql, c=cid)
    if center.database.dialect == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            attacker("TRUNCATE case_events CASCADE")
    assert center.problems() == []


def test_recomputing_the_old_hash_chain_after_editing_comment_and_rating_is_found(center, attacker):
    """The attack of the issue: change the resident's complaint and rating, then recompute the
    case's whole SHA-256 chain and its head, as the old code did (no key needed then)."""
    cid = center.closed_with_rating()
    code = center.code(cid)
    attacker.drop_guards()
    attacker(
        "UPDATE case_events SET comment = '居民满意', details = :d WHERE case_id = :c AND seq = 7",
        d=json.dumps({"rating": 5}),
        c=cid,
    )
    attacker("UPDATE cases SET satisfaction = 5 WHERE id = :c", c=cid)
    with center.database.session() as s:
        rows = s.scalars(select(CaseEvent).where(CaseEvent.case_id == cid).order_by(CaseEvent.seq))
        prev, new = None, []
        for e in rows:
            entry = {c.key: getattr(e, c.key) for c in CaseEvent.__table__.columns}
            h = audit.legacy_entry_hash(cid, entry, prev)
            new.append((e.id, prev, h))
            prev = h
    for id_, p, h in new:
        attacker("UPDATE case_events SET prev_hash = :p, entry_hash = :h WHERE id = :i", p=p, h=h, i=id_)  # fmt: skip
    attacker("UPDATE cases SET archive_hash = :h WHERE id = :c", h=prev, c=cid)
    problems = _not_triggers(center.problems())
    assert any(
        p.startswith(f"case {code} entry #7 (follow_up") and "altered" in p for p in problems
    )
    assert (
        f"case {code}: the case row differs from its archive entry #7 in satisfaction" in problems
    )


def test_editing_the_case_row_names_the_columns(center, attacker):
    cid = center.closed_with_rating()
    code = center.code(cid)
    attacker(
        "UPDATE cases SET satisfaction = 5, description = '一切正常', deadline = :d WHERE id = :c",
        d=dt.datetime(2027, 1, 1, 12, 0),
        c=cid,
    )
    assert center.problems() == [
        f"case {code}: the case row differs from its archive entry #7 in description, deadline, "
        "satisfaction"
    ]


def test_rolling_the_case_row_back_is_found(center, attacker):
    cid = center.closed_with_rating()
    attacker("UPDATE cases SET version = 6, state = 'follow_up', satisfaction = NULL WHERE id = :c", c=cid)  # fmt: skip
    (problem,) = center.problems()
    assert "says version 6 but its archive ends at entry #7" in problem


def test_deleting_a_whole_case_with_its_entries_is_found(center, attacker):
    first, middle, last = center.report(), center.closed_with_rating(), center.report()
    attacker.drop_guards()
    attacker("DELETE FROM case_events WHERE case_id = :c", c=middle)
    attacker("DELETE FROM cases WHERE id = :c", c=middle)
    assert _not_triggers(center.problems()) == [
        "archive entries #2–#8 of the chain missing: deleted (a case's entries, or a whole case "
        "with its entries)"
    ]
    assert first and last


def test_deleting_the_newest_case_is_found_by_the_head_then_by_a_checkpoint(
    center, attacker, tmp_path
):
    center.report()
    doomed = center.report()
    with center.database.writer() as s, s.begin():
        published = audit.make_checkpoint(s, center.now(), "monthly report")
    attacker.drop_guards()
    attacker("DELETE FROM case_events WHERE case_id = :c", c=doomed)
    attacker("DELETE FROM cases WHERE id = :c", c=doomed)
    problems = _not_triggers(center.problems())
    assert problems[0].startswith("archive entry #2 of the chain missing")
    assert problems[1].startswith("archive head: says the chain ends at entry #2, the newest")
    # ... so the attacker moves the head back and deletes the stored checkpoint too
    attacker("UPDATE archive_head SET gseq = 1, entry_hash = (SELECT entry_hash FROM case_events WHERE gseq = 1)")  # fmt: skip
    attacker("DELETE FROM archive_checkpoints")
    assert _not_triggers(center.problems()) == []  # nothing inside the database tells now
    # ... but the checkpoint published before does
    (problem,) = _not_triggers(center.problems(published=[published]))
    assert problem.startswith("published checkpoint #2") and "entries #2–#2" in problem


def test_deleting_a_cases_entries_and_clearing_its_head_is_found(center, attacker):
    keep = center.report()
    cid = center.closed_with_rating()
    center.report()
    code = center.code(cid)
    attacker.drop_guards()
    attacker("DELETE FROM case_events WHERE case_id = :c", c=cid)
    attacker("UPDATE cases SET archive_hash = NULL WHERE id = :c", c=cid)
    problems = _not_triggers(center.problems())
    assert f"case {code}: its archive is missing (entries deleted)" in problems
    assert any(p.startswith("archive entries #2–#8 of the chain missing") for p in problems)
    assert keep


def test_swapping_the_evidence_is_named(center, attacker):
    cid = center.report()
    center.attach("duty", cid, JPEG, "现场.jpg")
    code = center.code(cid)
    assert center.problems() == []
    with center.database.session() as s:
        digest = s.scalar(text("SELECT sha256 FROM attachments"))
    # the stored bytes replaced (the attachments table has no trigger: the archive says)
    attacker("UPDATE attachment_contents SET data = :d WHERE sha256 = :h", d=OTHER_JPEG, h=digest)
    (problem,) = center.problems()
    assert (
        problem.startswith(f"case {code}: the stored bytes of 现场.jpg") and "replaced" in problem
    )
    attacker("UPDATE attachment_contents SET data = :d WHERE sha256 = :h", d=JPEG, h=digest)
    assert center.problems() == []
    # the row pointed at other bytes
    import hashlib

    other = hashlib.sha256(OTHER_JPEG).hexdigest()
    attacker(
        "INSERT INTO attachment_contents (sha256, data) VALUES (:h, :d)", h=other, d=OTHER_JPEG
    )
    attacker("UPDATE attachments SET sha256 = :h, size_bytes = :n", h=other, n=len(OTHER_JPEG))
    (problem,) = center.problems()
    assert problem.startswith(f"case {code}: attachment #") and "in sha256, size_bytes" in problem
    # a row added without an archive entry, and the recorded one deleted
    attacker(
        "INSERT INTO attachments (case_id, kind, filename, media_type, sha256, size_bytes, "
        "created_at) SELECT case_id, kind, '补充.jpg', media_type, sha256, size_bytes, created_at "
        "FROM attachments"
    )
    attacker("DELETE FROM attachments WHERE filename = '现场.jpg'")
    problems = center.problems()
    assert any("(补充.jpg) is in no archive entry" in p for p in problems)
    assert any("(现场.jpg) of archive entry #2 is gone" in p for p in problems)


def test_a_key_holder_rewriting_the_past_is_found_by_a_published_checkpoint(
    center, attacker, tmp_path
):
    """With the key, the chain can be recomputed: only a checkpoint kept outside shows it."""
    cid = center.closed_with_rating()
    with center.database.writer() as s, s.begin():
        published = audit.make_checkpoint(s, center.now(), "monthly report")
    exported = tmp_path / "checkpoint.json"
    exported.write_text(published.as_json(), encoding="utf-8")
    center.report()  # the archive goes on after it
    attacker.drop_guards()
    key = center.database.keys().archive
    with center.database.session() as s:
        rows = s.execute(select(*CaseEvent.__table__.columns).order_by(CaseEvent.gseq)).all()
    entries = [r._asdict() for r in rows]
    entries[6]["comment"] = "居民满意"
    gseq, head = audit.chain_entries(key, entries, 0, None)
    for e in entries:
        attacker("UPDATE case_events SET comment = :m, prev_hash = :p, entry_hash = :h WHERE id = :i", m=e["comment"], p=e["prev_hash"], h=e["entry_hash"], i=e["id"])  # fmt: skip
    attacker("UPDATE archive_head SET entry_hash = :h", h=head)
    attacker("UPDATE cases SET archive_hash = :h WHERE id = :c", h=entries[6]["entry_hash"], c=cid)  # fmt: skip
    attacker("UPDATE cases SET archive_hash = :h WHERE id <> :c", h=head, c=cid)
    attacker("DELETE FROM archive_checkpoints")
    assert _not_triggers(center.problems()) == []  # the key holder's forgery holds inside
    checkpoint = audit.read_checkpoint_file(exported)
    (problem,) = _not_triggers(center.problems(published=[checkpoint]))
    assert (
        problem.startswith("published checkpoint #7") and "no longer the one it signed" in problem
    )
    # an altered checkpoint file is no help either
    forged = json.loads(exported.read_text())
    forged["entry_hash"] = entries[6]["entry_hash"]
    exported.write_text(json.dumps(forged))
    (problem,) = _not_triggers(center.problems(published=[audit.read_checkpoint_file(exported)]))
    assert "signature is not valid" in problem


def test_a_forged_entry_without_the_key_is_found(center, attacker):
    """An attacker who knows the format but not the key appends an entry of their own."""
    cid = center.report()
    code = center.code(cid)
    wrong_key = b"\x00" * 32
    with center.database.session() as s:
        head = s.execute(text("SELECT gseq, entry_hash FROM archive_head")).one()
        case = s.get(Case, cid)
        entry = {"case_id": cid, "seq": 2, "at": TUESDAY, "action": "void", "comment": "误报",
                 "actor_user_id": None, "actor_role": None, "actor_center_id": None,
                 "from_state": "reported", "to_state": "voided", "details": {}}  # fmt: skip
        case.version, case.state = 2, "voided"
        entry["case_after"] = audit.case_state_of(case)
    audit.chain_entries(wrong_key, [entry], head.gseq, head.entry_hash)
    attacker(
        "INSERT INTO case_events (case_id, seq, at, action, comment, from_state, to_state, "
        "details, gseq, prev_hash, entry_hash, case_after) VALUES (:case_id, :seq, :at, "
        ":action, :comment, :from_state, :to_state, '{}', :gseq, :prev_hash, :entry_hash, "
        ":case_after)",
        **{
            k: entry[k]
            for k in entry
            if k not in ("details", "actor_user_id", "actor_role", "actor_center_id")
        },  # fmt: skip
    )
    attacker("UPDATE archive_head SET gseq = :g, entry_hash = :h", g=entry["gseq"], h=entry["entry_hash"])  # fmt: skip
    attacker("UPDATE cases SET version = 2, state = 'voided', archive_hash = :h WHERE id = :c", h=entry["entry_hash"], c=cid)  # fmt: skip
    (problem,) = center.problems()
    assert problem.startswith(f"case {code} entry #2 (void, chain #2): content altered")


def test_concurrent_writers_make_one_chain(center):
    """Several writers at once (the server's workers): no forks, no gaps."""
    errors = []

    def write(n):
        try:
            for _ in range(n):
                cid = center.report()
                center.do("duty", cid, Action.FILE)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(4,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with center.database.session() as s:
        numbers = s.scalars(select(CaseEvent.gseq).order_by(CaseEvent.gseq)).all()
    assert numbers == list(range(1, 33))
    assert center.problems() == []


def test_entries_from_before_the_keyed_archive_are_sealed_once(center, attacker):
    """An upgraded database: entries without a place in the chain (as migration 0013 leaves
    them, with their old SHA-256 chain) are reported until the key holder seals them."""
    cid = center.closed_with_rating()
    with center.database.session() as s:
        rows = s.execute(
            select(*CaseEvent.__table__.columns)
            .where(CaseEvent.case_id == cid)
            .order_by(CaseEvent.seq)  # fmt: skip
        ).all()
    prev = None
    for r in rows:  # what the old code wrote
        h = audit.legacy_entry_hash(cid, r._asdict(), prev)
        # allowed by the trigger only while an entry is unsealed: clear gseq in one statement
        attacker.drop_guards() if r.seq == 1 else None
        # the old spelling of JSON (json.dumps' spaces), as the old code stored it
        attacker("UPDATE case_events SET gseq = NULL, case_after = NULL, prev_hash = :p, entry_hash = :h, details = :d WHERE id = :i", p=prev, h=h, d=json.dumps(r.details), i=r.id)  # fmt: skip
        prev = h
    attacker("UPDATE cases SET archive_hash = :h WHERE id = :c", h=prev, c=cid)
    attacker("UPDATE archive_head SET gseq = 0, entry_hash = NULL")
    problems = _not_triggers(center.problems())
    assert problems == [
        "7 entries were written before the keyed archive and are not sealed: run "
        "`commandcenter audit seal` once with the key file"
    ]
    with center.database.writer() as s, s.begin():
        sealed = audit.seal(s, center.now())
    assert sealed.entries == 7 and "sealed 7 entries" in sealed.checkpoint.note
    with center.database.session() as s:  # sealed in the spelling the MAC covers
        spelled = s.scalars(text("SELECT CAST(details AS TEXT) FROM case_events WHERE seq = 3"))
        assert '"deadline":"' in spelled.one()
    assert _not_triggers(center.problems()) == []
    with center.database.writer() as s, s.begin(), pytest.raises(audit.ArchiveProblem):
        audit.seal(s, center.now())


def test_a_broken_old_chain_is_not_sealed(center, attacker):
    cid = center.report()
    attacker.drop_guards()
    attacker("UPDATE case_events SET gseq = NULL, comment = 'changed before the upgrade' WHERE case_id = :c", c=cid)  # fmt: skip
    with (
        center.database.writer() as s,
        s.begin(),
        pytest.raises(audit.ArchiveProblem, match="old hash chain is broken"),
    ):
        audit.seal(s, center.now())


def test_the_command_verifies_checkpoints_and_names_what_changed(center, attacker, tmp_path):
    cid = center.closed_with_rating()
    code = center.code(cid)
    url = center.database.url
    exported = tmp_path / "cp.json"
    made = run_cli("audit", "checkpoint", "--export", str(exported), db=url)
    assert made.returncode == 0 and "Checkpoint #7" in made.stdout, made.stderr
    assert json.loads(exported.read_text())["gseq"] == 7
    ok = run_cli("audit", "verify", "--checkpoint", str(exported), db=url)
    assert ok.returncode == 0 and "7 entries of 1 cases" in ok.stdout and " s." in ok.stdout
    assert "1 stored and 1 published checkpoints" in ok.stdout
    attacker("UPDATE cases SET satisfaction = 5 WHERE id = :c", c=cid)
    broken = run_cli("audit", "verify", db=url)
    assert broken.returncode == 1
    assert f"case {code}: the case row differs from its archive entry #7 in satisfaction" in (
        broken.stderr
    )


@pytest.mark.parametrize("workers", [2, 3])
def test_verifying_in_several_processes_finds_the_same(center, attacker, workers):
    center.closed_with_rating()
    center.report()
    center.report()
    assert audit.verify_archive(center.database, workers=workers).ok
    attacker.drop_guards()
    attacker("DELETE FROM case_events WHERE gseq = 5")
    result = audit.verify_archive(center.database, workers=workers)
    assert _not_triggers(result.problems) == [
        "archive entry #5 of the chain missing: deleted (a case's entries, or a whole case with "
        "its entries)"
    ]
    assert result.entries == 8 and result.cases == 3


def test_the_server_signs_a_checkpoint_when_it_starts(center):
    try:
        from .server_process import CenterServer
    except ImportError:
        from server_process import CenterServer

    center.report()
    with CenterServer(center.database.url):
        pass
    with center.database.session() as s:
        newest = audit.latest_checkpoint(s)
    assert newest is not None and newest.note == "server start" and newest.gseq == 1
    assert newest.public_key == audit.public_key_hex(center.database.keys())
