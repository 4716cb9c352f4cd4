"""The provider's allocatable formulas, applied to capacity rebuilt from the catalog's labels, give back the
catalog's own allocatable (taken from Karpenter's generated instance-type table) for every type."""

from __future__ import annotations

from karpenter_infra.catalog.model import shipped_catalog
from karpenter_infra.simulate.allocatable import NodeSettings, allocatable


def test_defaults_reproduce_the_catalog_for_every_type() -> None:
    catalog = shipped_catalog()
    settings = NodeSettings()
    for i, name in enumerate(catalog.names):
        found = allocatable(catalog, i, settings)
        for resource in ("cpu", "memory", "ephemeral-storage", "pods"):
            assert abs(found[resource] - catalog.resources[resource][i]) < 0.5, (name, resource)


def test_max_pods_changes_pods_but_not_the_eni_based_memory_reservation_on_al2023() -> None:
    catalog = shipped_catalog()
    i = catalog.ids["m7i.large"]
    default = allocatable(catalog, i, NodeSettings())
    capped = allocatable(catalog, i, NodeSettings(max_pods=110))
    assert capped["pods"] == 110 and capped["memory"] == default["memory"]
    bottlerocket = allocatable(catalog, i, NodeSettings(ami_family="Bottlerocket", max_pods=110))
    assert bottlerocket["memory"] == default["memory"] - 11 * (110 - 29)
