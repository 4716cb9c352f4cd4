"""The rule ledger: every check we make beyond the CRDs, as one record each, run by one runner that collects.

A rule is a small function that yields ``Problem``s. It is registered with its id, severity, stage and the source
that makes it a refusal (or a warning) and the runner turns what it yields into ``Finding``s that carry the rule's
id. Errors from every group are gathered and raised together; warnings are returned and can be switched off by id.

This module imports nothing of the library, so every module that holds rules can import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from karpenter_infra.errors import SpecError


class Severity(StrEnum):
    #: Karpenter, EC2, the kubelet or the API server refuses it, the pool provably never launches a node, or two of
    #: our own fields contradict each other.
    ERROR = "error"
    #: Looks wrong but runs: names the group, says what to do, and can be switched off by its id.
    WARNING = "warning"


class Stage(StrEnum):
    #: The settings of one layer (a group's or the defaults') as written: a model's own validation.
    MODEL = "model"
    #: One resolved group at a time (defaults merged in).
    GROUP = "group"
    #: The fleet's resolved groups together.
    FLEET = "fleet"
    #: The fleet against the platform (cluster, Karpenter chart, IAM).
    PLATFORM = "platform"
    #: Each NodePool against the instance-type catalog.
    CATALOG = "catalog"


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule function yields: where, and what is wrong there."""

    owner: str
    field: str
    message: str


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem found by one rule; ``rule`` is the stable id users switch a warning off by."""

    owner: str
    field: str
    message: str
    rule: str = ""
    severity: Severity = Severity.WARNING
    #: Where the value came from when the owner did not write it: ``defaults``, or a values file.
    origin: str = ""

    @property
    def located(self) -> str:
        """The field as a line shows it: ``instances.cores (from defaults)``."""
        return f"{self.field} (from {self.origin})" if self.origin else self.field

    def __str__(self) -> str:
        return f"{self.owner}: {self.located}: {self.message}"


Check = Callable[..., Iterable[Problem]]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    stage: Stage
    #: The file and function (Karpenter at v1.14.1), or the AWS/Kubernetes document, that makes this a refusal or a
    #: warning; for our own contradictions, the two fields that disagree.
    source: str
    #: One line for the generated table: what is refused (or warned about), and why.
    summary: str
    #: The check. ``runs`` rules are called by the runner with the stage's arguments; the others are enforced where
    #: the data is first seen (a model validator, the catalog's pool check) and ``function`` is that place.
    function: Callable[..., Any]
    runs: bool = True

    @property
    def where(self) -> str:
        return f"{self.function.__module__}.{self.function.__qualname__}"


#: Every rule by id, in registration order. Filled at import time of the modules that hold rules
#: (``karpenter_infra.ledger.registry.all_rules`` imports them all).
RULES: dict[str, Rule] = {}
_BY_STAGE: dict[tuple[Stage, Severity | None], list[Rule]] = {}


def register(rule: Rule) -> Rule:
    known = RULES.get(rule.id)
    if known is not None and known.where != rule.where:
        raise ValueError(f"rule id {rule.id!r} is registered twice ({known.where}, {rule.where})")
    RULES[rule.id] = rule
    _BY_STAGE.clear()
    return rule


def rule(
    id: str, *, severity: Severity, stage: Stage, source: str, summary: str, runs: bool = True
) -> Callable[[F], F]:
    """Register the decorated function as the rule ``id``; the function itself is returned unchanged."""

    def decorate(function: F) -> F:
        register(Rule(id, severity, stage, source, summary, function, runs))
        return function

    return decorate


def declare(id: str, *, severity: Severity, stage: Stage, source: str, summary: str, where: Callable[..., Any]) -> None:
    """A rule enforced in place (``where``), listed here so that the table is complete and its source is known."""
    register(Rule(id, severity, stage, source, summary, where, runs=False))


def rules_for(stage: Stage, severity: Severity | None = None) -> list[Rule]:
    key = (stage, severity)
    found = _BY_STAGE.get(key)
    if found is None:
        found = _BY_STAGE[key] = [
            r for r in RULES.values() if r.runs and r.stage == stage and severity in (None, r.severity)
        ]
    return found


def run(stage: Stage, *args: Any, severity: Severity | None = None) -> list[Finding]:
    """Every finding of every rule of ``stage``, each rule called once with ``args``."""
    found: list[Finding] = []
    for r in rules_for(stage, severity):
        found.extend(Finding(p.owner, p.field, p.message, r.id, r.severity) for p in r.function(*args))
    return found


def run_each(stage: Stage, subjects: Iterable[Any], severity: Severity | None = None) -> list[Finding]:
    """``run`` once per subject (a group), collecting across all of them."""
    rules = rules_for(stage, severity)
    found: list[Finding] = []
    for subject in subjects:
        for r in rules:
            for p in r.function(subject):
                found.append(Finding(p.owner, p.field, p.message, r.id, r.severity))
    return found


def errors_of(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]


def warnings_of(findings: Iterable[Finding], off: Mapping[str, frozenset[str]] | None = None) -> list[Finding]:
    """The warnings, less those switched off: ``off`` maps an owner (or ``"*"``, every owner) to rule ids."""
    every = off.get("*", frozenset()) if off else frozenset()
    return [
        f
        for f in findings
        if f.severity == Severity.WARNING
        and f.rule not in every
        and (off is None or f.rule not in off.get(f.owner, frozenset()))
    ]


def raise_errors(findings: Iterable[Finding]) -> None:
    """Raise every error at once (one ``SpecError``, sorted by owner then field), or nothing."""
    errors = errors_of(findings)
    if errors:
        raise collected([SpecError.one(f.owner, f.located, f.message) for f in errors])


class CollectedError(SpecError):
    """Several independent problems, possibly of several owners, raised together: one line each."""

    def __init__(self, errors: Sequence[SpecError]) -> None:
        lines = sorted({(e.owner, field, problem) for e in errors for field, problem in e.issues})
        super().__init__(lines[0][0], [(field, problem) for owner, field, problem in lines if owner == lines[0][0]])
        self.errors = [SpecError.one(owner, field, problem) for owner, field, problem in lines]
        self.args = ("\n".join(str(error) for error in self.errors),)

    def __str__(self) -> str:
        return str(self.args[0])


def collected(errors: Sequence[SpecError]) -> SpecError:
    """One error for many: itself when there is one, else a ``CollectedError`` sorted by owner, then field."""
    flat = [e for error in errors for e in (error.errors if isinstance(error, CollectedError) else [error])]
    if len(flat) == 1:
        return flat[0]
    return CollectedError(flat)


class Collector:
    """Gathers the ``SpecError``s of independent steps (one per group) so that all of them are reported at once.

    ``with collector.step():`` swallows a ``SpecError`` into the collector; ``collector.raise_if_any()`` raises them
    together, before anything downstream runs on half-validated input.
    """

    def __init__(self) -> None:
        self.errors: list[SpecError] = []

    def step(self) -> _Step:
        return _Step(self)

    def add(self, error: SpecError) -> None:
        self.errors.append(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise collected(self.errors)


class _Step:
    __slots__ = ("collector",)

    def __init__(self, collector: Collector) -> None:
        self.collector = collector

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if isinstance(exc, SpecError):
            self.collector.add(exc)
            return True
        return False


def iter_rules() -> Iterator[Rule]:
    yield from RULES.values()
