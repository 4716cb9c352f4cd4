"""Fleets of a few groups against the shipped catalog, and the reference files the catalog is generated from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults
from karpenter_infra.catalog.model import Catalog, shipped_catalog

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "karpenter-v1.14"
PROJECT = Path(__file__).resolve().parents[2]


def catalog() -> Catalog:
    return shipped_catalog()


def fleet(*groups: NodeGroup, **defaults: Any) -> Fleet:
    return Fleet(NodeGroupDefaults(cluster_name="c", **defaults), list(groups), node_role="R")


def warnings_of(built: Fleet, group: str) -> list[str]:
    return [f"{w.kind}: {w.message}" for w in built.catalog_report.pools[group].warnings]
