"""Where the console's resources live (styles, translations, icons)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
STYLES = RESOURCES / "styles"
TRANSLATIONS = RESOURCES / "translations"
ICONS = RESOURCES / "icons"
