"""Every module that registers rules, imported once so that the ledger is complete (the table, switch-off ids)."""

from __future__ import annotations

import importlib
from functools import cache

from karpenter_infra.ledger.core import RULES, Rule, Severity

#: The modules holding rules. A new rule module goes here; a test fails when a module registers rules unlisted.
RULE_MODULES = (
    "karpenter_infra.rules.group",
    "karpenter_infra.rules.fleet",
    "karpenter_infra.spec.fleet_rules",
    "karpenter_infra.catalog.checks",
    "karpenter_infra.catalog.report",
    "karpenter_infra.checks",
    "karpenter_infra.disruption.rules",
    "karpenter_infra.ledger.declared",
)


@cache
def load_rules() -> None:
    for module in RULE_MODULES:
        importlib.import_module(module)


def all_rules() -> dict[str, Rule]:
    load_rules()
    return dict(RULES)


def warning_ids() -> frozenset[str]:
    return frozenset(r.id for r in all_rules().values() if r.severity == Severity.WARNING)
