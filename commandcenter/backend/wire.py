"""The backend's plain data as JSON, and back into the same frozen dataclasses.

The server answers with the very dataclasses the in-process backend returns (``CaseRow``,
``ConsoleData``, ``CaseDetail`` …), so a console works the same over the network. Encoding
follows the values; decoding follows the declared types (``typing.get_type_hints``), so what
arrives is checked: a wrong type or an unknown field is a ``WireError`` (the server answers
422), never a half-built object.

- datetimes, dates, times: ISO text; enumerations: their value; bytes: base64;
- tuples, lists, sets: JSON arrays; dicts: objects with text keys (decoded by the key type);
- dataclasses: objects of their ``init`` fields;
- a ``DeadlineRule`` (the working calendar, shared by every row of a board) is written once per
  message in ``"$rules"`` and referred to by number.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import sys
import types
import typing
from collections.abc import Mapping
from functools import cache
from pathlib import PurePath
from typing import Any, Union

from commandcenter.errors import CommandCenterError
from commandcenter.schedule.deadlines import DeadlineRule
from commandcenter.schedule.workcalendar import WorkingCalendar


class WireError(CommandCenterError, ValueError):
    """Data that does not fit the type it is read as; ``where`` says where in the message."""


# --- encoding -------------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A JSON-able form of ``value`` (with its deadline rules written once)."""
    rules: list = []
    body = _encode(value, rules, {})
    return {"$rules": rules, "body": body} if rules else {"body": body}


def _encode(value, rules: list, rule_ids: dict) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, DeadlineRule):
        key = id(value)
        if key not in rule_ids:
            rule_ids[key] = len(rules)
            rules.append(_encode_rule(value))
        return {"$rule": rule_ids[key]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _encode(getattr(value, f.name), rules, rule_ids)
            for f in dataclasses.fields(value)
            if f.init
        }
    if isinstance(value, Mapping):
        return {_key(k): _encode(v, rules, rule_ids) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [_encode(v, rules, rule_ids) for v in items]
    raise WireError(f"cannot send a {type(value).__name__}")


def _key(key) -> str:
    if isinstance(key, enum.Enum):
        return str(key.value)
    if isinstance(key, dt.date):
        return key.isoformat()
    return str(key)


def _encode_rule(rule: DeadlineRule) -> dict:
    calendar = rule.calendar
    return {
        "warn_share": rule.warn_share,
        "calendar": None
        if calendar is None
        else {
            "exceptions": {
                day.isoformat(): working for day, working in calendar.exceptions.items()
            },
            "hours": None
            if calendar.hours is None
            else [[start.isoformat(), end.isoformat()] for start, end in calendar.hours],
        },
    }


# --- decoding -------------------------------------------------------------------------------------


def decode(tp: Any, message: Any) -> Any:
    """``message`` (from ``encode``) read as type ``tp``."""
    if not isinstance(message, dict) or "body" not in message:
        raise WireError("not a message: expected an object with a body")
    rules = [_decode_rule(r) for r in message.get("$rules", ())]
    return _decode(tp, message["body"], rules, "body")


def decode_value(tp: Any, value: Any, where: str = "value") -> Any:
    """A bare value (no ``$rules``), e.g. one argument of a call."""
    return _decode(tp, value, [], where)


def _decode_rule(data) -> DeadlineRule:
    try:
        calendar = data["calendar"]
        if calendar is not None:
            hours = calendar["hours"]
            calendar = WorkingCalendar(
                {dt.date.fromisoformat(k): bool(v) for k, v in calendar["exceptions"].items()},
                None
                if hours is None
                else [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in hours],
            )
        return DeadlineRule(calendar, float(data["warn_share"]))
    except (KeyError, TypeError, ValueError) as error:
        raise WireError(f"a deadline rule that cannot be read: {error}") from None


_NONE = type(None)


def _decode(tp, value, rules: list, where: str):  # noqa: C901 (one branch per kind of type)
    if tp is Any:
        return value
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None:
            if _NONE in options:
                return None
            raise WireError(f"{where}: missing")
        errors = []
        for option in options:
            if option is _NONE:
                continue
            try:
                return _decode(option, value, rules, where)
            except WireError as error:
                errors.append(str(error))
        raise WireError(errors[0] if len(errors) == 1 else f"{where}: fits none of {options}")
    if value is None:
        raise WireError(f"{where}: missing")
    if origin is typing.Literal:
        if value in typing.get_args(tp):
            return value
        raise WireError(f"{where}: one of {list(typing.get_args(tp))}")
    if origin in (tuple, list, frozenset, set):
        if not isinstance(value, list):
            raise WireError(f"{where}: expected a list")
        args = typing.get_args(tp)
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(args) != len(value):
                raise WireError(f"{where}: expected {len(args)} items")
            return tuple(
                _decode(a, v, rules, f"{where}[{i}]")
                for i, (a, v) in enumerate(zip(args, value, strict=True))
            )
        item = args[0] if args else Any
        items = [_decode(item, v, rules, f"{where}[{i}]") for i, v in enumerate(value)]
        return origin(items)
    if origin in (dict, Mapping) or tp is dict:
        if not isinstance(value, dict):
            raise WireError(f"{where}: expected an object")
        key_type, value_type = typing.get_args(tp) or (Any, Any)
        return {
            _decode_key(key_type, k, where): _decode(value_type, v, rules, f"{where}.{k}")
            for k, v in value.items()
        }
    if isinstance(tp, type):
        return _decode_type(tp, value, rules, where)
    raise WireError(f"{where}: cannot read the type {tp!r}")


def _decode_key(tp, key: str, where: str):
    if tp is Any or tp is str:
        return key
    if tp is int:
        try:
            return int(key)
        except ValueError:
            raise WireError(f"{where}: key {key!r} is not a number") from None
    return _decode_type(tp, key, [], f"{where} key")


def _deep_tuple(value):
    return tuple(_deep_tuple(v) for v in value) if isinstance(value, list) else value


def _decode_type(tp: type, value, rules: list, where: str):  # noqa: C901
    if tp is tuple:  # a bare tuple (e.g. rings of points): nested arrays as nested tuples
        if not isinstance(value, list):
            raise WireError(f"{where}: expected a list")
        return _deep_tuple(value)
    if tp is dict:
        if not isinstance(value, dict):
            raise WireError(f"{where}: expected an object")
        return value
    if issubclass(tp, PurePath):
        if isinstance(value, str):
            return tp(value)
        raise WireError(f"{where}: expected a file name")
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise WireError(f"{where}: expected true or false")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise WireError(f"{where}: expected a whole number")
    if tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise WireError(f"{where}: expected a number")
    if tp is str:
        if isinstance(value, str):
            return value
        raise WireError(f"{where}: expected text")
    if tp is bytes:
        if isinstance(value, str):
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:
                pass
        raise WireError(f"{where}: expected base64 bytes")
    if issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            raise WireError(f"{where}: {value!r} is not one of {[m.value for m in tp]}") from None
    if tp in (dt.datetime, dt.date, dt.time):
        if isinstance(value, str):
            try:
                return tp.fromisoformat(value)
            except ValueError:
                pass
        raise WireError(f"{where}: expected a {tp.__name__} in ISO form")
    if tp is DeadlineRule:
        if isinstance(value, dict) and isinstance(value.get("$rule"), int):
            index = value["$rule"]
            if 0 <= index < len(rules):
                return rules[index]
        raise WireError(f"{where}: not a deadline rule of this message")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise WireError(f"{where}: expected an object")
        hints = _hints(tp)
        fields = {f.name: f for f in dataclasses.fields(tp) if f.init}
        unknown = set(value) - set(fields)
        if unknown:
            raise WireError(f"{where}: unknown field(s) {sorted(unknown)}")
        kwargs = {}
        for name, f in fields.items():
            if name in value:
                kwargs[name] = _decode(hints[name], value[name], rules, f"{where}.{name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise WireError(f"{where}: the field {name} is missing")
        return tp(**kwargs)
    raise WireError(f"{where}: cannot read a {tp.__name__}")


@cache
def _hints(cls: type) -> dict:
    module = sys.modules[cls.__module__]
    localns = {"DeadlineRule": DeadlineRule, "WorkingCalendar": WorkingCalendar}
    return typing.get_type_hints(cls, vars(module), localns)
