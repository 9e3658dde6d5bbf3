"""The console speaks Chinese by default, English on request, and its catalogue is complete."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings, Qt  # noqa: E402

from commandcenter.domain.enums import CaseCategory, CaseState, Role  # noqa: E402
from ui.board.case_list import CaseBoard  # noqa: E402
from ui.common import (
    i18n,  # noqa: E402
    labels,  # noqa: E402
)
from ui.common.paths import ROOT, TRANSLATIONS  # noqa: E402
from ui.data.case_store import CaseStore  # noqa: E402
from ui.shell.login import LoginDialog  # noqa: E402

TS = TRANSLATIONS / "commandcenter_zh_CN.ts"
QM = TRANSLATIONS / "commandcenter_zh_CN.qm"


def qt_tool(name: str) -> str:
    """pyside6-lrelease / pyside6-lupdate next to the interpreter, else on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} not found (it comes with PySide6-Essentials)"
    return found


@pytest.fixture
def settings_guard(qapp):
    """Keep the remembered language as it was (conftest puts QSettings in a temp folder)."""
    QCoreApplication.setOrganizationName("GridCommandCenter")
    QCoreApplication.setApplicationName("GridCommandCenter")
    settings = QSettings()
    before = settings.value(i18n.SETTINGS_KEY)
    settings.remove(i18n.SETTINGS_KEY)
    settings.sync()
    yield settings
    if before is None:
        settings.remove(i18n.SETTINGS_KEY)
    else:
        settings.setValue(i18n.SETTINGS_KEY, before)
    settings.sync()
    i18n.install_language(qapp, "zh_CN")


def test_chinese_is_the_default(qapp, qtbot, settings_guard):
    assert i18n.configure_language(qapp, None, remember=False) == "zh_CN"
    board = CaseBoard(CaseStore(dt.datetime(2026, 11, 26, 16, 0)))
    qtbot.addWidget(board)
    assert board.model.headerData(0, Qt.Orientation.Horizontal) == "案件编号"
    assert labels.label(CaseState.REPORTED) == "待受理"
    assert labels.label(CaseCategory.DISPUTE) == "矛盾纠纷"
    assert labels.label(Role.DUTY_OFFICER) == "值班员"
    assert QCoreApplication.translate("MainWindow", "Video wall") == "视频墙"


def test_lang_en_gives_english_and_is_remembered(qapp, qtbot, settings_guard):
    assert i18n.configure_language(qapp, "en", remember=True) == "en"
    dialog = LoginDialog(center=None)
    qtbot.addWidget(dialog)
    assert dialog.login_button.text() == "Log in"
    assert labels.label(CaseState.REPORTED) == "Awaiting filing"
    assert i18n.saved_language() == "en"
    # Next start without --lang: the remembered English.
    assert i18n.configure_language(qapp, None, remember=False) == "en"
    # --lang zh switches back.
    assert i18n.configure_language(qapp, "zh", remember=True) == "zh_CN"
    assert labels.label(CaseState.REPORTED) == "待受理"
    assert i18n.saved_language() == "zh_CN"


def test_every_enum_value_has_a_chinese_label(qapp, settings_guard):
    i18n.install_language(qapp, "zh_CN")
    for table in labels._TABLES.values():
        for value, source in table.items():
            text = labels.label(value)
            assert text and text != source, f"{value!r} shows {text!r}"


def test_qm_is_compiled_from_the_current_ts(tmp_path):
    compiled = tmp_path / "check.qm"
    subprocess.run(
        [qt_tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(compiled)],
        check=True,
        capture_output=True,
    )
    assert compiled.read_bytes() == QM.read_bytes(), (
        "commandcenter_zh_CN.qm is out of date: run scripts/update_translations.sh"
    )


def test_ts_has_every_string_of_ui_translated(tmp_path):
    """lupdate over ui/ into a copy of the .ts finds nothing new, vanished or unfinished."""
    copy = tmp_path / "check.ts"
    shutil.copy(TS, copy)
    subprocess.run(
        [
            qt_tool("pyside6-lupdate"),
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            "-extensions",
            "py",
            str(ROOT / "ui"),
            "-ts",
            str(copy),
        ],
        check=True,
        capture_output=True,
    )
    todo = []
    for context in ET.parse(copy).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation.get("type") or not (translation.text or "").strip():
                todo.append(f"{context.findtext('name')}: {message.findtext('source')}")
    assert not todo, "untranslated strings (run scripts/update_translations.sh):\n" + "\n".join(
        todo
    )
