"""The wire codec (commandcenter.backend.wire): every answer the server gives comes back as the
same value, through JSON text, for real values read from the demo district; what does not fit
a type is refused with where and why."""

from __future__ import annotations

import datetime as dt
import json
import typing

import pytest

from commandcenter.backend.wire import WireError, decode, decode_value, encode
from commandcenter.figures.period import Period
from commandcenter.server.calls import CALLS

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import DEMO_NOW, demo_backend
except ImportError:
    from conftest import DEMO_NOW, demo_backend


def round_trip(tp, value):
    text = json.dumps(encode(value), ensure_ascii=False)
    return decode(tp, json.loads(text))


@pytest.fixture(scope="module")
def answers(demo_database):
    """Real answers of the calls, as the duty officer and the administrator get them."""
    duty = demo_backend(demo_database, "duty")
    admin = demo_backend(demo_database, "admin")
    data = duty.load_console()
    case = next(row for row in data.rows if row.deadline is not None)
    period = Period.parse("2026-11")
    return {
        "load_console": data,
        "changes_since": duty.changes_since(data.mark),
        "case_detail": duty.case_detail(case.id),
        "case_history": duty.case_history(case.id),
        "dispatch_targets": duty.dispatch_targets(case.id),
        "search_places": duty.search_places("东安", 12),
        "figures_overview": duty.figures_overview(period, DEMO_NOW),
        "figures_trace": duty.figures_trace(period, "category", 0, "on_time_rate", DEMO_NOW),
        "figures_trace_day": duty.figures_trace_day(dt.date(2026, 11, 20), "intake", DEMO_NOW),
        "monthly_report": duty.monthly_report(period),
        "tours": duty.tours(),
        "camera_list": admin.camera_list(),
        "stored_camera": admin.stored_camera(admin.camera_list()[0].id),
    }


def test_answers_come_back_equal(answers):
    for name, value in answers.items():
        assert round_trip(CALLS[name].result, value) == value, name


def test_every_type_a_call_names_can_be_read():
    """Each argument and answer type is one the codec knows (a Literal, a union, a nested
    dataclass): asking it to read a wrong value fails with WireError, never TypeError."""

    def walk(tp, seen):
        if id(tp) in seen or tp is typing.Any:  # Any: the inputs of a step, read by the engine
            return
        seen.add(id(tp))
        with pytest.raises(WireError):
            decode_value(tp, object(), "probe")
        for arg in typing.get_args(tp):
            if arg is not Ellipsis and not isinstance(arg, str | int):
                walk(arg, seen)

    seen: set[int] = set()
    for call in CALLS.values():
        for tp in [call.result, *call.params.values()]:
            walk(tp, seen)


def test_a_value_that_does_not_fit_says_where():
    from commandcenter.jurisdiction.search import PlaceHit

    hit = {
        "kind": "planet",
        "id": 1,
        "title": "x",
        "subtitle": "",
        "lon": 1.0,
        "lat": 2.0,
        "bbox": None,
        "score": 1.0,
    }
    with pytest.raises(WireError, match="kind"):
        decode(PlaceHit, {"body": hit})
    with pytest.raises(WireError, match="id"):
        decode(PlaceHit, {"body": {**hit, "kind": "grid", "id": "one"}})
    with pytest.raises(WireError):
        decode(PlaceHit, {"body": {**hit, "kind": "grid", "extra": 1}})
