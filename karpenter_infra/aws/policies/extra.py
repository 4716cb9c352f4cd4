"""The extra controller policy: statements a team adds, checked before IAM sees them."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from karpenter_infra.aws.policies.document import check_size, policy_document
from karpenter_infra.safe_text import quoted

_SID = re.compile(r"[A-Za-z0-9]+")
_EXTRA_STATEMENT_KEYS = ("Sid", "Effect", "Action", "Resource", "Condition")


def extra_statements_policy(statements: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A separate policy, so the template's six stay byte-comparable with upstream whatever a team adds."""
    if not statements:
        raise ValueError("extra statements: got none; leave the extra policy out instead")
    checked = [check_statement(index, statement) for index, statement in enumerate(statements)]
    sids = [s["Sid"] for s in checked if "Sid" in s]
    duplicates = sorted({sid for sid in sids if sids.count(sid) > 1})
    if duplicates:
        raise ValueError(f"extra statements: Sid must be unique within the policy, repeated: {duplicates}")
    document = policy_document(*checked)
    check_size("extra controller policy", document)
    return document


def check_statement(index: int, statement: Mapping[str, Any]) -> dict[str, Any]:
    where = f"extra statement [{index}]"
    if not isinstance(statement, Mapping):
        raise ValueError(f"{where}: expected a mapping, got {quoted(statement)}")
    unknown = sorted(set(statement) - set(_EXTRA_STATEMENT_KEYS))
    if unknown:
        hint = " (an identity policy names no Principal)" if {"Principal", "NotPrincipal"} & set(unknown) else ""
        raise ValueError(f"{where}: unknown keys {unknown}{hint}; allowed: {list(_EXTRA_STATEMENT_KEYS)}")
    missing = [key for key in ("Effect", "Action", "Resource") if key not in statement]
    if missing:
        raise ValueError(f"{where}: missing {missing}")
    if "Sid" in statement and (not isinstance(statement["Sid"], str) or _SID.fullmatch(statement["Sid"]) is None):
        raise ValueError(f"{where}: Sid must be letters and digits only, got {quoted(statement['Sid'])}")
    if statement["Effect"] not in ("Allow", "Deny"):
        raise ValueError(f"{where}: Effect must be 'Allow' or 'Deny', got {quoted(statement['Effect'])}")
    for key in ("Action", "Resource"):
        _check_strings(f"{where}: {key}", statement[key])
    condition = statement.get("Condition")
    if condition is not None and not (
        isinstance(condition, Mapping) and all(isinstance(v, Mapping) for v in condition.values())
    ):
        raise ValueError(f"{where}: Condition must map operators to {{key: value}}, got {quoted(condition)}")
    return {key: copy.deepcopy(statement[key]) for key in _EXTRA_STATEMENT_KEYS if key in statement}


def _check_strings(where: str, value: object) -> None:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise ValueError(f"{where}: expected a non-empty string or list of non-empty strings, got {quoted(value)}")
