"""Exports: the case list to Excel opens with exactly the given rows, typed as Excel types and
without personal data; the monthly report's figures equal the KPI figures and trace to the
cases behind them (``kpi.drill``) on the demo district for October 2026."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from commandcenter.access.accounts import demo_actor
from commandcenter.cases.export import (
    CASE_SHEET,
    DATETIME_FORMAT,
    HOURS_FORMAT,
    export_cases_xlsx,
    working_hours_left,
)
from commandcenter.cases.rows import open_cases
from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState
from commandcenter.domain.labels_zh import LABELS_ZH, label_zh
from commandcenter.errors import CommandCenterError
from commandcenter.figures.kpi import Period, compute_kpis, drill
from commandcenter.figures.monthly_report import (
    TOP_OVERDUE_GRIDS,
    _previous,
    category_label,
    monthly_report_data,
)
from commandcenter.schedule.deadlines import DeadlineStatus
from commandcenter.storage.models import Case, Center, Person

NOW = dt.datetime(2026, 11, 26, 16, 0)  # the demo's clock
OCTOBER = Period.parse("2026-10")
HEADERS = [
    "案件编号", "标题", "类别", "来源", "紧急程度", "状态", "网格", "承办", "上报时间",
    "立案时间", "处置时限", "剩余工作时间/超期", "时限状态",
]  # fmt: skip
CATALOGUE = Path(__file__).resolve().parents[1] / "resources/translations/commandcenter_zh_CN.ts"


@pytest.fixture(scope="module")
def session(demo_database):
    with demo_database.session() as session:
        yield session


@pytest.fixture(scope="module")
def supervisor(session):
    return demo_actor(session, "supervisor")  # the county: every center


@pytest.fixture(scope="module")
def report(session, supervisor):
    return monthly_report_data(session, supervisor, "2026-10", as_of=NOW)


# --- labels ----------------------------------------------------------------------------------------


def test_chinese_labels_equal_the_console_catalogue():
    from ui.common.labels import _TABLES

    root = ET.parse(CATALOGUE).getroot()
    context = next(c for c in root.iter("context") if c.findtext("name") == "Labels")
    translated = {m.findtext("source"): m.findtext("translation") for m in context.iter("message")}
    assert set(LABELS_ZH) <= set(_TABLES)  # the console names more (e.g. the actions)
    for enum, names in LABELS_ZH.items():
        assert set(names) == set(enum)
        for member, source in _TABLES[enum].items():
            assert names[member] == translated[source], member


def test_equal_strings_of_different_enumerations_keep_their_own_label():
    assert label_zh(CaseSource.DEPARTMENT) == "部门移交"
    assert label_zh(DeadlineStatus.NONE) == "无时限"
    assert label_zh(None) == ""


# --- the case list to Excel ------------------------------------------------------------------------


def _open(path: Path):
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [CASE_SHEET]
    return workbook[CASE_SHEET]


def test_the_workbook_holds_exactly_the_given_rows_in_order(session, tmp_path):
    duty = demo_actor(session, "duty")
    board = open_cases(session, duty, NOW)
    # A filtered list in the board's own order, here: not the first row, every second one,
    # reversed (the export must keep whatever order it is given).
    rows = board[1::2][::-1]
    assert len(rows) >= 5
    path = export_cases_xlsx(rows, tmp_path / "cases.xlsx", now=NOW, title="城东街道 · 测试")
    assert path == tmp_path / "cases.xlsx"
    sheet = _open(path)

    title = sheet["A1"].value
    assert "城东街道 · 测试" in title and "2026-11-26 16:00" in title and f"{len(rows)} 件" in title
    assert [c.value for c in sheet[2]] == HEADERS
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:M{len(rows) + 2}"
    assert sheet.max_row == len(rows) + 2
    assert all(sheet.column_dimensions[col].width >= 9 for col in "ABCDEFGHIJKLM")

    for row, line in zip(rows, sheet.iter_rows(min_row=3), strict=True):
        values = [c.value for c in line]
        assert values[:8] == [
            row.code,
            row.title,
            label_zh(row.category),
            label_zh(row.source),
            label_zh(row.urgency),
            label_zh(row.state),
            row.grid_name or "",
            row.holder,
        ]
        for cell, when in zip(
            line[8:11], (row.reported_at, row.filed_at, row.deadline), strict=True
        ):
            if when is None:
                assert cell.value is None
            else:
                assert isinstance(cell.value, dt.datetime) and cell.is_date
                assert cell.value == when.replace(microsecond=0)
                assert cell.number_format == DATETIME_FORMAT
        hours = line[11]
        if row.deadline is None:
            assert hours.value is None
        else:
            assert isinstance(hours.value, int | float) and hours.number_format == HOURS_FORMAT
            assert hours.value == working_hours_left(row, NOW)
            assert (hours.value < 0) == (row.deadline < NOW)
        assert values[12] == label_zh(row.status_at(NOW))


def test_the_overdue_rows_read_overdue(session, supervisor, tmp_path):
    rows = [
        r
        for r in open_cases(session, supervisor, NOW)
        if r.status_at(NOW) is DeadlineStatus.OVERDUE
    ]
    assert rows
    sheet = _open(export_cases_xlsx(rows, tmp_path / "overdue.xlsx", now=NOW))
    assert sheet["A1"].value.startswith("案件清单　导出时间")
    assert [line[12].value for line in sheet.iter_rows(min_row=3)] == ["超期"] * len(rows)
    assert all(line[11].value < 0 for line in sheet.iter_rows(min_row=3))


def test_an_empty_list_gives_the_header_alone(tmp_path):
    sheet = _open(export_cases_xlsx([], tmp_path / "none.xlsx", now=NOW, title="无"))
    assert sheet.max_row == 2 and [c.value for c in sheet[2]] == HEADERS
    assert "共 0 件" in sheet["A1"].value


def test_no_personal_data_reaches_the_workbook(session, supervisor, tmp_path):
    rows = open_cases(session, supervisor, NOW)
    sheet = _open(export_cases_xlsx(rows, tmp_path / "all.xlsx", now=NOW))
    text = "\n".join(str(v) for line in sheet.iter_rows(values_only=True) for v in line if v)
    ids = [r.id for r in rows]
    phones = session.scalars(select(Case.reporter_phone).where(Case.id.in_(ids))).all()
    reporters = session.scalars(select(Case.reporter_name).where(Case.id.in_(ids))).all()
    numbers = session.scalars(select(Person.id_number).limit(2000)).all()
    assert any(phones) and any(numbers)
    for secret in [*phones, *numbers, *(n for n in reporters if n and len(n) >= 2)]:
        if secret:
            assert secret not in text
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)  # no mobile number at all


def test_the_cli_exports_the_overdue_cases(demo_database, tmp_path):
    target = tmp_path / "overdue.xlsx"
    command = [sys.executable, "-m", "commandcenter", "export", "cases", str(target)]
    command += ["--overdue-only", "--user", "duty", "--db", demo_database.url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ)
    assert result.returncode == 0, result.stderr
    sheet = _open(target)
    states = [line[12].value for line in sheet.iter_rows(min_row=3)]
    assert states and set(states) == {"超期"}
    assert f"{len(states)} case(s) written" in result.stdout
    assert "超期在办案件" in sheet["A1"].value


# --- the monthly report's figures ------------------------------------------------------------------


def test_totals_are_the_centers_kpi_rows_of_this_month_and_the_last(session, supervisor, report):
    october = compute_kpis(session, supervisor, OCTOBER, "center", as_of=NOW)
    september = compute_kpis(session, supervisor, "2026-09", "center", as_of=NOW)
    assert report.total == next(r for r in october if r.key == supervisor.center_id)
    assert report.previous_total == next(r for r in september if r.key == supervisor.center_id)
    assert report.previous_period == Period.parse("2026-09")
    assert report.total.intake > 0 and report.previous_total.intake > 0
    assert report.change("intake") == report.total.intake - report.previous_total.intake
    assert report.change("on_time_rate") == pytest.approx(
        report.total.on_time_rate - report.previous_total.on_time_rate
    )
    assert report.complete and report.center_name == supervisor.center_name
    assert "2026年10月" in report.title


def test_every_grid_row_is_its_kpi_row_in_one_community(session, supervisor, report):
    grids = compute_kpis(session, supervisor, OCTOBER, "grid", as_of=NOW)
    assert report.grids == tuple(grids)
    placed = [g for community in report.communities for g in community.grids]
    assert sorted(g.key for g in placed) == sorted(g.key for g in grids)
    centers = {r.key: r for r in compute_kpis(session, supervisor, OCTOBER, "center", as_of=NOW)}
    for community in report.communities:
        station = session.scalar(select(Center.id).where(Center.unit_id == community.unit_id))
        assert community.total == centers[station]
        assert sum(g.intake for g in community.grids) <= community.total.intake
        assert all(g.code.startswith(community.code[:9]) for g in community.grids)


def _categories_of(session, ids) -> Counter:
    return Counter(session.scalars(select(Case.category).where(Case.id.in_(ids))).all())


def test_category_rows_trace_to_the_kpi_cases(session, supervisor, report):
    assert [category_label(r) for r in report.categories] == [label_zh(c) for c in CaseCategory]
    by = {CaseCategory(r.code): r for r in report.categories}
    key = supervisor.center_id
    for measure in ("intake", "due", "closed", "closed_on_time"):
        ids = drill(session, supervisor, OCTOBER, "center", key, measure, as_of=NOW)
        assert len(ids) == getattr(report.total, measure)
        expected = _categories_of(session, ids)
        assert {c: getattr(by[c], measure) for c in CaseCategory} == {
            c: expected.get(c, 0) for c in CaseCategory
        }, measure


def test_daily_series_trace_to_the_cases(session, supervisor, report):
    assert [d.day for d in report.daily] == [
        dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(31)
    ]
    ids = drill(session, supervisor, OCTOBER, "center", supervisor.center_id, "intake", as_of=NOW)
    reported = Counter(
        at.date() for at in session.scalars(select(Case.reported_at).where(Case.id.in_(ids)))
    )
    assert {d.day: d.intake for d in report.daily} == {d.day: reported[d.day] for d in report.daily}
    assert sum(d.intake for d in report.daily) == report.total.intake
    closed = Counter(
        at.date()
        for at in session.scalars(
            select(Case.closed_at).where(
                Case.state == CaseState.CLOSED,
                Case.closed_at >= OCTOBER.start,
                Case.closed_at < OCTOBER.end,
                Case.center_id.in_(supervisor.jurisdiction_center_ids),
            )
        )
    )
    assert {d.day: d.closed for d in report.daily} == {d.day: closed[d.day] for d in report.daily}
    assert sum(d.closed for d in report.daily) > 0


def test_overdue_cases_are_the_due_cases_not_closed_on_time(session, supervisor, report):
    key = supervisor.center_id
    due = set(drill(session, supervisor, OCTOBER, "center", key, "due", as_of=NOW))
    on_time = set(drill(session, supervisor, OCTOBER, "center", key, "closed_on_time", as_of=NOW))
    assert {c.id for c in report.overdue_cases} == due - on_time
    assert len(report.overdue_cases) == report.overdue > 0
    for overdue in report.overdue_cases:
        assert OCTOBER.start <= overdue.deadline < OCTOBER.end
        assert overdue.overdue_hours >= 0
        if overdue.closed:
            assert overdue.finished_at is not None and overdue.finished_at > overdue.deadline
        assert overdue.grid_code and overdue.handler
    still_open = [c.closed for c in report.overdue_cases]
    assert still_open == sorted(still_open)  # the open ones first


def test_the_worst_grids_rank_by_overdue_cases(report):
    counts = [o.overdue for o in report.overdue_grids]
    assert 0 < len(counts) <= TOP_OVERDUE_GRIDS
    assert counts == sorted(counts, reverse=True) and min(counts) > 0
    assert counts[0] == max(g.due - g.closed_on_time for g in report.grids)
    per_grid = Counter(c.grid_code for c in report.overdue_cases)
    for worst in report.overdue_grids:
        assert worst.overdue == per_grid[worst.grid.code]
        assert worst.community and worst.grid.name.startswith(worst.community[:2])


def test_a_community_leader_gets_the_report_of_one_community(session):
    leader = demo_actor(session, "leader")
    report = monthly_report_data(session, leader, OCTOBER, as_of=NOW)
    assert len(report.communities) == 1
    assert report.total == next(
        r
        for r in compute_kpis(session, leader, OCTOBER, "center", as_of=NOW)
        if r.key == leader.center_id
    )
    assert {g.key for g in report.grids} == {g.key for g in report.communities[0].grids}
    assert sum(c.intake for c in report.categories) == report.total.intake


def test_a_running_month_is_marked_partial_and_january_follows_december(session, supervisor):
    november = monthly_report_data(session, supervisor, "2026-11", as_of=NOW)
    assert not november.complete
    assert sum(d.intake for d in november.daily) == november.total.intake
    assert _previous(Period.parse("2027-01")) == Period.parse("2026-12")


@pytest.mark.parametrize("period", ["2026-Q3", "2026", "2026-10-05", "2026-10-01..2026-10-30"])
def test_a_monthly_report_needs_a_calendar_month(session, supervisor, period):
    with pytest.raises(CommandCenterError, match="one calendar month"):
        monthly_report_data(session, supervisor, period, as_of=NOW)


def test_the_report_carries_no_personal_data(session, supervisor, report):
    phones = set(
        session.scalars(select(Case.reporter_phone).where(Case.reporter_phone.is_not(None)))
    )
    assert phones
    text = repr(report)
    assert not any(p in text for p in phones)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
