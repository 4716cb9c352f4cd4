"""Which instance types a rendered NodePool admits: its requirements against the catalog, term by term.

Karpenter ANDs a NodePool's requirement terms, each with Kubernetes node-selector semantics
(karpenter core ``pkg/scheduling/requirements.go``); ``Catalog.select`` gives one term, this module the conjunction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from karpenter_infra.catalog.model import Catalog

Manifest = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """One requirement term and the admitted set after it (``before`` is the set it was applied to)."""

    term: Manifest
    before: int
    after: int


def pool_requirements(node_pool: Manifest) -> list[Manifest]:
    requirements: list[Manifest] = node_pool["spec"]["template"]["spec"].get("requirements", [])
    return requirements


def trace(requirements: list[Manifest], catalog: Catalog) -> list[Step]:
    steps = []
    bits = catalog.all
    for term in requirements:
        narrowed = bits & catalog.select(term["key"], term["operator"], term.get("values") or ())
        steps.append(Step(term, bits, narrowed))
        bits = narrowed
    return steps


def admitted_bits(node_pool: Manifest, catalog: Catalog) -> int:
    bits = catalog.all
    for term in pool_requirements(node_pool):
        bits &= catalog.select(term["key"], term["operator"], term.get("values") or ())
        if not bits:
            break
    return bits


def admitted_types(node_pool: Manifest, catalog: Catalog) -> frozenset[str]:
    """The names of the instance types the NodePool manifest admits."""
    return frozenset(catalog.names_of(admitted_bits(node_pool, catalog)))
