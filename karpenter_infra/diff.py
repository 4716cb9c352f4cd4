"""A semantic diff of rendered manifests: per object, per field, and whether Karpenter will replace nodes.

``pulumi preview`` says that a NodePool changed; a reviewer needs to know whether the change makes Karpenter drift
(replace every node of the pool) or only changes its behaviour (weights, limits, disruption settings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Manifest = dict[str, Any]
MISSING = object()


class Impact(StrEnum):
    DRIFT = "drift"  # Karpenter replaces the nodes
    BEHAVIOUR = "behaviour"  # how Karpenter scales and disrupts, no replacement
    HEADROOM = "headroom"  # placeholder pods only
    METADATA = "metadata"  # labels on the Karpenter object itself


#: NodePool paths that change how Karpenter behaves but not the nodes it launched.
_NODEPOOL_BEHAVIOUR = ("spec.weight", "spec.limits", "spec.disruption", "spec.replicas")


def impact(kind: str, path: str) -> Impact:
    if path.startswith("metadata."):
        return Impact.METADATA
    if kind == "NodePool":
        return Impact.BEHAVIOUR if path.startswith(_NODEPOOL_BEHAVIOUR) else Impact.DRIFT
    if kind == "EC2NodeClass":
        # Every EC2NodeClass field is part of the launch configuration: changing one drifts the nodes using it.
        return Impact.DRIFT
    return Impact.HEADROOM


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any
    after: Any
    impact: Impact


@dataclass(frozen=True)
class ObjectChange:
    kind: str
    name: str
    group: str
    change: str  # added, removed, changed
    fields: tuple[FieldChange, ...] = ()

    @property
    def impact(self) -> Impact:
        if self.change != "changed":
            return Impact.DRIFT if self.kind in ("NodePool", "EC2NodeClass") else Impact.HEADROOM
        order = list(Impact)
        return min((f.impact for f in self.fields), key=order.index)


def _segment(item: Any, index: int) -> str:
    """List items are named by what identifies them (a requirement's key), so a reordering is no change."""
    if isinstance(item, dict):
        for identity in ("key", "name", "deviceName", "alias"):
            if isinstance(item.get(identity), str):
                return f"[{item[identity]}]"
    return f"[{index}]"


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        flat = {}
        segments = [_segment(item, i) for i, item in enumerate(value)]
        if len(set(segments)) != len(segments):
            segments = [f"[{i}]" for i in range(len(value))]
        for segment, item in zip(segments, value, strict=True):
            flat.update(flatten(item, f"{prefix}{segment}"))
        return flat
    return {prefix: value}


def _identity(manifest: Manifest) -> tuple[str, str]:
    metadata = manifest["metadata"]
    name = f"{metadata['namespace']}/{metadata['name']}" if "namespace" in metadata else metadata["name"]
    return manifest["kind"], name


def _group(manifest: Manifest, group_label_key: str) -> str:
    return str(manifest["metadata"].get("labels", {}).get(group_label_key, "(shared)"))


def diff_manifests(
    base: Sequence[Manifest], head: Sequence[Manifest], group_label_key: str = "nodegroup"
) -> list[ObjectChange]:
    before = {_identity(m): m for m in base}
    after = {_identity(m): m for m in head}
    changes = []
    for identity in sorted(before.keys() | after.keys()):
        kind, name = identity
        old, new = before.get(identity), after.get(identity)
        group = _group(new if new is not None else old, group_label_key)  # type: ignore[arg-type]
        if old is None:
            changes.append(ObjectChange(kind, name, group, "added"))
        elif new is None:
            changes.append(ObjectChange(kind, name, group, "removed"))
        else:
            old_flat, new_flat = flatten(old), flatten(new)
            fields = tuple(
                FieldChange(path, old_flat.get(path, MISSING), new_flat.get(path, MISSING), impact(kind, path))
                for path in sorted(old_flat.keys() | new_flat.keys())
                if old_flat.get(path, MISSING) != new_flat.get(path, MISSING)
            )
            if fields:
                changes.append(ObjectChange(kind, name, group, "changed", fields))
    return changes


def _show(value: Any) -> str:
    return "(absent)" if value is MISSING else repr(value)


def report(changes: Iterable[ObjectChange]) -> str:
    """Grouped by node group; every object says whether it replaces nodes."""
    by_group: dict[str, list[ObjectChange]] = defaultdict(list)
    for change in changes:
        by_group[change.group].append(change)
    if not by_group:
        return "no changes\n"
    lines = []
    for group in sorted(by_group):
        lines.append(f"nodegroup {group}:")
        for change in by_group[group]:
            note = f"{change.impact.value} only"
            if change.impact is Impact.DRIFT:
                # Karpenter checks requirement drift against each node's labels: only non-matching nodes go.
                only_requirements = change.fields and all(
                    ".requirements[" in f.path for f in change.fields if f.impact is Impact.DRIFT
                )
                note = "REPLACES NODES that no longer match" if only_requirements else "REPLACES NODES"
            lines.append(f"  {change.change} {change.kind} {change.name}  [{note}]")
            for field in change.fields:
                lines.append(f"    {field.path}: {_show(field.before)} -> {_show(field.after)}  ({field.impact.value})")
    drift = sum(1 for group in by_group.values() for c in group if c.impact is Impact.DRIFT)
    lines.append(f"{drift} object(s) will make Karpenter replace nodes")
    return "\n".join(lines) + "\n"
