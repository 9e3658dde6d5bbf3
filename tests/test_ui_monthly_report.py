"""The monthly report's PDF: written offscreen and from a worker thread, read back with pypdf
(pages, the month, every grid code and name, the overdue cases), also for a month without a
case; and its entry point ``python -m ui.figures.monthly_report``."""

from __future__ import annotations

import ast
import datetime as dt
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from commandcenter.access.accounts import demo_actor
from commandcenter.figures.kpi import KpiRow
from commandcenter.figures.monthly_report import monthly_report_data
from commandcenter.storage.models import Case
from ui.figures import monthly_report
from ui.figures.monthly_report import (
    count_axis,
    count_change_text,
    rate_axis,
    rate_change_text,
    short_grid_label,
    summary_text,
    write_monthly_report_pdf,
)

pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra: pip install -e '.[test]'")

NOW = dt.datetime(2026, 11, 26, 16, 0)  # the demo's clock


@pytest.fixture(scope="module")
def report(demo_database):
    with demo_database.session() as session:
        actor = demo_actor(session, "supervisor")
        return monthly_report_data(session, actor, "2026-10", as_of=NOW)


def _text(path) -> tuple[int, str]:
    reader = pypdf.PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", "", text)  # words come apart at tabs and lines


def test_the_pdf_shows_the_month_every_grid_and_the_overdue_cases(qapp, report, tmp_path):
    path = write_monthly_report_pdf(report, tmp_path / "report.pdf")
    assert path == tmp_path / "report.pdf"
    assert path.read_bytes().startswith(b"%PDF")
    pages, text = _text(path)
    assert pages >= 3
    assert "2026年10月工作月报" in text and "2026-10" in text
    assert report.center_name in text
    assert len(report.grids) > 20
    for grid in report.grids:
        assert grid.code in text, grid.code
        assert grid.name in text, grid.name
    for community in report.communities:
        assert community.name in text
    assert report.overdue_cases
    for case in report.overdue_cases:
        assert case.code in text
    # the cover's figures and the change against the month before
    assert f"{report.total.intake:,}" in text
    assert (
        re.sub(r"\s+", "", count_change_text(report.total.intake, report.previous_total.intake))
        in text
    )
    meta = pypdf.PdfReader(path).metadata
    assert meta.title == report.title


def test_the_pdf_is_a4_and_has_no_personal_data(qapp, report, demo_database, tmp_path):
    path = write_monthly_report_pdf(report, tmp_path / "report.pdf")
    reader = pypdf.PdfReader(path)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)
    _, text = _text(path)
    with demo_database.session() as session:
        phones = set(
            session.scalars(select(Case.reporter_phone).where(Case.reporter_phone.is_not(None)))
        )
    assert phones and not any(phone in text for phone in phones)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)


def test_the_pdf_is_written_in_a_worker_thread(qapp, report, tmp_path):
    failures: list[BaseException] = []

    def work():
        try:
            write_monthly_report_pdf(report, tmp_path / "worker.pdf")
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            failures.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive() and not failures
    write_monthly_report_pdf(report, tmp_path / "main.pdf")
    assert _text(tmp_path / "worker.pdf") == _text(tmp_path / "main.pdf")


def test_a_month_without_cases_still_makes_a_report(qapp, demo_database, tmp_path):
    with demo_database.session() as session:
        actor = demo_actor(session, "leader")
        empty = monthly_report_data(session, actor, "2020-01", as_of=NOW)
    assert empty.total.intake == 0 and not empty.overdue_cases
    pages, text = _text(write_monthly_report_pdf(empty, tmp_path / "empty.pdf"))
    assert pages >= 3
    assert "2020年1月工作月报" in text and "本月没有超期案件" in text
    assert all(grid.code in text for grid in empty.grids)


def test_the_summary_reads_the_figures(report):
    text = summary_text(report)
    assert f"共受理案件 {report.total.intake:,} 件" in text
    assert f"超期（应结案中未按期结案）{report.overdue:,} 件" in text
    assert report.overdue_grids[0].grid.name in text


def test_number_texts_and_axes():
    assert count_change_text(694, 653) == "较上月 +41（+6.3%）"
    assert count_change_text(54, 66) == "较上月 −12（−18.2%）"
    assert count_change_text(5, 5) == "与上月持平"
    assert count_change_text(3, 0) == "较上月 +3"
    assert rate_change_text(0.917, 0.898) == "较上月 +1.9 个百分点"
    assert rate_change_text(None, 0.5) == "上月无可比数据"
    axis = count_axis(80)
    assert axis.low == 0 and axis.high > 80 and len(axis.ticks()) <= 7
    assert count_axis(0).high >= 1
    rates = rate_axis([0.73, 1.0, None])
    assert rates.low == pytest.approx(0.6) and rates.high == 1.0
    assert rate_axis([]).low == 0.0


def test_short_grid_labels():
    def grid(name: str) -> KpiRow:
        return KpiRow(by="grid", key=1, code="3212020010000100101", name=name)

    assert short_grid_label(grid("东安社区第01网格"), "东安社区") == "01"
    assert short_grid_label(grid("第二实验小学专属网格"), "春晖社区") == "第二实验小学专属"


def test_the_entry_point_writes_the_pdf(demo_database, tmp_path):
    target = tmp_path / "monthly.pdf"
    command = [
        sys.executable,
        "-m",
        "ui.figures.monthly_report",
        "--period",
        "2026-10",
        str(target),
    ]
    command += ["--db", demo_database.url, "--user", "leader"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ)
    assert result.returncode == 0, result.stderr
    assert "2026年10月工作月报" in result.stdout
    pages, text = _text(target)
    assert pages >= 3 and "2026年10月" in text
    bad = subprocess.run(
        [*command[:3], "--period", "2026-Q3", str(target), "--db", demo_database.url],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ,
    )
    assert bad.returncode == 1 and "one calendar month" in bad.stderr


def test_the_module_uses_no_widget_and_no_pixmap():
    """Both belong to the GUI thread only; the report is drawn in a worker thread."""
    tree = ast.parse(Path(monthly_report.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    assert not {name for name in imported if "QtWidgets" in name or "Pixmap" in name}


def test_the_report_prints_a_checkpoint_of_the_archive_signed_when_it_was_made(
    qapp, writable_demo, backend_of, tmp_path
):
    from sqlalchemy import func, select

    from commandcenter.storage.models import CaseEvent
    from commandcenter.workflow import audit

    report = backend_of(writable_demo, "supervisor").monthly_report("2026-10")
    checkpoint = report.checkpoint
    assert checkpoint is not None and checkpoint.gseq > 20_000 and checkpoint.signature_valid()
    with writable_demo.session() as s:  # it signs the archive as it stands
        assert checkpoint.gseq == s.scalar(select(func.max(CaseEvent.gseq)))
    _pages, text = _text(write_monthly_report_pdf(report, tmp_path / "report.pdf"))
    assert "电子档案校验点" in text
    for value in (checkpoint.entry_hash, checkpoint.public_key, checkpoint.signature[:64]):
        assert value in text
    # what the paper says is what verify checks against
    assert audit.verify_archive(writable_demo, workers=1, published=[checkpoint]).ok
    # a second report with nothing new in the archive signs nothing new
    again = backend_of(writable_demo, "supervisor").monthly_report("2026-10")
    assert again.checkpoint == checkpoint
