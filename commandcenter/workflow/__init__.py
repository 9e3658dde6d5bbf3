"""The case closed loop: rules (who may do what, from which state), the engine that applies
them with optimistic locking, the hash-chained archive, and duplicate detection."""

from commandcenter.workflow.rules import RULES, Action

__all__ = ["RULES", "Action"]
