"""How a backend's NodePools read against the catalog: its label keys in the catalog's spelling, and the types it
can launch at all.

The catalog speaks Karpenter's keys (``karpenter.k8s.aws/...``) and knows every type of the region. A backend that
spells the keys differently or launches fewer types (EKS Auto Mode) hands the catalog a view; the catalog imports no
backend. Self-managed Karpenter's view is the identity and costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from karpenter_infra.catalog.model import Catalog

Manifest = dict[str, Any]

#: Marks a term ``requirements`` made from a template label (never rendered), so errors name ``labels[...]``.
FROM_LABEL = "fromLabel"


# ``eq=False``: a view is compared (and memoised per catalog) by identity; there is one per backend.
@dataclass(frozen=True, slots=True, eq=False)
class CatalogView:
    #: Named in ``explain`` and in errors (``EKS Auto Mode``); ``None`` for the catalog's own reading.
    backend: str | None = None
    #: A pool's requirement key -> the catalog's key for the same label.
    keys: Mapping[str, str] = field(default_factory=dict)
    #: Requirement terms in the catalog's keys that every type the backend launches meets, each with why a type
    #: failing it is refused (``{value}`` is the type's label value), for the error that names such a type.
    supported: Sequence[tuple[Manifest, str]] = ()

    def requirements(self, node_pool: Manifest) -> list[Manifest]:
        """The pool's requirement terms, then one ``In`` term per template label, keys in the catalog's spelling.

        Karpenter turns every template label into a requirement and adds it to the pool's own (karpenter core,
        ``pkg/controllers/provisioning/scheduling/nodeclaimtemplate.go`` ``NewNodeClaimTemplate``, with
        ``pkg/scheduling/requirements.go`` ``NewLabelRequirements``), so ``instance-family: x`` narrows like one.
        """
        template = node_pool["spec"]["template"]
        terms: list[Manifest] = template["spec"].get("requirements", [])
        labels: dict[str, str] = (template.get("metadata") or {}).get("labels") or {}
        if labels:
            made = [{"key": k, "operator": "In", "values": [v], FROM_LABEL: True} for k, v in labels.items()]
            terms = [*terms, *made]
        if not self.keys:
            return terms
        keys = self.keys
        return [{**t, "key": keys[t["key"]]} if t["key"] in keys else t for t in terms]

    def launchable(self, catalog: Catalog) -> int:
        """The types the backend can launch, before any pool narrows them."""
        if not self.supported:
            return catalog.all
        memo = ("view", self)
        found = catalog.memo.get(memo)
        if found is None:
            found = catalog.all
            for term, _ in self.supported:
                found &= catalog.select(term["key"], term["operator"], term.get("values") or ())
            catalog.memo[memo] = found
        bits: int = found
        return bits


#: Self-managed Karpenter: its pools speak the catalog's keys, and it launches any type of the catalog.
KARPENTER = CatalogView()
