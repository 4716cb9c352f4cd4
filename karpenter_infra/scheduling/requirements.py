"""Requirements on many keys: kubernetes-sigs/karpenter ``pkg/scheduling/requirements.go`` (tag v1.14.1).

Built from a NodePool's terms (``NewNodeSelectorRequirementsWithMinValues``), from labels (``NewLabelRequirements``)
and from a pod (``NewPodRequirements``: its ``nodeSelector``, one required term and, while preferences hold, the
heaviest preferred term). ``compatible`` and ``intersects`` return the reason Karpenter gives, or ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from karpenter_infra.scheduling.requirement import Requirement


class Requirements(Mapping[str, Requirement]):
    """Key -> requirement; a key named twice holds the intersection (``Requirements.Add``). Immutable."""

    __slots__ = ("_by_key",)

    def __init__(self, requirements: Iterable[Requirement] = ()) -> None:
        by_key: dict[str, Requirement] = {}
        for requirement in requirements:
            existing = by_key.get(requirement.key)
            by_key[requirement.key] = requirement if existing is None else requirement.intersection(existing)
        self._by_key = by_key

    @classmethod
    def from_terms(cls, terms: Iterable[Mapping[str, Any]]) -> Requirements:
        """NodePool requirements or a node-selector term's ``matchExpressions``."""
        return cls(Requirement.of(t["key"], t["operator"], t.get("values") or (), t.get("minValues")) for t in terms)

    @classmethod
    def from_labels(cls, labels: Mapping[str, str]) -> Requirements:
        return cls(Requirement.of(key, "In", (value,)) for key, value in labels.items())

    @classmethod
    def from_node_pool(cls, node_pool: Mapping[str, Any]) -> Requirements:
        """A NodePool's template labels and requirements (``NewNodeClaimTemplate`` adds both, plus the pool's own
        name as ``karpenter.sh/nodepool``)."""
        template = node_pool.get("spec", {}).get("template", {})
        labels = dict(template.get("metadata", {}).get("labels") or {})
        labels["karpenter.sh/nodepool"] = node_pool.get("metadata", {}).get("name", "")
        return cls.from_labels(labels) & cls.from_terms(template.get("spec", {}).get("requirements") or [])

    def __getitem__(self, key: str) -> Requirement:
        return self._by_key[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)

    def values(self) -> ValuesView[Requirement]:
        return self._by_key.values()

    def keys(self) -> KeysView[str]:
        return self._by_key.keys()

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str, default: Any = None) -> Any:
        return self._by_key.get(key, default)

    def __and__(self, other: Requirements) -> Requirements:
        """Both at once: per key, the intersection (``Requirements.Add``)."""
        merged = dict(self._by_key)
        for key, requirement in other._by_key.items():
            existing = merged.get(key)
            merged[key] = requirement if existing is None else requirement.intersection(existing)
        found = Requirements()
        found._by_key = merged
        return found

    def __repr__(self) -> str:
        return f"Requirements({self})"

    def get_or_exists(self, key: str) -> Requirement:
        """``Get``: a key not named is ``Exists``."""
        found = self._by_key.get(key)
        return Requirement.of(key, "Exists") if found is None else found

    def compatible(self, incoming: Requirements, *, allow_undefined: frozenset[str] = frozenset()) -> str | None:
        """``Compatible``: every key ``incoming`` needs is defined here (or may be undefined), and the sets meet.

        Karpenter's scheduler passes ``AllowUndefinedWellKnownLabels`` when it holds a pod against a NodeClaim
        template, because the instance types define those keys.
        """
        for key, wanted in incoming._by_key.items():
            if key in allow_undefined or key in self._by_key or wanted.admits_absent:
                continue
            return f'label "{key}" does not have known values{_label_hint(self, key, allow_undefined)}'
        return self.intersects(incoming)

    def intersects(self, incoming: Requirements) -> str | None:
        """``Intersects``: the first key (sorted, for a stable message) on which the two admit no common value."""
        shared = self._by_key.keys() & incoming._by_key.keys()
        for key in sorted(shared) if len(shared) > 1 else shared:
            existing, wanted = self._by_key[key], incoming._by_key[key]
            if existing.has_intersection(wanted):
                continue
            if wanted.admits_absent and existing.admits_absent:
                continue
            return f"key {key}, {wanted} not in {existing}"
        return None

    def __str__(self) -> str:
        return ", ".join(sorted(str(r) for r in self._by_key.values() if r.key != "kubernetes.io/hostname"))


def _suffix(key: str) -> str:
    return key.split("/", 1)[1] if "/" in key else key


def _label_hint(requirements: Requirements, key: str, allowed: frozenset[str]) -> str:
    """``labelHint``: a key that is part of, or ends like, a known one is probably a typo of it."""
    for known in [*sorted(allowed), *sorted(requirements)]:
        if key in known or known.endswith(_suffix(key)):
            return f' (typo of "{known}"?)'
    return ""


def pod_requirements(spec: Mapping[str, Any], *, term: int = 0, preferred: bool = True) -> Requirements:
    """``newPodRequirements`` for the ``term``-th required node-selector term; ``preferred`` adds the heaviest
    preferred term (``podRequirementTypeAll``), as Karpenter does until it relaxes the preferences away."""
    found = Requirements.from_labels(spec.get("nodeSelector") or {})
    affinity = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    if preferred:
        weighted = list(affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or [])
        if weighted:
            heaviest = sorted(weighted, key=lambda p: -int(p.get("weight", 0)))[0]
            found = found & Requirements.from_terms((heaviest.get("preference") or {}).get("matchExpressions") or [])
    terms = required_terms(spec)
    if terms and term < len(terms):
        found = found & Requirements.from_terms(terms[term].get("matchExpressions") or [])
    return found


def required_terms(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    affinity = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    required = affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
    return list(required.get("nodeSelectorTerms") or [])
