"""What the launched nodes cost per hour: the catalog's on-demand price of the type each NodeClaim launches.

Karpenter launches the cheapest offering among a NodeClaim's types (aws/karpenter-provider-aws
``pkg/providers/instance``, lowest price first). Offline we know on-demand prices only: for a spot node the figure is
an upper bound, and the output says so.
"""

from __future__ import annotations

from karpenter_infra.catalog.model import Catalog, members


def _price_key(catalog: Catalog, i: int) -> tuple[bool, float, str]:
    return (catalog.prices[i] is None, catalog.prices[i] or 0.0, catalog.names[i])


def cheapest_first(catalog: Catalog, bits: int) -> list[int]:
    """Type ids by on-demand price, then name; unpriced types last. Many workloads share a set: memoised."""
    key = ("cheapest_first", bits)
    found = catalog.memo.get(key)
    if found is None:
        found = catalog.memo[key] = sorted(members(bits), key=lambda i: _price_key(catalog, i))
    return list(found)


def cheapest(catalog: Catalog, bits: int) -> int:
    return min(members(bits), key=lambda i: _price_key(catalog, i))


def hourly(catalog: Catalog, i: int) -> float:
    return catalog.prices[i] or 0.0
