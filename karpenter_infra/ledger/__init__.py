"""The rule ledger: what we refuse (or warn about) beyond the CRDs, each rule with its source. See ``core``."""

from karpenter_infra.ledger.core import (
    RULES,
    Collector,
    Finding,
    Problem,
    Rule,
    Severity,
    Stage,
    collected,
    declare,
    raise_errors,
    rule,
    run,
    run_each,
    warnings_of,
)

__all__ = [
    "RULES",
    "Collector",
    "Finding",
    "Problem",
    "Rule",
    "Severity",
    "Stage",
    "collected",
    "declare",
    "raise_errors",
    "rule",
    "run",
    "run_each",
    "warnings_of",
]
