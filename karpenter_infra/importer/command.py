"""``karpenter-infra import-helm-values``: the chart's values files in, a nodegroup module (or manifests) out.

By default the import adopts: the fleet renders what the chart rendered for every object the API accepted, so the
first ``pulumi up`` replaces no node and recreates nothing. ``--modernize`` applies our own opinions instead and lists
each change with what it does to the live object. ``--report`` (or ``--live-values``) says, per object, what the
first ``pulumi up`` does to the live release.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from karpenter_infra.adoption import import_ids
from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.fleet import Fleet
from karpenter_infra.importer.base import ImportWarning, Mapped
from karpenter_infra.importer.chart import ChartFailure, ChartObject, render_chart
from karpenter_infra.importer.codegen import module_text
from karpenter_infra.importer.mapping import map_values
from karpenter_infra.importer.origins import relabel, relabelled
from karpenter_infra.importer.report import ObjectReport, format_report, migration_report, modernize_lines
from karpenter_infra.importer.values import CHART_VERSION, LoadedValues, load_values
from karpenter_infra.render.files import to_yaml
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults


@dataclass(frozen=True)
class ImportResult:
    defaults: NodeGroupDefaults
    nodegroups: list[NodeGroup]
    #: Every place the import deliberately differs from the chart's output, or found a value the chart ignores.
    warnings: list[ImportWarning]
    manifests: list[dict[str, Any]]
    #: The Python module, or with ``render`` the manifests as YAML, or with ``report`` the migration report.
    output: str
    #: Resource name -> Pulumi import id of each object the import renders that is live today.
    adopt: dict[str, str] = field(default_factory=dict)
    #: Per object, what the first ``pulumi up`` does to the live release.
    report: list[ObjectReport] = field(default_factory=list)
    #: With ``modernize``: each change over the adoption import, with its effect on the live object.
    modernized: list[str] = field(default_factory=list)
    #: Why the chart cannot render the live values (then nothing of it is live), or ``""``.
    chart_failure: str = ""


def _live(files: Sequence[Path]) -> tuple[list[ChartObject], str]:
    try:
        return render_chart(load_values(files)), ""
    except ChartFailure as exc:
        return [], str(exc)


def _owners(nodegroups: Sequence[NodeGroup]) -> dict[str, str]:
    return {nodegroup_owner(g.name): g.name for g in nodegroups}


def _fleet(mapped: Mapped, loaded: LoadedValues, node_role: str | None) -> Fleet:
    """The imported fleet; its errors about hoisted values name the values file that set them."""
    try:
        return Fleet(mapped.defaults, mapped.nodegroups, node_role=node_role)
    except SpecError as exc:
        raise relabelled(exc, _owners(mapped.nodegroups), loaded) from None


def _fleet_warnings(fleet: Fleet, loaded: LoadedValues) -> list[ImportWarning]:
    """What the imported module will warn about when it renders, said now, with the values file of each value."""
    names = {nodegroup_owner(g.name): g.name for g in fleet.groups}
    found = []
    for finding in fleet.warnings:
        group = names.get(finding.owner)
        found.append(ImportWarning(group, relabel(finding.located, group, loaded), finding.message))
    return found


def import_helm_values(
    files: Sequence[Path],
    render: bool = False,
    node_role: str | None = None,
    *,
    modernize: bool = False,
    live_files: Sequence[Path] | None = None,
    report: bool = False,
) -> ImportResult:
    """Raises ``SpecError`` (naming group and key) for values Karpenter would reject and the import cannot fix.

    The fleet is built either way: a module that would not build is never printed. ``live_files`` are the values the
    live release was installed with (default: ``files``).
    """
    if not files:
        raise SpecError.one("import-helm-values", "--file", "give at least one values file")
    loaded = load_values(files)
    mapped = map_values(loaded, node_role=node_role, modernize=modernize)
    fleet = _fleet(mapped, loaded, node_role)
    manifests = fleet.manifests()
    live, failure = _live(live_files or files)
    modernized: list[str] = []
    if modernize:
        adopted = map_values(loaded, node_role=node_role)
        modernized = modernize_lines(
            Fleet(adopted.defaults, adopted.nodegroups, node_role=node_role).manifests(), manifests, live
        )
    accepted = [o.manifest for o in live if o.rejected is None]
    adopt = import_ids(manifests, accepted)
    reports = migration_report(live, manifests)
    if report or live_files:
        output = f"the chart cannot render the live values ({failure}): nothing of it is live\n" if failure else ""
        output += format_report(reports)
    elif render:
        output = to_yaml(manifests)
    else:
        output = module_text(
            mapped.defaults,
            mapped.nodegroups,
            source_files=[Path(f).name for f in files],
            chart_version=CHART_VERSION,
            adopt=adopt,
        )
    warnings = [*mapped.warnings, *_fleet_warnings(fleet, loaded)]
    return ImportResult(
        mapped.defaults, mapped.nodegroups, warnings, manifests, output, adopt, reports, modernized, failure
    )
