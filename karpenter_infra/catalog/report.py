"""The fleet against the catalog: what each NodePool admits, the plan-time warnings, and how twins compare.

``Fleet`` builds one ``CatalogReport`` when it is built (errors raise there); ``checks`` turns its warnings into
plan findings and ``explain`` prints it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from karpenter_infra.catalog.checks import FIT_MARGIN, check_pool
from karpenter_infra.catalog.model import Catalog
from karpenter_infra.catalog.summary import Summary, fits, summarize
from karpenter_infra.catalog.view import KARPENTER, CatalogView
from karpenter_infra.catalog.warnings import SPOT_MIN_TYPES, CatalogWarning
from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.ledger.core import Collector, Severity, Stage, declare
from karpenter_infra.scheduling.quantity import MEBIBYTE, quantity_or_none
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.resolved import ResolvedNodeGroup

Manifest = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PoolWarning:
    owner: str
    field: str
    message: str
    kind: CatalogWarning


@dataclass(frozen=True, slots=True)
class PoolReport:
    group: str
    nodepool: str
    bits: int
    summary: Summary
    warnings: list[PoolWarning] = field(default_factory=list)
    #: What the group's ``catalog_warnings_off`` silenced: not in the plan, still shown by ``explain``.
    silenced: list[PoolWarning] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TwinReport:
    """Pools meant to run the same workloads: one group label, or a spot pool and its on-demand capacity-spread twin."""

    why: str
    nodepools: tuple[str, ...]
    same_shapes: bool
    #: Per pool, how many of its shapes the first pool lacks.
    differing: dict[str, int]


@dataclass(frozen=True, slots=True)
class CatalogReport:
    catalog: Catalog
    pools: dict[str, PoolReport]
    twins: list[TwinReport]
    #: How the pools were read: the backend's keys and the types it launches.
    view: CatalogView = KARPENTER

    @property
    def warnings(self) -> list[PoolWarning]:
        return [w for name in sorted(self.pools) for w in self.pools[name].warnings]


def fleet_report(
    groups: Sequence[ResolvedNodeGroup],
    manifests_by_group: Mapping[str, Sequence[Manifest]],
    nodegroups: Sequence[NodeGroup],
    defaults: NodeGroupDefaults,
    catalog: Catalog | None,
    view: CatalogView = KARPENTER,
) -> CatalogReport:
    """The hook ``Fleet`` calls once its manifests exist: ``catalog`` ``None`` means the shipped one; ``view`` is
    how the backend that rendered the pools reads against the catalog."""
    from karpenter_infra.catalog.model import shipped_catalog

    # A class-only group (``node_class_only``) renders no NodePool: there is nothing to launch, so nothing to judge.
    pools = {
        name: pool
        for name, manifests in manifests_by_group.items()
        if (pool := next((m for m in manifests if m["kind"] == "NodePool"), None)) is not None
    }
    silenced = {g.name: g.warnings_off for g in groups}
    return build_report(groups, pools, silenced, catalog or shipped_catalog(), view)


def build_report(
    groups: Sequence[ResolvedNodeGroup],
    pools: Mapping[str, Manifest],
    silenced: Mapping[str, frozenset[str]],
    catalog: Catalog,
    view: CatalogView = KARPENTER,
) -> CatalogReport:
    """``pools`` is each group's rendered NodePool by group name; ``silenced`` the warnings each group turns off."""
    reports: dict[str, PoolReport] = {}
    errors = Collector()
    for group in sorted((g for g in groups if g.name in pools), key=lambda g: g.name):
        notes: list[tuple[str, str, CatalogWarning]] = []
        try:
            bits = check_pool(group, pools[group.name], catalog, view, notes)
        except SpecError as exc:
            errors.add(exc)
            continue
        summary = summarize(catalog, bits)
        report = reports[group.name] = PoolReport(group.name, group.nodepool_name, bits, summary)
        owner = nodegroup_owner(group.name)
        found = [PoolWarning(owner, field, message, kind) for field, message, kind in notes]
        for warning in [*found, *_pool_warnings(group, bits, summary, catalog)]:
            (report.silenced if warning.kind in silenced.get(group.name, ()) else report.warnings).append(warning)
    errors.raise_if_any()
    twins = _twins([g for g in groups if g.name in reports], reports)
    by_pool = {g.nodepool_name: g for g in groups}
    for twin in twins:
        for pool in twin.nodepools[1:]:
            group = by_pool[pool]
            if twin.differing.get(pool):
                report = reports[group.name]
                off = silenced.get(group.name, frozenset())
                (report.silenced if CatalogWarning.TWIN_SHAPES in off else report.warnings).append(
                    PoolWarning(
                        nodegroup_owner(group.name),
                        "instances",
                        f"differs from its twin {twin.nodepools[0]} ({twin.why}) in {twin.differing[pool]} "
                        "instance shapes (vCPU, memory, arch): the twins would run different hardware",
                        CatalogWarning.TWIN_SHAPES,
                    )
                )
    return CatalogReport(catalog, reports, twins, view)


def _pool_warnings(group: ResolvedNodeGroup, bits: int, summary: Summary, catalog: Catalog) -> list[PoolWarning]:
    owner = nodegroup_owner(group.name)
    found = []
    if "spot" in group.instances.capacity_types and summary.count < SPOT_MIN_TYPES:
        found.append(
            PoolWarning(
                owner,
                "instances",
                f"spot pool admits {summary.count} instance types (fewer than {SPOT_MIN_TYPES}): one spot price or "
                "capacity event can take them all; admit more families or sizes",
                CatalogWarning.SPOT_DIVERSITY,
            )
        )
    if summary.only_old:
        found.append(
            PoolWarning(
                owner,
                "instances",
                f"admits only previous-generation or Xen instance types ({', '.join(summary.families)}): "
                "raise instances.min_generation or name current families",
                CatalogWarning.PREVIOUS_GENERATION,
            )
        )
    for j, entry in enumerate(group.headroom):
        cpu_text, memory_text = entry.resources
        cpu, memory = quantity_or_none(cpu_text), quantity_or_none(memory_text)
        assert cpu is not None and memory is not None
        if fits(catalog, bits, cpu * 1000, memory / float(MEBIBYTE), 0.0) is None:
            found.append(
                PoolWarning(
                    owner,
                    f"headroom[{j}]",
                    f"headroom pods of size {entry.key} fit the largest admitted node only within the "
                    f"{FIT_MARGIN:.0%} margin of its allocatable resources: they may stay pending",
                    CatalogWarning.HEADROOM_EDGE,
                )
            )
    return found


def _twins(groups: Sequence[ResolvedNodeGroup], reports: Mapping[str, PoolReport]) -> list[TwinReport]:
    sets: dict[tuple[str, ...], str] = {}
    by_label: dict[str, list[ResolvedNodeGroup]] = {}
    for group in groups:
        by_label.setdefault(group.group_label, []).append(group)
    for label, members in by_label.items():
        if len(members) > 1:
            sets.setdefault(tuple(sorted(g.name for g in members)), f"group label {label!r}")
    by_class: dict[str, list[ResolvedNodeGroup]] = {}
    for group in groups:
        if group.capacity_spread is not None:
            by_class.setdefault(group.nodeclass_name, []).append(group)
    for members in by_class.values():
        if len(members) > 1:
            sets.setdefault(tuple(sorted(g.name for g in members)), "capacity-spread pair")
    twins = []
    by_name = {g.name: g for g in groups}
    for names, why in sorted(sets.items()):
        # The first pool is the reference: the spread's lowest start (the spot pool), else the first by name.
        ordered = sorted(
            names,
            key=lambda n: (
                by_name[n].capacity_spread is None,
                getattr(by_name[n].capacity_spread, "start", 0),
                n,
            ),
        )
        first = reports[ordered[0]].summary.shapes
        differing = {
            reports[n].nodepool: len(reports[n].summary.shapes - first) + len(first - reports[n].summary.shapes)
            for n in ordered[1:]
        }
        twins.append(
            TwinReport(
                why=why,
                nodepools=tuple(reports[n].nodepool for n in ordered),
                same_shapes=not any(differing.values()),
                differing=differing,
            )
        )
    return twins


for _kind, _summary, _source in (
    (
        CatalogWarning.SPOT_DIVERSITY,
        f"a spot pool admitting fewer than {SPOT_MIN_TYPES} instance types",
        "EC2 User Guide, Best practices for Amazon EC2 Spot (be flexible about instance types)",
    ),
    (
        CatalogWarning.PREVIOUS_GENERATION,
        "a pool admitting only previous-generation or Xen instance types",
        "EC2 User Guide, Previous generation instances",
    ),
    (
        CatalogWarning.UNKNOWN_VALUE,
        "a requirement value no instance type in the catalog carries, beside known ones or in a NotIn (an "
        "exclude_families entry of another region, a typo): Karpenter ignores it",
        "core pkg/scheduling/requirement.go Requirement.Intersection (a NotIn or an extra In value that matches no "
        "type changes nothing)",
    ),
    (
        CatalogWarning.LIMIT_NOT_OFFERED,
        "a group's own limit on an extended resource (nvidia.com/gpu) that no admitted type offers: it bounds "
        "nothing (no warning when the limit is inherited from the defaults)",
        "core pkg/controllers/provisioning/scheduling/scheduler.go filterByRemainingResources (a resource a type "
        "lacks counts as zero, so the limit filters nothing)",
    ),
    (
        CatalogWarning.TWIN_SHAPES,
        "twin pools (one group label, or a capacity-spread pair) that admit different instance shapes",
        "ours: twins are meant to run the same workloads on the same hardware",
    ),
    (
        CatalogWarning.HEADROOM_EDGE,
        "headroom pods that fit the largest admitted node only within the allocatable margin",
        "the catalog's allocatable figures are AL2023 defaults (shared reference README)",
    ),
):
    declare(
        _kind.value,
        severity=Severity.WARNING,
        stage=Stage.CATALOG,
        source=_source,
        summary=_summary,
        where=_pool_warnings,
    )
