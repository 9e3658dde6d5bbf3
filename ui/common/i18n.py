"""Interface language: Simplified Chinese by default, English (the source strings) on request.

The choice is remembered in QSettings (organisation and application "GridCommandCenter",
key ``ui/language``); ``--lang`` on the command line overrides it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from ui.common.paths import TRANSLATIONS

log = logging.getLogger(__name__)

LANGUAGES = {"zh": "zh_CN", "zh_CN": "zh_CN", "en": "en", "en_US": "en"}
DEFAULT_LANGUAGE = "zh_CN"
SETTINGS_KEY = "ui/language"

_installed: list[QTranslator] = []


def normalise(lang: str | None) -> str | None:
    if not lang:
        return None
    return LANGUAGES.get(lang.replace("-", "_"))


def saved_language() -> str:
    value = QSettings().value(SETTINGS_KEY, DEFAULT_LANGUAGE)
    return normalise(str(value)) or DEFAULT_LANGUAGE


def save_language(lang: str) -> None:
    QSettings().setValue(SETTINGS_KEY, normalise(lang) or DEFAULT_LANGUAGE)


def install_language(app: QCoreApplication, lang: str) -> str:
    """Install the translators for ``lang`` ("zh_CN" or "en"), replacing earlier ones.

    Returns the language actually installed (English when a catalogue is missing)."""
    lang = normalise(lang) or DEFAULT_LANGUAGE
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if lang == "en":
        QLocale.setDefault(QLocale("en_US"))
        return "en"
    ours = QTranslator(app)
    if not ours.load(f"commandcenter_{lang}", str(TRANSLATIONS)):
        log.warning("no translation commandcenter_%s.qm in %s; using English", lang, TRANSLATIONS)
        return "en"
    app.installTranslator(ours)
    _installed.append(ours)
    qt_base = QTranslator(app)  # Qt's own strings: OK / Cancel buttons, context menus
    if qt_base.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    QLocale.setDefault(QLocale("zh_CN"))
    return lang


def configure_language(app: QCoreApplication, requested: str | None, *, remember: bool) -> str:
    """The start-up rule: ``--lang`` when given (remembered if ``remember``), else the saved
    choice, else Chinese. Returns the language installed."""
    lang = normalise(requested)
    if lang and remember:
        save_language(lang)
    return install_language(app, lang or saved_language())
