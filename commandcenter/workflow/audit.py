"""The tamper-evident electronic archive (电子档案, GB/T 34300 §6.4d).

Every change of a case appends one entry (``case_events``). What protects them:

- **A key the database does not hold.** Each entry carries an HMAC-SHA256 (``entry_hash``) with
  the installation's archive key (``commandcenter.keys``: a file outside the database) over a
  canonical encoding of all its columns. Whoever can write the database but has not the key
  cannot make an entry, or a changed one, that verifies.
- **One chain across all cases.** Entries are numbered installation-wide (``gseq``) and each
  carries the MAC of the entry before it (``prev_hash``); ``archive_head`` holds the newest.
  Deleting an entry, a case's entries or a whole case leaves a gap in the numbers or a broken
  link. Removing the newest entries and moving the head back is found only against a signed
  checkpoint made after them.
- **The case's resulting state.** Each entry records the case row as the step left it
  (``case_after``, :func:`case_state`); verify compares every case row with its newest entry and
  names the columns that differ.
- **The evidence.** The entry of an attachment carries its id, SHA-256, size, name and kind;
  verify compares the attachment rows and the stored bytes with them.
- **Signed checkpoints** (``archive_checkpoints``): Ed25519 signatures (the key file's signing
  key) over "the chain had MAC m at place n", made when the server starts, when a monthly report
  is made (which prints it) and on ``commandcenter audit checkpoint`` (which exports it). A
  checkpoint kept outside (printed, exported) shows even a key holder's later rewriting.
- **Triggers** (migration 0013) refuse UPDATE of a sealed entry, DELETE of any entry and any
  change of a checkpoint, on SQLite and PostgreSQL, for every client of the database.

Writers lock the head (``lock_head``: a row lock on PostgreSQL; SQLite's writer lock
serializes anyway) at the start of their operation, so concurrent writers make one chain.
Entries written before the keyed archive have no ``gseq``: ``seal`` (``commandcenter audit
seal``, once, by the key holder) checks their old per-case SHA-256 chains and appends them to
the keyed chain, and records that in a checkpoint. docs/threat-model/archive.md says what each
protection does and does not stop.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import hmac
import json
import multiprocessing
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from commandcenter.errors import CommandCenterError
from commandcenter.keys import Keys, keys_of
from commandcenter.storage.database import Database, canonical_json, create_engine_for
from commandcenter.storage.models import ArchiveCheckpoint, ArchiveHead, Case, CaseEvent

try:  # OpenSSL's one-shot HMAC without hmac.digest's Python wrapper: ~1 µs an entry less
    from _hashlib import hmac_digest as _hmac_digest
except ImportError:  # pragma: no cover - a Python without OpenSSL's hashlib
    _hmac_digest = hmac.digest

FORMAT = "cc-archive/1"
CHECKPOINT_FORMAT = "commandcenter-archive-checkpoint/1"
NONE = "~"
MAX_PROBLEMS = 1000  # found and kept; the command prints the first ones and the count
PARALLEL_FROM = 100_000  # entries: fewer are verified in this process alone

# The case row's columns an entry records (``case_after``), in order, with how each is written:
# "v" as it is stored, "f" a float, "d" a time, "b" a truth value, "h" a text by its SHA-256
# (16 hex digits: the entry stays small and does not copy the description or personal data).
CASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "v"),
    ("source", "v"),
    ("category", "v"),
    ("title", "h"),
    ("description", "h"),
    ("address", "h"),
    ("lon", "f"),
    ("lat", "f"),
    ("grid_id", "v"),
    ("center_id", "v"),
    ("reporter_name", "h"),
    ("reporter_phone", "h"),
    ("reporter_user_id", "v"),
    ("camera_id", "v"),
    ("case_type_id", "v"),
    ("urgency", "v"),
    ("state", "v"),
    ("reported_at", "d"),
    ("filed_at", "d"),
    ("deadline", "d"),
    ("closed_at", "d"),
    ("holder_center_id", "v"),
    ("holder_department_id", "v"),
    ("holder_user_id", "v"),
    ("satisfaction", "v"),
    ("rework_count", "v"),
    ("merged_into_id", "v"),
    ("limit_place", "v"),
    ("time_limit_minutes", "v"),
    ("handling_department_id", "v"),
    ("handler_user_id", "v"),
    ("handled_at", "d"),
    ("handling_minutes", "v"),
    ("self_resolved", "b"),
    ("extension_count", "v"),
    ("urge_count", "v"),
    ("reopen_count", "v"),
    ("paused_since", "d"),
    ("pending_extension_minutes", "v"),
    ("resume_state", "v"),
    ("version", "v"),
)
CASE_COLUMN_NAMES = tuple(name for name, _ in CASE_COLUMNS)
CASE_STATE_VERSION = "c1"


class ArchiveProblem(CommandCenterError):
    """The archive cannot be sealed or checkpointed as asked."""


# --- canonical encoding ------------------------------------------------------------------------


def _time(v):
    """A time as SQLAlchemy stores it in SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``), whether read
    as a datetime (PostgreSQL, the ORM) or as SQLite's stored text."""
    if v is None or isinstance(v, str):
        return v
    return v.isoformat(" ", "microseconds")


def _kinds(kind: str) -> tuple[int, ...]:
    return tuple(i for i, (_, k) in enumerate(CASE_COLUMNS) if k == kind)


_HASHED, _TIMES, _TRUTHS, _FLOATS = _kinds("h"), _kinds("d"), _kinds("b"), _kinds("f")


def case_state(values: Iterable) -> str:
    """The case row's recorded state from its values in ``CASE_COLUMNS`` order, as read from
    the database (plain values: numbers, text, None; times as datetimes or SQLite's text):
    ``repr`` of the normalised tuple, one C call for most of the work (1 M cases a minute)."""
    v = list(values)
    for i in _HASHED:
        if v[i] is not None:
            v[i] = hashlib.sha256(v[i].encode()).hexdigest()[:16]
    for i in _TIMES:
        x = v[i]
        if x is not None and not isinstance(x, str):
            v[i] = x.isoformat(" ", "microseconds")
    for i in _TRUTHS:
        if v[i] is not None:
            v[i] = int(v[i])
    for i in _FLOATS:
        if v[i] is not None:
            v[i] = float(v[i])
    return CASE_STATE_VERSION + repr(tuple(v))


def _plain(v):
    """A value of a ``Case`` object as the database gives it back (enumerations as text)."""
    return v.value if isinstance(v, Enum) else v


def case_state_of(case) -> str:
    """``case_state`` of a ``Case`` object or of a dict of its columns."""
    if isinstance(case, dict):
        return case_state(_plain(case.get(name)) for name in CASE_COLUMN_NAMES)
    return case_state(_plain(getattr(case, name)) for name in CASE_COLUMN_NAMES)


def state_differences(recorded: str | None, current: str) -> list[str]:
    """The columns in which two recorded states differ."""
    if recorded is None:
        return ["(no state recorded)"]
    try:
        old = ast.literal_eval(recorded.removeprefix(CASE_STATE_VERSION))
        new = ast.literal_eval(current.removeprefix(CASE_STATE_VERSION))
    except (ValueError, SyntaxError):
        return ["(state recorded in another form)"]
    if not recorded.startswith(CASE_STATE_VERSION) or len(old) != len(new):
        return ["(state recorded in another form)"]
    return [name for name, a, b in zip(CASE_COLUMN_NAMES, old, new, strict=True) if a != b]


def entry_body(
    case_id,
    seq,
    at,
    action,
    actor_user_id,
    actor_role,
    actor_center_id,
    from_state,
    to_state,
    details_text,
    case_after,
    comment,
) -> tuple:
    """An entry's content in its canonical form: plain values (numbers, text, None), its time
    as stored, its details as canonical JSON text. ``entry_mac`` keys its ``repr``, which no
    other content has (``repr`` of such a tuple is read back by ``ast.literal_eval``)."""
    return (
        case_id,
        seq,
        _time(at),
        action,
        actor_user_id,
        _plain(actor_role),
        actor_center_id,
        _plain(from_state),
        _plain(to_state),
        details_text,
        case_after,
        comment,
    )


def entry_mac(key: bytes, gseq: int, prev: str | None, body: tuple) -> str:
    """The entry's HMAC-SHA256: its place in the chain, the entry before it, its content."""
    return _hmac_digest(key, repr((FORMAT, gseq, prev, *body)).encode(), "sha256").hex()


def _entry_dict_body(case_id: int, entry: dict) -> tuple:
    return entry_body(
        case_id,
        entry["seq"],
        entry["at"],
        str(entry["action"]),
        entry.get("actor_user_id"),
        entry.get("actor_role"),
        entry.get("actor_center_id"),
        entry.get("from_state"),
        entry.get("to_state"),
        canonical_json(entry.get("details") or {}),
        entry.get("case_after"),
        entry.get("comment") or "",
    )


def chain_entries(
    key: bytes, entries: Iterable[dict], gseq: int, prev: str | None
) -> tuple[int, str | None]:
    """Key and chain entries (dicts of ``case_events`` columns with ``case_id``) in order after
    place ``gseq`` whose MAC is ``prev``: fills ``gseq``, ``prev_hash``, ``entry_hash``; returns
    the new head. For writers of many entries at once (the demo, the benchmark)."""
    for entry in entries:
        gseq += 1
        entry["details"] = entry.get("details") or {}
        entry["gseq"], entry["prev_hash"] = gseq, prev
        prev = entry["entry_hash"] = entry_mac(
            key, gseq, prev, _entry_dict_body(entry["case_id"], entry)
        )
    return gseq, prev


# --- keys and the head -------------------------------------------------------------------------


def lock_head(session: Session) -> ArchiveHead:
    """The chain's head, locked until the transaction ends (PostgreSQL: ``FOR UPDATE``; SQLite:
    the write transaction holds the database). Writers call it first, before reading the case,
    so all of them take their locks in one order."""
    head = session.scalars(
        select(ArchiveHead)
        .where(ArchiveHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if head is None:  # a database made before the head row: never by the migrations
        raise ArchiveProblem("The archive has no head row (archive_head); migrate the database.")
    return head


def append_entry(session: Session, case: Case, entry: dict) -> CaseEvent:
    """Append one entry for ``case`` (which the caller has already changed and given its new
    version): keyed, chained after the head, with the case's resulting state."""
    head = lock_head(session)
    key = keys_of(session).archive
    entry = {**entry, "case_id": case.id, "case_after": case_state_of(case)}
    gseq, mac = chain_entries(key, [entry], head.gseq, head.entry_hash)
    head.gseq, head.entry_hash = gseq, mac
    case.archive_hash = mac
    event = CaseEvent(**entry)
    session.add(event)
    return event


# --- checkpoints -------------------------------------------------------------------------------


def _signing_key(keys: Keys):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(keys.signing)


def public_key_hex(keys: Keys) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return _signing_key(keys).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def checkpoint_message(gseq: int, entry_hash: str | None, at: dt.datetime) -> bytes:
    return f"{CHECKPOINT_FORMAT}\n{gseq}\n{entry_hash or NONE}\n{_time(at)}\n".encode()


@dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint as published: the chain had MAC ``entry_hash`` at place ``gseq``."""

    gseq: int
    entry_hash: str | None
    at: dt.datetime
    public_key: str
    signature: str
    note: str = ""

    def signature_valid(self) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            key.verify(
                bytes.fromhex(self.signature),
                checkpoint_message(self.gseq, self.entry_hash, self.at),
            )
        except (InvalidSignature, ValueError):
            return False
        return True

    def as_json(self) -> str:
        return (
            json.dumps(
                {
                    "format": CHECKPOINT_FORMAT,
                    "gseq": self.gseq,
                    "entry_hash": self.entry_hash,
                    "at": _time(self.at),
                    "public_key": self.public_key,
                    "signature": self.signature,
                    "note": self.note,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )

    @classmethod
    def from_json(cls, text_: str) -> Checkpoint:
        try:
            data = json.loads(text_)
            if data.get("format") != CHECKPOINT_FORMAT:
                raise ValueError(f"format is {data.get('format')!r}")
            return cls(
                gseq=int(data["gseq"]),
                entry_hash=data["entry_hash"],
                at=dt.datetime.fromisoformat(data["at"]),
                public_key=str(data["public_key"]),
                signature=str(data["signature"]),
                note=str(data.get("note", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ArchiveProblem(f"Not an archive checkpoint ({exc}).") from None

    @classmethod
    def of_row(cls, row: ArchiveCheckpoint) -> Checkpoint:
        return cls(row.gseq, row.entry_hash, row.at, row.public_key, row.signature, row.note)

    @property
    def fingerprint(self) -> str:
        """What a printed report shows: place, MAC and signature, short enough to read out."""
        return f"#{self.gseq} {(self.entry_hash or NONE)[:16]} sig {self.signature[:16]}"


def make_checkpoint(session: Session, at: dt.datetime, note: str = "") -> Checkpoint:
    """Sign the chain's head now and keep the checkpoint (in the caller's transaction)."""
    keys = keys_of(session)
    head = lock_head(session)
    signature = _signing_key(keys).sign(checkpoint_message(head.gseq, head.entry_hash, at))
    row = ArchiveCheckpoint(
        gseq=head.gseq,
        entry_hash=head.entry_hash,
        at=at,
        public_key=public_key_hex(keys),
        signature=signature.hex(),
        note=note[:200],
    )
    session.add(row)
    session.flush()
    return Checkpoint.of_row(row)


def ensure_checkpoint(session: Session, at: dt.datetime, note: str = "") -> Checkpoint:
    """The newest checkpoint if it signs the current head, else a new one."""
    head = lock_head(session)  # first: two servers starting at once make one checkpoint
    newest = latest_checkpoint(session)
    if newest is not None and newest.gseq == head.gseq and newest.entry_hash == head.entry_hash:
        return newest
    return make_checkpoint(session, at, note)


def latest_checkpoint(session: Session) -> Checkpoint | None:
    row = session.scalars(
        select(ArchiveCheckpoint).order_by(ArchiveCheckpoint.id.desc()).limit(1)
    ).first()
    return None if row is None else Checkpoint.of_row(row)


# --- verifying ---------------------------------------------------------------------------------


@dataclass
class AuditResult:
    entries: int = 0
    cases: int = 0
    unsealed: int = 0
    attachments: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0  # found beyond MAX_PROBLEMS
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_break(self) -> str | None:
        return self.problems[0] if self.problems else None

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1


# An entry's columns as verify reads them: its place, its links, then its content in the order
# of ``entry_body`` (so the content is the row's tail, its time converted on PostgreSQL).
_ENTRY_COLUMNS = (
    "gseq, id, prev_hash, entry_hash, case_id, seq, at, action, actor_user_id, actor_role, "
    "actor_center_id, from_state, to_state, CAST(details AS TEXT), case_after, comment"
)


def _rows(url: str, sql: str, params: tuple):
    """Rows of a query straight from the driver (no per-row work of SQLAlchemy's): a server
    side cursor on PostgreSQL, SQLite's own cursor; ``?`` placeholders in ``sql``."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            if engine.dialect.name == "postgresql":
                with raw.cursor(name="audit") as cursor:
                    cursor.itersize = 20_000
                    cursor.execute(sql.replace("?", "%s"), params)
                    yield from cursor
                raw.rollback()
            else:
                cursor = raw.execute(sql, params)
                yield from cursor
                cursor.close()
    finally:
        engine.dispose()


def _body(row) -> tuple:
    """The content of an entry read with ``_ENTRY_COLUMNS``."""
    at = row[6]
    if isinstance(at, str):
        return row[4:]
    return (*row[4:6], None if at is None else at.isoformat(" ", "microseconds"), *row[7:])


def _recheck(key: bytes, row) -> bool:
    """A second look at an entry whose MAC did not match as read: its time and details in their
    canonical form (a database that stores them in another spelling), not only as stored."""
    gseq, _id, prev, mac, case_id, seq, at, action, user, role, center, frm, to = row[:13]
    details, after, comment = row[13:]
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError:
            return False
    try:
        details = canonical_json(json.loads(details)) if details is not None else "{}"
    except ValueError:
        return False
    body = entry_body(
        case_id, seq, at, action, user, role, center, frm, to, details, after, comment
    )
    return hmac.compare_digest(entry_mac(key, gseq, prev, body), mac or "")


def _check_entries(url: str, key: bytes, lo: int, hi: int) -> dict:
    """Entries ``lo`` … ``hi`` of the chain: each keyed right, each after the one before; the
    attachment entries' details for the attachment check. Runs in a worker process too."""
    problems: list[tuple] = []
    attach: list[tuple] = []
    count, expected, prev, first = 0, lo, None, None
    digest = _hmac_digest
    sql = f"SELECT {_ENTRY_COLUMNS} FROM case_events WHERE gseq >= ? AND gseq <= ? ORDER BY gseq"
    fmt, rep = (FORMAT,), repr
    for row in _rows(url, sql, (lo, hi)):
        gseq, prev_hash, mac = row[0], row[2], row[3]
        count += 1
        if first is None:
            first = (gseq, prev_hash)
        if gseq != expected:
            problems.append(("gap", expected, gseq - 1))
        elif prev_hash != prev and prev is not None:
            problems.append(("link", gseq, row[4], row[5], row[7]))
        # (FORMAT, gseq, prev, *content): SQLite's rows are tuples with the time as stored
        head = fmt + row[0:1] + row[2:3]
        body = row[4:] if row[6].__class__ is str else _body(row)
        if digest(key, rep(head + body).encode(), "sha256").hex() != mac and not _recheck(key, row):
            problems.append(("mac", gseq, row[4], row[5], row[7]))
        if row[7] == "attach":
            attach.append((row[1], row[4], row[5], row[13]))
        prev, expected = mac, gseq + 1
        if len(problems) > MAX_PROBLEMS:
            break
    if expected <= hi and len(problems) <= MAX_PROBLEMS:
        problems.append(("gap", expected, hi))
    return {
        "count": count,
        "first": first,
        "last": (expected - 1, prev),
        "problems": problems,
        "attach": attach,
    }


_CASE_SQL = (
    "SELECT c.id, c.code, c.archive_hash, "
    + ", ".join(f"c.{name}" for name in CASE_COLUMN_NAMES)
    + ", e.gseq, e.case_after, e.entry_hash, e.id IS NOT NULL, "
    "(SELECT MAX(m.seq) FROM case_events m WHERE m.case_id = c.id) "
    "FROM cases c LEFT JOIN case_events e ON e.case_id = c.id AND e.seq = c.version "
    "WHERE c.id >= ? AND c.id <= ? {only} ORDER BY c.id"
)


def _check_cases(url: str, lo: int, hi: int, only: tuple[int, ...] | None = None) -> dict:
    """Cases ``lo`` … ``hi``: each row as its newest entry left it. Runs in a worker too."""
    problems: list[tuple] = []
    count = 0
    n = len(CASE_COLUMNS)
    only_sql = ""
    if only is not None:
        only_sql = "AND c.id IN (" + (",".join(str(int(i)) for i in only) or "NULL") + ")"
    for row in _rows(url, _CASE_SQL.format(only=only_sql), (lo, hi)):
        count += 1
        case_id, code, archive_hash = row[0], row[1], row[2]
        values = row[3 : 3 + n]
        gseq, after, mac, found, last_seq = row[3 + n :]
        version = values[-1]
        if last_seq is None:
            problems.append(("no_entries", case_id, code))
            continue
        if not found or last_seq != version:
            problems.append(("version", case_id, code, version, last_seq))
            continue
        if gseq is None:
            continue  # not sealed yet: counted and reported as such
        current = case_state(values)
        if current != after:
            problems.append(("state", case_id, code, version, after, current))
        if archive_hash != mac:
            problems.append(("head", case_id, code, version))
        if len(problems) > MAX_PROBLEMS:
            break
    return {"count": count, "problems": problems}


def _split(lo: int, hi: int, parts: int) -> list[tuple[int, int]]:
    if hi < lo:
        return []
    step = max(1, -(-(hi - lo + 1) // parts))
    return [(a, min(a + step - 1, hi)) for a in range(lo, hi + 1, step)]


def _run(jobs: list[tuple], workers: int) -> list[dict]:
    if workers <= 1 or len(jobs) <= 1:
        return [fn(*args) for fn, *args in jobs]
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(min(workers, len(jobs))) as pool:
        pending = [pool.apply_async(fn, args) for fn, *args in jobs]
        return [p.get() for p in pending]


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def verify_archive(
    database: Database,
    *,
    workers: int | None = None,
    published: Iterable[Checkpoint] = (),
    case_ids: Iterable[int] | None = None,
) -> AuditResult:
    """Check the whole archive: every entry's MAC and place in the chain, the head, every case
    row against its newest entry, every attachment and its bytes against the entry that added
    it, the stored checkpoints, the triggers, and the ``published`` checkpoints (files kept
    outside). ``case_ids``: only those cases' rows and entries (their MACs, not the chain).
    Problems name the case, the entry and the column or attachment."""
    started = time.perf_counter()
    automatic = workers is None
    workers = default_workers() if workers is None else max(1, workers)
    keys = database.keys()
    url = database.url
    result = AuditResult()
    with database.session() as session:
        head = session.get(ArchiveHead, 1)
        head_gseq, head_mac = (head.gseq, head.entry_hash) if head else (0, None)
        top = session.scalar(text("SELECT MAX(gseq) FROM case_events")) or 0
        low_id, high_id = session.execute(text("SELECT MIN(id), MAX(id) FROM cases")).one()
        result.unsealed = session.scalar(
            text("SELECT COUNT(*) FROM case_events WHERE gseq IS NULL")
        )
        stored = [Checkpoint.of_row(r) for r in session.scalars(select(ArchiveCheckpoint))]
        triggers_missing = _missing_triggers(session)
    only = None if case_ids is None else tuple(sorted(set(case_ids)))
    last = max(head_gseq, top)
    if automatic and last < PARALLEL_FROM:
        workers = 1  # starting processes costs more than it saves
    jobs: list[tuple] = []
    if only is None:
        jobs += [(_check_entries, url, keys.archive, a, b) for a, b in _split(1, last, workers)]
    if low_id is not None:
        jobs += [
            (_check_cases, url, a, b, only) for a, b in _split(low_id, high_id, max(1, workers))
        ]
    if only is not None:
        jobs.append((_check_case_entries, url, keys.archive, only))
    done = _run(jobs, workers)
    entry_parts = [d for d in done if "first" in d]
    case_parts = [d for d in done if "first" not in d and "attach" not in d]
    partial = [d for d in done if "attach" in d and "first" not in d]
    raw: list[tuple] = []
    attach: list[tuple] = []
    previous_last = None
    for part in entry_parts + partial:
        result.entries += part["count"]
        raw += part["problems"]
        attach += part["attach"]
        if "first" in part:
            if previous_last is not None and part["first"] is not None:
                (last_gseq, last_mac), (first_gseq, first_prev) = previous_last, part["first"]
                if first_gseq == last_gseq + 1 and first_prev != last_mac:
                    raw.append(("link", first_gseq, None, None, None))
            previous_last = part["last"]
    for part in case_parts:
        result.cases += part["count"]
        raw += part["problems"]
    with database.session() as session:
        codes = _codes(session, raw)
        for problem in raw:
            result.add(_describe(problem, codes))
        if only is None:
            if head_gseq != top:
                result.add(
                    f"archive head: says the chain ends at entry #{head_gseq}, the newest entry "
                    f"is #{top} (the head was moved, or entries after it removed)"
                )
            elif top and previous_last and previous_last[1] != head_mac:
                result.add(f"archive head: its MAC differs from entry #{top}'s")
            for case_id in session.scalars(
                text(
                    "SELECT DISTINCT e.case_id FROM case_events e WHERE NOT EXISTS "
                    "(SELECT 1 FROM cases c WHERE c.id = e.case_id)"
                )
            ):
                result.add(f"case id {case_id}: its archive entries remain, its case row is gone")
            result.attachments = _check_attachments(session, attach, result)
            _check_checkpoints(session, keys, stored, top, result, published=False)
            _check_checkpoints(session, keys, list(published), top, result, published=True)
        if result.unsealed:
            result.add(
                f"{result.unsealed} entries were written before the keyed archive and are not "
                "sealed: run `commandcenter audit seal` once with the key file"
            )
        for name in triggers_missing:
            result.add(
                f"trigger {name} is missing or disabled: the database no longer refuses changes "
                "to the archive"
            )
    result.checkpoints = len(stored)
    result.seconds = time.perf_counter() - started
    return result


def _check_case_entries(url: str, key: bytes, only: tuple[int, ...]) -> dict:
    """The MACs of the given cases' entries (no chain): the benchmark's quick look."""
    problems, count = [], 0
    ids = ",".join(str(int(i)) for i in only) or "NULL"
    sql = f"SELECT {_ENTRY_COLUMNS} FROM case_events WHERE case_id IN ({ids}) AND gseq IS NOT NULL"
    for row in _rows(url, sql, ()):
        count += 1
        if entry_mac(key, row[0], row[2], _body(row)) != row[3] and not _recheck(key, row):
            problems.append(("mac", row[0], row[4], row[5], row[7]))
    return {"count": count, "problems": problems, "attach": []}


def _codes(session: Session, problems: list[tuple]) -> dict[int, str]:
    ids = {p[2] for p in problems if p[0] in ("mac", "link") and p[2] is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Case.id, Case.code).where(Case.id.in_(ids))).all())


def _describe(problem: tuple, codes: dict[int, str]) -> str:
    kind = problem[0]
    if kind == "gap":
        _, a, b = problem
        which = f"entry #{a}" if a == b else f"entries #{a}–#{b}"
        return (
            f"archive {which} of the chain missing: deleted (a case's entries, or a whole case "
            "with its entries)"
        )
    if kind in ("mac", "link"):
        _, gseq, case_id, seq, action = problem
        if case_id is None:
            return f"archive entry #{gseq}: does not follow the entry before it"
        where = f"case {codes.get(case_id, f'id {case_id}')} entry #{seq} ({action}, chain #{gseq})"
        if kind == "mac":
            return f"{where}: content altered (its MAC does not match: edited, or forged without the key)"
        return f"{where}: does not follow the entry before it (entries replaced or reordered)"
    if kind == "no_entries":
        return f"case {problem[2]}: its archive is missing (entries deleted)"
    if kind == "version":
        _, _, code, version, last = problem
        return (
            f"case {code}: the case row says version {version} but its archive ends at entry "
            f"#{last} (column version: the row was rolled back or its entries changed)"
        )
    if kind == "state":
        _, _, code, version, after, current = problem
        columns = ", ".join(state_differences(after, current))
        return f"case {code}: the case row differs from its archive entry #{version} in {columns}"
    if kind == "head":
        return f"case {problem[2]}: column archive_hash differs from its entry #{problem[3]}'s MAC"
    return str(problem)


def _check_attachments(session: Session, attach: list[tuple], result: AuditResult) -> int:
    """Every attachment row as the entry that added it says, and its bytes by their SHA-256."""
    recorded = {}
    for event_id, case_id, seq, details in attach:
        try:
            d = json.loads(details or "{}")
        except ValueError:
            continue  # the entry's MAC already says it was altered
        if "attachment_id" in d:
            recorded[d["attachment_id"]] = (event_id, case_id, seq, d)
    rows = session.execute(
        text(
            "SELECT a.id, a.case_id, a.event_id, a.kind, a.filename, a.sha256, a.size_bytes, "
            "c.code FROM attachments a LEFT JOIN cases c ON c.id = a.case_id ORDER BY a.id"
        )
    ).all()
    wanted_ids = sorted({e_case for _e, e_case, _s, _d in recorded.values()})
    codes = {}
    for k in range(0, len(wanted_ids), 5000):
        chunk = wanted_ids[k : k + 5000]
        codes.update(session.execute(select(Case.id, Case.code).where(Case.id.in_(chunk))).all())
    seen = set()
    for id_, case_id, event_id, kind, filename, sha256, size, code in rows:
        seen.add(id_)
        entry = recorded.get(id_)
        if entry is None:
            result.add(
                f"case {code}: attachment #{id_} ({filename}) is in no archive entry "
                "(added behind the archive's back)"
            )
            continue
        e_id, e_case, e_seq, d = entry
        differs = [
            name
            for name, have, want in (
                ("case_id", case_id, e_case),
                ("event_id", event_id, e_id),
                ("sha256", sha256, d.get("sha256")),
                ("size_bytes", size, d.get("size_bytes")),
                ("filename", filename, d.get("filename")),
                ("kind", kind, d.get("kind")),
            )
            if have != want
        ]
        if differs:
            result.add(
                f"case {codes.get(e_case, code)}: attachment #{id_} ({d.get('filename')}) differs "
                f"from archive entry #{e_seq} in {', '.join(differs)} (evidence swapped)"
            )
    for id_, (_e, e_case, e_seq, d) in recorded.items():
        if id_ not in seen:
            result.add(
                f"case {codes.get(e_case, f'id {e_case}')}: attachment #{id_} "
                f"({d.get('filename')}) of archive entry #{e_seq} is gone (evidence deleted)"
            )
    wanted = {d.get("sha256"): (e_case, d) for _e, e_case, _s, d in recorded.values()}
    found = set()
    for digest, data in session.execute(
        text("SELECT sha256, data FROM attachment_contents")
    ).yield_per(50):
        if digest not in wanted:
            continue
        found.add(digest)
        if hashlib.sha256(bytes(data)).hexdigest() != digest:
            e_case, d = wanted[digest]
            result.add(
                f"case {codes.get(e_case, f'id {e_case}')}: the stored bytes of "
                f"{d.get('filename')} (SHA-256 {digest[:16]}…) were replaced (evidence swapped)"
            )
    for digest in set(wanted) - found:
        e_case, d = wanted[digest]
        result.add(
            f"case {codes.get(e_case, f'id {e_case}')}: the stored bytes of {d.get('filename')} "
            f"(SHA-256 {digest[:16]}…) are gone"
        )
    return len(rows)


def _check_checkpoints(
    session: Session,
    keys: Keys,
    checkpoints: list[Checkpoint],
    top: int,
    result: AuditResult,
    *,
    published: bool,
) -> None:
    ours = public_key_hex(keys)
    for cp in checkpoints:
        name = f"{'published' if published else 'stored'} checkpoint #{cp.gseq} of {cp.at:%Y-%m-%d %H:%M}"
        if not cp.signature_valid():
            result.add(f"{name}: its signature is not valid (the checkpoint was altered)")
            continue
        if cp.public_key != ours:
            result.add(f"{name}: signed by another key than this installation's signing key")
            continue
        if cp.gseq == 0:
            continue
        if cp.gseq > top:
            result.add(
                f"{name}: the chain now ends at #{top}; entries #{top + 1}–#{cp.gseq} it "
                "signed are gone (the newest entries were removed)"
            )
            continue
        mac = session.scalar(
            text("SELECT entry_hash FROM case_events WHERE gseq = :g"), {"g": cp.gseq}
        )
        if mac != cp.entry_hash:
            result.add(
                f"{name}: entry #{cp.gseq} is no longer the one it signed (the archive was "
                "rewritten up to there)"
            )


# The triggers of migration 0013, by name.
TRIGGERS = (
    "case_events_no_update",
    "case_events_no_delete",
    "archive_checkpoints_no_update",
    "archive_checkpoints_no_delete",
    "archive_head_no_delete",
)


def _missing_triggers(session: Session) -> list[str]:
    if session.get_bind().dialect.name == "postgresql":
        present = set(session.scalars(text("SELECT tgname FROM pg_trigger WHERE tgenabled <> 'D'")))
    else:
        present = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'")))
    return [name for name in TRIGGERS if name not in present]


# --- sealing the entries written before the keyed archive ---------------------------------------


def legacy_entry_hash(case_id: int, entry: dict, prev_hash: str | None) -> str:
    """The old per-case SHA-256 of an entry (before migration 0013), to check it once more
    before sealing."""

    def value(v):
        if isinstance(v, dt.datetime | dt.date):
            return v.isoformat()
        return getattr(v, "value", v)

    content = {
        "case": case_id,
        "seq": entry["seq"],
        "at": value(entry["at"]),
        "action": entry["action"],
        "actor": entry.get("actor_user_id"),
        "role": value(entry.get("actor_role")),
        "center": entry.get("actor_center_id"),
        "from": value(entry.get("from_state")),
        "to": value(entry.get("to_state")),
        "comment": entry.get("comment") or "",
        "details": entry.get("details") or {},
        "prev": prev_hash,
    }
    text_ = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text_.encode()).hexdigest()


@dataclass(frozen=True)
class SealResult:
    entries: int
    cases: int
    checkpoint: Checkpoint


def seal(session: Session, at: dt.datetime) -> SealResult:
    """Key and chain every entry written before the keyed archive (in one transaction, by the
    key holder): their old per-case chains are checked first, and a break refuses the seal
    (sealing would vouch for tampered entries). Ends with a checkpoint saying so."""
    key = keys_of(session).archive
    head = lock_head(session)
    columns = [c for c in CaseEvent.__table__.columns]
    rows = session.execute(
        select(*columns).where(CaseEvent.gseq.is_(None)).order_by(CaseEvent.case_id, CaseEvent.seq)
    ).all()
    if not rows:
        raise ArchiveProblem("Every archive entry is sealed already; nothing to do.")
    by_case: dict[int, list] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(list(by_case))))}
    broken = []
    for case_id, entries in by_case.items():
        prev = None
        case = cases.get(case_id)
        code = case.code if case else f"id {case_id}"
        if entries[0].seq != 1:
            broken.append(f"case {code}: its first unsealed entry is #{entries[0].seq}")
            continue
        for row in entries:
            entry = row._asdict()
            if row.prev_hash != prev or legacy_entry_hash(case_id, entry, prev) != row.entry_hash:
                broken.append(f"case {code} entry #{row.seq}: its old hash chain is broken")
                break
            prev = row.entry_hash
        else:
            if case is not None and case.archive_hash != prev and case.version == entries[-1].seq:
                broken.append(f"case {code}: archive_hash differs from its newest entry's")
    if broken:
        raise ArchiveProblem(
            "Not sealed: the old archive is already broken, and sealing would vouch for it: "
            + "; ".join(broken[:20])
            + (f" (and {len(broken) - 20} more)" if len(broken) > 20 else "")
        )
    gseq, prev = head.gseq, head.entry_hash
    for case_id, entries in by_case.items():
        case = cases.get(case_id)
        for row in entries:
            entry = row._asdict()
            if case is not None and row.seq == case.version:
                entry["case_after"] = case_state_of(case)
            (gseq, prev) = chain_entries(key, [entry], gseq, prev)
            session.execute(
                update(CaseEvent)
                .where(CaseEvent.id == row.id)
                .values(
                    details=entry["details"],  # in the canonical spelling the MAC covers
                    gseq=entry["gseq"],
                    prev_hash=entry["prev_hash"],
                    entry_hash=entry["entry_hash"],
                    case_after=entry.get("case_after"),
                )
            )
            if case is not None and row.seq == case.version:
                session.execute(
                    update(Case.__table__)
                    .where(Case.__table__.c.id == case_id)
                    .values(archive_hash=entry["entry_hash"])
                )
    head.gseq, head.entry_hash = gseq, prev
    session.flush()
    checkpoint = make_checkpoint(
        session, at, f"sealed {len(rows)} entries of {len(by_case)} cases written before 0013"
    )
    return SealResult(len(rows), len(by_case), checkpoint)


def read_checkpoint_file(path: str | Path) -> Checkpoint:
    try:
        return Checkpoint.from_json(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ArchiveProblem(f"Cannot read {path}: {exc.strerror}") from None
