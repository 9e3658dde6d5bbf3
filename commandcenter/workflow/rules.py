"""Who may take which step of the closed loop, from which states (GB/T 34300 §6.4, GB/T 30428).

The table is the single source: the engine enforces it, the console asks it which buttons to
show, and the closing note of the workflow issue prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from commandcenter.access.accounts import READ_ONLY_ROLES
from commandcenter.domain.enums import CaseSource, CaseState, Role

S = CaseState
R = Role


class Action(StrEnum):
    REPORT = "report"  # 上报
    FILE = "file"  # 受理立案
    DECLINE = "decline"  # 不予立案
    SELF_RESOLVE = "self_resolve"  # 自行处置
    DISPATCH = "dispatch"  # 派遣到职能部门 / 交办下级 / 本级处置
    ESCALATE = "escalate"  # 上报上级中心
    ACCEPT = "accept"  # 签收
    RETURN = "return"  # 回退 (wrong assignment)
    REPORT_RESULT = "report_result"  # 处置反馈
    VERIFY = "verify"  # 核查: passed → follow-up/closed, failed → rework 返工
    FOLLOW_UP = "follow_up"  # 回访评价 → 结案
    REQUEST_EXTENSION = "request_extension"  # 申请延期
    DECIDE_EXTENSION = "decide_extension"  # 延期审批
    SUSPEND = "suspend"  # 挂账
    RESUME = "resume"  # 恢复
    VOID = "void"  # 作废
    SUPERVISE = "supervise"  # 督办
    REPLY_SUPERVISION = "reply_supervision"  # 督办回复
    URGE = "urge"  # 催办
    REOPEN = "reopen"  # 重新办理 (resident disputes the result)
    MERGE = "merge"  # 并案
    ATTACH = "attach"  # 补充材料: a photo, snapshot or document added to the archive


class Scope(StrEnum):
    JURISDICTION = "jurisdiction"  # the case is in the actor's jurisdiction
    HOLDER = "holder"  # the actor's department or center holds the case (or the actor does)
    GRID = "grid"  # the actor manages the case's grid


CENTER_STAFF = frozenset({R.DUTY_OFFICER, R.DISPATCHER})
ACTIVE = (S.FILED, S.DISPATCHED, S.HANDLING, S.AWAITING_VERIFICATION, S.FOLLOW_UP)


@dataclass(frozen=True)
class Rule:
    from_states: tuple[CaseState, ...]
    roles: frozenset[Role]
    scope: Scope
    needs_reason: bool = False
    # The state after the step; None when the step decides (verify) or keeps the state.
    to_state: CaseState | None = None


RULES: dict[Action, Rule] = {
    Action.FILE: Rule((S.REPORTED,), CENTER_STAFF, Scope.JURISDICTION, to_state=S.FILED),
    Action.DECLINE: Rule((S.REPORTED,), CENTER_STAFF, Scope.JURISDICTION, True, S.DECLINED),
    Action.SELF_RESOLVE: Rule(
        (S.REPORTED,), frozenset({R.GRID_MANAGER}), Scope.GRID, True, S.AWAITING_VERIFICATION
    ),
    Action.DISPATCH: Rule((S.FILED,), CENTER_STAFF, Scope.HOLDER, to_state=S.DISPATCHED),
    Action.ESCALATE: Rule(
        (S.REPORTED, S.FILED, S.HANDLING),
        CENTER_STAFF | {R.GRID_LEADER},
        Scope.HOLDER,
        True,
        S.FILED,
    ),
    Action.ACCEPT: Rule(
        (S.DISPATCHED,),
        CENTER_STAFF | {R.DEPARTMENT_HANDLER, R.GRID_LEADER},
        Scope.HOLDER,
        to_state=S.HANDLING,
    ),
    Action.RETURN: Rule(
        (S.DISPATCHED, S.HANDLING),
        CENTER_STAFF | {R.DEPARTMENT_HANDLER, R.GRID_LEADER},
        Scope.HOLDER,
        True,
        S.FILED,
    ),
    Action.REPORT_RESULT: Rule(
        (S.HANDLING,),
        CENTER_STAFF | {R.DEPARTMENT_HANDLER, R.GRID_LEADER},
        Scope.HOLDER,
        True,
        S.AWAITING_VERIFICATION,
    ),
    Action.VERIFY: Rule(
        (S.AWAITING_VERIFICATION,),
        CENTER_STAFF | {R.GRID_MANAGER, R.GRID_LEADER},
        Scope.JURISDICTION,
    ),
    Action.FOLLOW_UP: Rule((S.FOLLOW_UP,), CENTER_STAFF, Scope.JURISDICTION, to_state=S.CLOSED),
    Action.REQUEST_EXTENSION: Rule(
        (S.DISPATCHED, S.HANDLING),
        CENTER_STAFF | {R.DEPARTMENT_HANDLER, R.GRID_LEADER},
        Scope.HOLDER,
        True,
    ),
    Action.DECIDE_EXTENSION: Rule(
        (S.DISPATCHED, S.HANDLING), CENTER_STAFF | {R.SUPERVISOR}, Scope.JURISDICTION
    ),
    Action.SUSPEND: Rule(ACTIVE, frozenset({R.SUPERVISOR}), Scope.JURISDICTION, True, S.SUSPENDED),
    Action.RESUME: Rule((S.SUSPENDED,), frozenset({R.SUPERVISOR}), Scope.JURISDICTION),
    Action.VOID: Rule(
        (S.REPORTED, *ACTIVE, S.SUSPENDED),
        frozenset({R.SUPERVISOR}),
        Scope.JURISDICTION,
        True,
        S.VOIDED,
    ),
    Action.SUPERVISE: Rule(
        (S.REPORTED, *ACTIVE), frozenset({R.SUPERVISOR}), Scope.JURISDICTION, True
    ),
    Action.REPLY_SUPERVISION: Rule(
        (S.REPORTED, *ACTIVE, S.SUSPENDED),
        CENTER_STAFF | {R.DEPARTMENT_HANDLER, R.GRID_LEADER},
        Scope.HOLDER,
        True,
    ),
    Action.URGE: Rule(
        (S.REPORTED, *ACTIVE),
        CENTER_STAFF | {R.SUPERVISOR, R.GRID_LEADER},
        Scope.JURISDICTION,
    ),
    Action.REOPEN: Rule(
        (S.CLOSED,), CENTER_STAFF | {R.SUPERVISOR}, Scope.JURISDICTION, True, S.FILED
    ),
    Action.MERGE: Rule((S.REPORTED, S.FILED), CENTER_STAFF, Scope.JURISDICTION, True, S.MERGED),
    # Anyone who may see an open case may add material to it (but a display account, which
    # changes nothing); the archive records who.
    Action.ATTACH: Rule(
        (S.REPORTED, *ACTIVE, S.SUSPENDED), frozenset(R) - READ_ONLY_ROLES, Scope.JURISDICTION
    ),
}


# Who reports cases from which source (上报来源): a grid manager or leader what they found on
# patrol or were told by a resident; a center's staff every channel it takes (calls, the 12345
# hotline, cameras, orders from above, a patrol called in); a supervisor an order from above or a
# call; a department handler only a hand-over (部门移交). An outside system (12345) reports
# through its service account, which Open311 further limits to its own channels
# (``channels.open311.INTEGRATION_SOURCES``). Administrators and display accounts report nothing.
REPORT_SOURCES: dict[Role, frozenset[CaseSource]] = {
    R.GRID_MANAGER: frozenset({CaseSource.GRID_PATROL, CaseSource.RESIDENT}),
    R.GRID_LEADER: frozenset({CaseSource.GRID_PATROL, CaseSource.RESIDENT}),
    R.DUTY_OFFICER: frozenset(CaseSource) - {CaseSource.DEPARTMENT},
    R.DISPATCHER: frozenset(CaseSource) - {CaseSource.DEPARTMENT},
    R.SUPERVISOR: frozenset(
        {CaseSource.UPPER_CENTER, CaseSource.RESIDENT, CaseSource.HOTLINE_12345}
    ),
    R.DEPARTMENT_HANDLER: frozenset({CaseSource.DEPARTMENT}),
}


def transition_table() -> list[tuple[str, str, str, str, str]]:
    """(action, from states, to state, roles, scope) rows, for docs and the closing note."""
    rows = []
    for action, rule in RULES.items():
        to = rule.to_state.value if rule.to_state else "(decided by the step)"
        if action in (Action.VERIFY,):
            to = "follow_up / closed (passed), handling (rework) or reported (self-resolved)"
        elif action in (Action.RESUME,):
            to = "the state before the suspension"
        elif rule.to_state is None:
            to = "unchanged"
        rows.append(
            (
                action.value,
                ", ".join(s.value for s in rule.from_states),
                to,
                ", ".join(sorted(r.value for r in rule.roles)),
                rule.scope.value + (" + reason" if rule.needs_reason else ""),
            )
        )
    return rows
