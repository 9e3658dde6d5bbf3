"""The demo district's log-in accounts (listed in the README): one per role."""

from commandcenter.access.accounts import DEMO_SETTING, DEMO_USERNAMES
from commandcenter.domain.enums import Role

DEMO_PASSWORD = "demo2026"

# (username, role, where, display name); each gets DEMO_PASSWORD.
DEMO_STAFF = (
    ("admin", Role.ADMINISTRATOR, "county", "系统管理员"),
    ("supervisor", Role.SUPERVISOR, "county", "周督办"),
    ("duty", Role.DUTY_OFFICER, "street", "陈值班"),
    ("dispatcher", Role.DISPATCHER, "street", "王派遣"),
    ("handler", Role.DEPARTMENT_HANDLER, "urban_management", "刘城管"),
    ("leader", Role.GRID_LEADER, "community", "李网格长"),
    ("gridman", Role.GRID_MANAGER, "grid", "张网格员"),
)
# The video wall's display account (大屏展示账号) of the district's top center: it reads the
# whole district and changes nothing (``run.py --wall`` logs in as it). Made after every other
# account, so the staff's ids and generated names stay as they were.
DEMO_DISPLAYS = (("wall", Role.DISPLAY, "county", "指挥大厅大屏"),)
DEMO_ACCOUNTS = DEMO_STAFF + DEMO_DISPLAYS

assert {account[0] for account in DEMO_ACCOUNTS} == DEMO_USERNAMES
__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_DISPLAYS",
    "DEMO_PASSWORD",
    "DEMO_SETTING",
    "DEMO_STAFF",
    "DEMO_USERNAMES",
]
