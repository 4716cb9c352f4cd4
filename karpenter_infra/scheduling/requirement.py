"""One label requirement, as Karpenter holds it: kubernetes-sigs/karpenter ``pkg/scheduling/requirement.go``
(tag v1.14.1), ``Requirement``.

A requirement is a value set over one key: ``In`` a finite set, ``NotIn`` the complement of one, ``Exists`` the
complement of nothing, ``DoesNotExist`` the empty set. ``Gt``/``Lt`` (and Karpenter's ``Gte``/``Lte``) become
inclusive integer bounds on a complement set (``NewRequirementWithFlexibility``: ``Gt N`` is ``>= N+1``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from karpenter_infra.scheduling.labels import normalized

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte")


class RequirementError(ValueError):
    pass


def _integer(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _within(value: str, gte: int | None, lte: int | None) -> bool:
    """``withinBounds``: with a bound, only an integer value can be inside it."""
    if gte is None and lte is None:
        return True
    number = _integer(value)
    if number is None:
        return False
    return (gte is None or number >= gte) and (lte is None or number <= lte)


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    complement: bool
    values: frozenset[str]
    gte: int | None = None
    lte: int | None = None
    min_values: int | None = None

    @classmethod
    def of(cls, key: str, operator: str, values: Iterable[str] = (), min_values: int | None = None) -> Requirement:
        """``NewRequirementWithFlexibility``: the key is normalised (beta aliases) first."""
        key = normalized(key)
        values = tuple(values)
        if operator == "In":
            return cls(key, False, frozenset(values), min_values=min_values)
        if operator == "NotIn":
            return cls(key, True, frozenset(values), min_values=min_values)
        if operator == "Exists":
            return cls(key, True, frozenset(), min_values=min_values)
        if operator == "DoesNotExist":
            return cls(key, False, frozenset(), min_values=min_values)
        if operator in ("Gt", "Lt", "Gte", "Lte"):
            bound = _integer(values[0]) if len(values) == 1 else None
            if bound is None:
                raise RequirementError(f"{key} {operator} needs one integer value, got {list(values)}")
            if operator == "Gt":
                return cls(key, True, frozenset(), gte=bound + 1, min_values=min_values)
            if operator == "Lt":
                return cls(key, True, frozenset(), lte=bound - 1, min_values=min_values)
            if operator == "Gte":
                return cls(key, True, frozenset(), gte=bound, min_values=min_values)
            return cls(key, True, frozenset(), lte=bound, min_values=min_values)
        raise RequirementError(f"{key}: unknown operator {operator!r}")

    @property
    def operator(self) -> str:
        """``Operator``: bounds read as ``Exists`` with bounds."""
        if self.complement:
            return "NotIn" if self.values else "Exists"
        return "In" if self.values else "DoesNotExist"

    @property
    def admits_absent(self) -> bool:
        """A node without the label matches ``NotIn`` and ``DoesNotExist`` (``Requirements.Intersects`` lets two such
        requirements pass although their value sets do not intersect)."""
        return self.operator in ("NotIn", "DoesNotExist")

    def has(self, value: str) -> bool:
        """``Has``: whether a node labelled ``value`` satisfies the requirement."""
        if self.complement:
            return value not in self.values and _within(value, self.gte, self.lte)
        return value in self.values and _within(value, self.gte, self.lte)

    def intersection(self, other: Requirement) -> Requirement:
        """``Intersection``: both at once (what ``Requirements.Add`` keeps for a key named twice)."""
        complement = self.complement and other.complement
        gte, lte = _max(self.gte, other.gte), _min(self.lte, other.lte)
        min_values = _max(self.min_values, other.min_values)
        if gte is not None and lte is not None and gte > lte:
            return Requirement(self.key, False, frozenset(), min_values=min_values)
        if self.complement and other.complement:
            values = self.values | other.values
        elif self.complement:
            values = other.values - self.values
        elif other.complement:
            values = self.values - other.values
        else:
            values = self.values & other.values
        values = frozenset(v for v in values if _within(v, gte, lte))
        if not complement:
            gte = lte = None
        return Requirement(self.key, complement, values, gte, lte, min_values)

    def has_intersection(self, other: Requirement) -> bool:
        """``HasIntersection``: some label value satisfies both."""
        gte, lte = _max(self.gte, other.gte), _min(self.lte, other.lte)
        if gte is not None and lte is not None and gte > lte:
            return False
        if self.complement and other.complement:
            return True
        if self.complement:
            return any(v not in self.values and _within(v, gte, lte) for v in other.values)
        if other.complement:
            return any(v not in other.values and _within(v, gte, lte) for v in self.values)
        return any(v in other.values and _within(v, gte, lte) for v in self.values)

    def within(self, wide: Requirement) -> bool:
        """Whether every node this requirement admits is admitted by ``wide`` as well; ``False`` when unsure (an
        unbounded set against a finite one)."""
        if self.admits_absent and not wide.admits_absent:
            return False
        if not self.complement:
            return all(wide.has(v) for v in self.values if _within(v, self.gte, self.lte))
        if self.gte is not None and self.lte is not None and self.lte - self.gte <= 4096:
            return all(wide.has(str(n)) for n in range(self.gte, self.lte + 1) if str(n) not in self.values)
        if not wide.complement:
            return False
        if wide.gte is not None and (self.gte is None or self.gte < wide.gte):
            return False
        if wide.lte is not None and (self.lte is None or self.lte > wide.lte):
            return False
        return not any(self.has(v) for v in wide.values)

    def __str__(self) -> str:
        """``String``: at most five values, then a count."""
        operator = self.operator
        if operator in ("Exists", "DoesNotExist"):
            text = f"{self.key} {operator}"
        else:
            values = sorted(self.values)
            if len(values) > 5:
                values = [*values[:5], f"and {len(values) - 5} others"]
            text = f"{self.key} {operator} [{' '.join(values)}]"
        if self.gte is not None:
            text += f" >={self.gte}"
        if self.lte is not None:
            text += f" <={self.lte}"
        if self.min_values is not None:
            text += f" minValues {self.min_values}"
        return text
