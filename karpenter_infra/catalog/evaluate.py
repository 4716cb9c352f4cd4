"""Which instance types a rendered NodePool admits: its requirements against the catalog, term by term.

Karpenter ANDs a NodePool's requirement terms, each with Kubernetes node-selector semantics
(karpenter core ``pkg/scheduling/requirements.go``); ``Catalog.select`` gives one term, this module the conjunction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from karpenter_infra.catalog.model import Catalog
from karpenter_infra.catalog.view import KARPENTER, CatalogView

Manifest = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """One requirement term and the admitted set after it (``before`` is the set it was applied to)."""

    term: Manifest
    before: int
    after: int


def trace(requirements: list[Manifest], catalog: Catalog, start: int | None = None) -> list[Step]:
    """Each term's step, from ``start`` (default: every type of the catalog)."""
    steps = []
    bits = catalog.all if start is None else start
    for term in requirements:
        narrowed = bits & catalog.select(term["key"], term["operator"], term.get("values") or ())
        steps.append(Step(term, bits, narrowed))
        bits = narrowed
    return steps


def admitted_bits(node_pool: Manifest, catalog: Catalog, view: CatalogView = KARPENTER) -> int:
    """``view`` says how the backend that rendered the pool reads against the catalog (its keys, what it launches)."""
    bits = view.launchable(catalog)
    for term in view.requirements(node_pool):
        bits &= catalog.select(term["key"], term["operator"], term.get("values") or ())
        if not bits:
            break
    return bits


def admitted_types(node_pool: Manifest, catalog: Catalog, view: CatalogView = KARPENTER) -> frozenset[str]:
    """The names of the instance types the NodePool manifest admits."""
    return frozenset(catalog.names_of(admitted_bits(node_pool, catalog, view)))
