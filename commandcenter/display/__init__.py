"""The video-wall display mode's GUI-free parts: the wall profile and the choice of screens."""

from commandcenter.display.profile import (
    DEFAULT_PROFILE,
    KINDS,
    Page,
    Panel,
    Profile,
    ProfileError,
    load_profile,
    parse_profile,
    type_size_px,
)
from commandcenter.display.screens import Rect, ScreenError, choose_screens, union

__all__ = [
    "DEFAULT_PROFILE",
    "KINDS",
    "Page",
    "Panel",
    "Profile",
    "ProfileError",
    "Rect",
    "ScreenError",
    "choose_screens",
    "load_profile",
    "parse_profile",
    "type_size_px",
    "union",
]
