"""The migration report: per object, what the first ``pulumi up`` of an imported fleet does to the live release.

The live objects are what the chart renders for the live values (``chart.render_chart``); the objects the API
refused never existed. Differences are weighed with ``karpenter-infra diff``'s own rules (``diff.diff_manifests``):
a drifted EC2NodeClass or NodePool field replaces nodes, an immutable field recreates the object, the rest changes
in place.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from karpenter_infra.diff import FieldChange, Impact, diff_manifests, object_id, show
from karpenter_infra.importer.chart import ChartObject

Manifest = dict[str, Any]


class Status(StrEnum):
    IDENTICAL = "identical"
    IN_PLACE = "changes in place"
    REPLACES_NODES = "replaces nodes"
    RECREATED = "recreated"
    CREATED = "created"
    NEVER_LIVE = "never live"
    LEFT_ALONE = "left alone"  # live, but not in the import: the stack neither adopts nor deletes it


@dataclass(frozen=True)
class ObjectReport:
    kind: str
    name: str  # ``namespace/name`` for namespaced objects: the id Pulumi imports it by
    status: Status
    fields: tuple[FieldChange, ...] = ()
    note: str = ""

    @property
    def hashed_fields(self) -> list[str]:
        return [f.path for f in self.fields if f.impact is Impact.DRIFT]


def _status(fields: Sequence[FieldChange]) -> Status:
    impacts = {f.impact for f in fields}
    if Impact.RECREATE in impacts:
        return Status.RECREATED
    if Impact.DRIFT in impacts:
        return Status.REPLACES_NODES
    return Status.IN_PLACE


def stored(manifest: Manifest) -> Manifest:
    """The object as the API server stores it: with the NodePool CRD's defaults (karpenter.sh_nodepools.yaml:
    ``disruption.budgets: [{nodes: 10%}]``, ``consolidationPolicy: WhenEmptyOrUnderutilized``, ``expireAfter:
    720h``), so leaving a default out and writing it compare equal, as they are on the live object."""
    if manifest.get("kind") != "NodePool":
        return manifest
    out = copy.deepcopy(manifest)
    spec = out.setdefault("spec", {})
    disruption = spec.setdefault("disruption", {})
    disruption.setdefault("consolidationPolicy", "WhenEmptyOrUnderutilized")
    budgets = disruption.setdefault("budgets", [{"nodes": "10%"}])
    for budget in budgets if isinstance(budgets, list) else []:
        if isinstance(budget, dict):
            budget.setdefault("nodes", "10%")
    template = spec.setdefault("template", {}).setdefault("spec", {})
    template.setdefault("expireAfter", "720h")
    return out


def migration_report(live: Sequence[ChartObject], imported: Sequence[Manifest]) -> list[ObjectReport]:
    accepted = [stored(o.manifest) for o in live if o.rejected is None]
    imported = [stored(m) for m in imported]
    refused = {object_id(o.manifest): o.rejected for o in live if o.rejected is not None}
    live_ids = {object_id(m) for m in accepted}
    ours = {object_id(m) for m in imported}
    changes = {(c.kind, c.name): c for c in diff_manifests(accepted, imported)}
    reports = []
    for kind, name in sorted(live_ids | ours | refused.keys()):
        key = (kind, name)
        if key in refused and key not in live_ids:
            note = f"the chart's version was refused ({refused[key]})"
            reports.append(ObjectReport(kind, name, Status.NEVER_LIVE, note=note))
        elif key not in live_ids:
            reports.append(ObjectReport(kind, name, Status.CREATED))
        elif key not in ours:
            reports.append(ObjectReport(kind, name, Status.LEFT_ALONE, note="not imported; Pulumi never manages it"))
        elif key not in changes:
            reports.append(ObjectReport(kind, name, Status.IDENTICAL))
        else:
            fields = changes[key].fields
            reports.append(ObjectReport(kind, name, _status(fields), fields))
    return reports


_EFFECT = {
    Impact.DRIFT: "replaces nodes",
    Impact.RECREATE: "recreates the object",
    Impact.BEHAVIOUR: "in place",
    Impact.HEADROOM: "in place",
    Impact.METADATA: "in place",
}


def field_line(field: FieldChange) -> str:
    why = f"{_EFFECT[field.impact]}, {field.note}" if field.note else _EFFECT[field.impact]
    return f"{field.path}: {show(field.before)} -> {show(field.after)}  ({why})"


def format_report(reports: Sequence[ObjectReport]) -> str:
    lines = []
    width = max(len(s.value) for s in Status)
    for report in reports:
        head = f"{report.status.value:<{width}}  {report.kind} {report.name}"
        if report.status is Status.REPLACES_NODES:
            head += f"  (hashed: {', '.join(report.hashed_fields)})"
        elif report.status is Status.RECREATED:
            head += f"  (immutable: {', '.join(f.path for f in report.fields if f.impact is Impact.RECREATE)})"
        if report.note:
            head += f"  [{report.note}]"
        lines.append(head)
        lines.extend(f"    {field_line(field)}" for field in report.fields)
    counts = Counter(r.status for r in reports)
    lines.append(", ".join(f"{counts[s]} {s.value}" for s in Status if counts[s]) or "no objects")
    return "\n".join(lines) + "\n"


def modernize_lines(
    adopted: Sequence[Manifest], modernized: Sequence[Manifest], live: Sequence[ChartObject] | None = None
) -> list[str]:
    """Each change ``--modernize`` makes over the adoption import, with what it does to the live object.

    An object that is not live (the API refused the chart's version: ``--report`` says "never live") is created
    either way: nothing of it is replaced or recreated, whatever its fields say.
    """
    live_ids = None if live is None else {object_id(o.manifest) for o in live if o.rejected is None}
    lines = []
    for change in diff_manifests(adopted, modernized):
        if change.change != "changed":
            lines.append(f"{change.kind} {change.name}: {change.change}")
            continue
        if live_ids is not None and (change.kind, change.name) not in live_ids:
            lines.append(f"{change.kind} {change.name}: not live today, so created as modernized (nothing recreated)")
            continue
        lines.extend(f"{change.kind} {change.name}: {field_line(field)}" for field in change.fields)
    return lines
