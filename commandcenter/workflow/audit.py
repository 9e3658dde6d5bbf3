"""The tamper-evident electronic archive (电子档案).

Each case's entries form a hash chain: an entry's hash covers its content and the previous
entry's hash, and the case keeps the newest hash. Editing, deleting or reordering any entry
breaks the chain at that entry; ``verify_archive`` finds the first break.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from commandcenter.storage.models import Case, CaseEvent


def _value(v):
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return getattr(v, "value", v)  # enums as their stored string


def entry_hash(case_id: int, entry: dict, prev_hash: str | None) -> str:
    """Hash of one archive entry, given as the column values of a ``case_events`` row."""
    content = {
        "case": case_id,
        "seq": entry["seq"],
        "at": _value(entry["at"]),
        "action": entry["action"],
        "actor": entry.get("actor_user_id"),
        "role": _value(entry.get("actor_role")),
        "center": entry.get("actor_center_id"),
        "from": _value(entry.get("from_state")),
        "to": _value(entry.get("to_state")),
        "comment": entry.get("comment") or "",
        "details": entry.get("details") or {},
        "prev": prev_hash,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def chain(case_id: int, entries: Iterable[dict], prev_hash: str | None = None) -> str | None:
    """Fill ``prev_hash``/``entry_hash`` of entries in order; returns the newest hash."""
    for entry in entries:
        entry["prev_hash"] = prev_hash
        entry["entry_hash"] = prev_hash = entry_hash(case_id, entry, prev_hash)
    return prev_hash


def _row_dict(e: CaseEvent) -> dict:
    return {
        "seq": e.seq,
        "at": e.at,
        "action": e.action,
        "actor_user_id": e.actor_user_id,
        "actor_role": e.actor_role,
        "actor_center_id": e.actor_center_id,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "comment": e.comment,
        "details": e.details,
    }


@dataclass(frozen=True)
class AuditResult:
    cases: int
    entries: int
    first_break: str | None  # None when the whole archive verifies

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_archive(session: Session, case_ids: Iterable[int] | None = None) -> AuditResult:
    """Check every chain (or those of ``case_ids``); names the first broken entry found."""
    cases_query = select(Case.id, Case.code, Case.archive_hash).order_by(Case.id)
    events_query = select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.seq, CaseEvent.id)
    if case_ids is not None:
        ids = list(case_ids)
        cases_query = cases_query.where(Case.id.in_(ids))
        events_query = events_query.where(CaseEvent.case_id.in_(ids))
    heads = {cid: (code, head) for cid, code, head in session.execute(cases_query)}
    n_cases = n_entries = 0
    current, expected_seq, prev = None, 1, None

    def close(case_id) -> str | None:
        code, head = heads.pop(case_id)
        if prev != head:
            return (
                f"case {code}: the archive ends at entry #{expected_seq - 1} but the case "
                "records a different newest entry (entries deleted or replaced)"
            )
        return None

    for e in session.scalars(events_query.execution_options(yield_per=5000)):
        n_entries += 1
        if e.case_id != current:
            if current is not None and (problem := close(current)):
                return AuditResult(n_cases, n_entries, problem)
            current, expected_seq, prev = e.case_id, 1, None
            n_cases += 1
            if current not in heads:
                return AuditResult(n_cases, n_entries, f"entry {e.id} belongs to no case")
        code = heads[current][0]
        where = f"case {code} entry #{e.seq} ({e.action}, {e.at:%Y-%m-%d %H:%M})"
        if e.seq != expected_seq:
            problem = "missing" if e.seq > expected_seq else "duplicated or reordered"
            return AuditResult(
                n_cases, n_entries, f"{where}: expected entry #{expected_seq}, entries {problem}"
            )
        if e.prev_hash != prev:
            return AuditResult(
                n_cases, n_entries, f"{where}: does not follow the entry before it (reordered)"
            )
        if entry_hash(current, _row_dict(e), prev) != e.entry_hash:
            return AuditResult(n_cases, n_entries, f"{where}: content was altered")
        prev, expected_seq = e.entry_hash, expected_seq + 1
    if current is not None and (problem := close(current)):
        return AuditResult(n_cases, n_entries, problem)
    for code, head in heads.values():
        if head is not None:
            return AuditResult(n_cases, n_entries, f"case {code}: its whole archive is missing")
    return AuditResult(n_cases, n_entries, None)


@event.listens_for(CaseEvent, "before_update")
def _refuse_update(_mapper, _connection, target) -> None:
    raise PermissionError(f"archive entries are append-only (case {target.case_id})")


@event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target) -> None:
    raise PermissionError(f"archive entries are append-only (case {target.case_id})")
