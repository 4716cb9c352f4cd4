"""A semantic diff of rendered manifests: per object, per field, and whether Karpenter will replace nodes.

``pulumi preview`` says that a NodePool changed; a reviewer needs to know whether the change makes Karpenter drift
(replace every node of the pool) or only changes its behaviour (weights, limits, disruption settings).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from karpenter_infra.automode.migration import backend_change, describe
from karpenter_infra.backends import NODE_CLASS_KINDS
from karpenter_infra.diff_review import AMI_TERMS, ami, class_users, requirement_segment, requirement_terms, term
from karpenter_infra.scheduling.requirement import Requirement as SchedulingRequirement
from karpenter_infra.scheduling.requirement import RequirementError

Manifest = dict[str, Any]
MISSING = object()


class Impact(StrEnum):
    # Most severe first: an object's impact is its most severe field's. A RECREATE outranks a DRIFT, since the
    # API server refuses the whole update (a real API server checks it: tests/e2e/test_updates.py).
    RECREATE = "recreate"  # a field the API refuses to update: the object is deleted and created again
    DRIFT = "drift"  # Karpenter replaces the nodes
    BEHAVIOUR = "behaviour"  # how Karpenter scales and disrupts, no replacement
    OFF_HOURS = "off-hours"  # the scale-to-zero CronJobs and their RBAC
    HEADROOM = "headroom"  # placeholder pods, their PriorityClass and namespace
    MONITORING = "monitoring"  # alert rules, dashboards
    OTHER = "other"  # any other object the fleet renders
    METADATA = "metadata"  # labels on the Karpenter object itself
    NEW = "new"  # an added object: nothing that exists changes


#: Kinds whose objects own nodes: removing one removes its nodes.
NODE_KINDS = ("NodePool", *NODE_CLASS_KINDS)


def category(manifest: Manifest) -> Impact:
    """What a non-Karpenter object is for, from the labels the renderers give it (``render/offhours.py``,
    ``render/headroom.py``) and its kind."""
    metadata = manifest.get("metadata", {})
    labels = metadata.get("labels", {}) or {}
    if labels.get("app.kubernetes.io/component") == "off-hours":
        return Impact.OFF_HOURS
    if "karpenter-infra/headroom" in labels or "headroom" in str(metadata.get("name", "")):
        return Impact.HEADROOM
    if manifest.get("kind") in ("PrometheusRule", "ServiceMonitor") or "grafana_dashboard" in labels:
        return Impact.MONITORING
    return Impact.OTHER


#: NodePool paths that change how Karpenter behaves but not the nodes it launched.
_NODEPOOL_BEHAVIOUR = ("spec.weight", "spec.limits", "spec.disruption", "spec.replicas")


#: Fields the API server refuses to change on a live object (apps/v1 ValidateDeploymentUpdate: spec.selector;
#: scheduling/v1 ValidatePriorityClassUpdate: value and preemptionPolicy; rbac/v1 ValidateClusterRoleBindingUpdate
#: and ValidateRoleBindingUpdate: roleRef; the NodePool CRD's rules on nodeClassRef, from pkg/apis/v1/nodepool.go:
#: "nodeClassRef.group is immutable", "nodeClassRef.kind is immutable").
_IMMUTABLE: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec.selector.",),
    "PriorityClass": ("value", "preemptionPolicy"),
    "ClusterRoleBinding": ("roleRef.",),
    "RoleBinding": ("roleRef.",),
    "NodePool": ("spec.template.spec.nodeClassRef.group", "spec.template.spec.nodeClassRef.kind"),
}


def impact(kind: str, path: str, other: Impact = Impact.HEADROOM) -> Impact:
    """The impact of a change at ``path``; ``other`` is what an object that is not a pool or class is for."""
    if path.startswith("metadata."):
        return Impact.METADATA
    if path.startswith(_IMMUTABLE.get(kind, ())):
        return Impact.RECREATE
    if kind == "NodePool":
        return Impact.BEHAVIOUR if path.startswith(_NODEPOOL_BEHAVIOUR) else Impact.DRIFT
    if kind in NODE_CLASS_KINDS:
        # Every EC2NodeClass field is part of the launch configuration: changing one drifts the nodes using it.
        return Impact.DRIFT
    return other


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any
    after: Any
    impact: Impact
    note: str = ""  # why a field under a drift path does not replace nodes


@dataclass(frozen=True)
class ObjectChange:
    kind: str
    name: str
    group: str
    change: str  # added, removed, changed
    fields: tuple[FieldChange, ...] = ()
    what: Impact = Impact.HEADROOM  # what the object is for, when it is not a NodePool or EC2NodeClass
    #: For a node class: the NodePools (name, group) that use it in the new manifests, whatever their group.
    users: tuple[tuple[str, str], ...] = ()
    old: Manifest | None = dataclasses.field(default=None, compare=False, repr=False)
    new: Manifest | None = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def impact(self) -> Impact:
        if self.change == "added":
            # A new pool launches nodes only as pending pods need them; no existing node is touched.
            return Impact.NEW
        if self.change == "removed":
            # Karpenter drains and terminates the nodes of a deleted NodePool.
            return Impact.DRIFT if self.kind in NODE_KINDS else self.what
        order = list(Impact)
        return min((f.impact for f in self.fields), key=order.index)

    @property
    def replaces_nodes(self) -> bool:
        # A recreated NodePool is deleted first, and Karpenter drains and terminates the nodes of a deleted pool.
        return self.impact is Impact.DRIFT or (self.impact is Impact.RECREATE and self.kind in NODE_KINDS)


Requirement = dict[str, Any]
_REQUIREMENTS = "spec.template.spec.requirements"


def _admits(wide: Requirement, narrow: Requirement) -> bool:
    """Whether every label value ``narrow`` admits (on the same key) is admitted by ``wide``; ``False`` when unsure.
    The one algebra decides it (``scheduling.Requirement.within``)."""
    try:
        w = SchedulingRequirement.of(str(wide["key"]), str(wide["operator"]), [str(v) for v in wide.get("values", [])])
        n = SchedulingRequirement.of(
            str(narrow["key"]), str(narrow["operator"]), [str(v) for v in narrow.get("values", [])]
        )
    except RequirementError:
        return False
    return n.within(w)


def widened_keys(old: Sequence[Requirement], new: Sequence[Requirement]) -> set[str]:
    """Requirement keys whose change can only admit more nodes.

    Karpenter checks requirement drift against each node's labels, so such a change never replaces a node: the nodes
    it launched under the old terms still match. A key is widened when each new term on it admits everything some old
    term admitted (an intersection of terms is then still covered); a removed key is widened, an added one is not.
    ``minValues`` is left out: it shapes launches, not which nodes match.
    """
    keys = {r["key"] for r in old} | {r["key"] for r in new}
    widened: set[str] = set()
    for key in keys:
        before = [r for r in old if r["key"] == key]
        after = [r for r in new if r["key"] == key]
        if before and all(any(_admits(term, prior) for prior in before) for term in after):
            widened.add(key)
    return widened


def _requirement_key(path: str) -> str | None:
    """``spec.template.spec.requirements[KEY( OPERATOR)].field`` -> KEY (``None`` for positional segments)."""
    if not path.startswith(_REQUIREMENTS + "["):
        return None
    start = len(_REQUIREMENTS) + 1
    key = path[start : path.index("]", start)].split(" ", maxsplit=1)[0]
    return None if key.isdigit() else key


_REPLICAS_NOTE = (
    "the CRD forbids adding or removing it: has(self.replicas) == has(oldSelf.replicas); Pulumi cannot tell this "
    "from a scale and would update in place, so run pulumi up --replace <the NodePool's URN>"
)


def _field_change(
    kind: str, path: str, before: Any, after: Any, widened: set[str], what: Impact = Impact.HEADROOM
) -> FieldChange:
    if kind == "NodePool" and path == "spec.replicas" and (before is MISSING) != (after is MISSING):
        # The NodePool CRD (karpenter.sh_nodepools.yaml, from pkg/apis/v1/nodepool.go) refuses the update:
        # a pool cannot move between static and dynamic provisioning in place.
        return FieldChange(path, before, after, Impact.RECREATE, _REPLICAS_NOTE)
    key = _requirement_key(path) if kind == "NodePool" else None
    if key is not None and path.endswith("].minValues"):
        return FieldChange(path, before, after, Impact.BEHAVIOUR, "flexibility floor: existing nodes still match")
    if key is not None and isinstance(before, list) and isinstance(after, list) and sorted(before) == sorted(after):
        # Values are a set to Karpenter (nodes match on labels): another order admits exactly the same nodes.
        return FieldChange(path, before, after, Impact.BEHAVIOUR, "reordered: the same values")
    if key is not None and key in widened:
        return FieldChange(path, before, after, Impact.BEHAVIOUR, "widens: existing nodes still match")
    return FieldChange(path, before, after, impact(kind, path, what))


def _segments(items: list[dict[str, Any]]) -> list[str]:
    """List items are named by what identifies them (a requirement's key), so a reordering is no change.

    Two terms on one key (a ``NotIn`` exclusion beside an ``Exists`` flexibility floor, a taint with two effects) are
    told apart by their operator or effect, and only they are, before falling back to positions, which would make one
    insertion look like a change to every later item.
    """

    def name(item: dict[str, Any], index: int, extra: tuple[str, ...]) -> str:
        for identity in ("key", "name", "deviceName", "alias"):
            if isinstance(item.get(identity), str):
                return "[" + " ".join([item[identity], *(str(item[f]) for f in extra if f in item)]) + "]"
        return f"[{index}]"

    plain = [name(item, i, ()) for i, item in enumerate(items)]
    segments = [
        name(item, i, ("operator", "effect")) if plain.count(segment) > 1 else segment
        for i, (item, segment) in enumerate(zip(items, plain, strict=True))
    ]
    return segments if len(set(segments)) == len(segments) else [f"[{i}]" for i in range(len(items))]


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        flat = {}
        for segment, item in zip(_segments(value), value, strict=True):
            flat.update(flatten(item, f"{prefix}{segment}"))
        return flat
    return {prefix: value}


def object_id(manifest: Manifest) -> tuple[str, str]:
    """(kind, ``namespace/name`` or ``name``): also the id Pulumi's Kubernetes provider imports an object by."""
    metadata = manifest["metadata"]
    name = f"{metadata['namespace']}/{metadata['name']}" if "namespace" in metadata else metadata["name"]
    return manifest["kind"], name


def _requirements(manifest: Manifest) -> list[Requirement]:
    return list(manifest.get("spec", {}).get("template", {}).get("spec", {}).get("requirements", []))


def _group(manifest: Manifest, group_label_key: str) -> str:
    return str(manifest["metadata"].get("labels", {}).get(group_label_key, "(shared)"))


def diff_manifests(
    base: Sequence[Manifest], head: Sequence[Manifest], group_label_key: str = "nodegroup"
) -> list[ObjectChange]:
    before = {object_id(m): m for m in base}
    after = {object_id(m): m for m in head}
    changes = []
    for identity in sorted(before.keys() | after.keys()):
        kind, name = identity
        old, new = before.get(identity), after.get(identity)
        manifest: Manifest = new if new is not None else old  # type: ignore[assignment]
        group, what = _group(manifest, group_label_key), category(manifest)
        users = class_users(head, kind, name, group_label_key)
        if old is None:
            changes.append(ObjectChange(kind, name, group, "added", what=what, new=new))
        elif new is None:
            changes.append(ObjectChange(kind, name, group, "removed", what=what, users=users, old=old))
        else:
            old_flat, new_flat = flatten(old), flatten(new)
            widened = widened_keys(_requirements(old), _requirements(new)) if kind == "NodePool" else set()
            fields = tuple(
                _field_change(kind, path, old_flat.get(path, MISSING), new_flat.get(path, MISSING), widened, what)
                for path in sorted(old_flat.keys() | new_flat.keys())
                if old_flat.get(path, MISSING) != new_flat.get(path, MISSING)
            )
            if fields:
                changes.append(ObjectChange(kind, name, group, "changed", fields, what, users, old, new))
    return changes


def show(value: Any) -> str:
    return "(absent)" if value is MISSING else repr(value)


def _why(change: FieldChange) -> str:
    return f"{change.impact.value}, {change.note}" if change.note else change.impact.value


def _field_lines(change: ObjectChange, shown: Sequence[FieldChange]) -> list[str]:
    """One line per field; a requirement term as one line with its operator; a pinned AMI's change as one line."""
    order = list(Impact)
    old_ami, new_ami = (ami(change.old), ami(change.new)) if change.kind in NODE_CLASS_KINDS else (None, None)
    pair_ami = old_ami is not None and new_ami is not None and old_ami != new_ami
    terms: dict[str, list[FieldChange]] = {}
    lines: list[str | tuple[str, list[FieldChange]]] = []
    for item in shown:
        segment = requirement_segment(item.path) if change.kind == "NodePool" else None
        if segment is not None:
            if segment not in terms:
                terms[segment] = []
                lines.append((segment, terms[segment]))
            terms[segment].append(item)
        elif pair_ami and item.path.startswith(AMI_TERMS):
            if "ami" not in terms:
                terms["ami"] = []
                lines.append(f"    ami: {old_ami} -> {new_ami}: replaces nodes")
        else:
            lines.append(f"    {item.path}: {show(item.before)} -> {show(item.after)}  ({_why(item)})")
    old_terms = requirement_terms(change.old, _segments(_requirements(change.old or {})))
    new_terms = requirement_terms(change.new, _segments(_requirements(change.new or {})))
    out = []
    for line in lines:
        if isinstance(line, str):
            out.append(line)
            continue
        segment, fields = line
        before, after = old_terms.get(segment), new_terms.get(segment)
        key = (after or before or {}).get("key", segment.strip("[]"))
        decisive = min(fields, key=lambda f: order.index(f.impact))
        out.append(f"    requirement {key}: {term(before)} -> {term(after)}  ({_why(decisive)})")
    if change.users and change.replaces_nodes:
        pools = ", ".join(f"NodePool {pool} (group {group})" for pool, group in change.users)
        out.append(f"    replaces the nodes of {pools}")
    return out


def replaced_pools(changes: Iterable[ObjectChange]) -> dict[str, tuple[str, list[str]]]:
    """Every NodePool whose existing nodes a change replaces: name -> (group, causes); pools being removed (or
    added) are left out, as their nodes go (or come) with them."""
    found: dict[str, tuple[str, list[str]]] = {}
    for change in changes:
        if change.change != "changed" or not change.replaces_nodes:
            continue
        if change.kind == "NodePool":
            cause = "recreated" if change.impact is Impact.RECREATE else "its template changed"
            found.setdefault(change.name, (change.group, []))[1].append(cause)
        for pool, group in change.users:
            found.setdefault(pool, (group, []))[1].append(f"{change.kind} {change.name} changed")
    return dict(sorted(found.items()))


def report(changes: Iterable[ObjectChange], estimates: Mapping[str, str] | None = None) -> str:
    """Grouped by node group; every object says whether it replaces nodes. ``estimates`` (by NodePool) are shown
    beside each pool whose nodes are replaced."""
    changes = list(changes)
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
            if change.impact is Impact.NEW:
                is_for = "" if change.kind in NODE_KINDS else f" {change.what.value}"
                note = f"new{is_for}: replaces no node"
            elif change.change == "removed" and change.impact is Impact.DRIFT:
                note = "REMOVES NODES: Karpenter drains and terminates them"
            elif change.impact is Impact.DRIFT:
                # Karpenter checks requirement drift against each node's labels: only non-matching nodes go.
                only_requirements = change.fields and all(
                    ".requirements[" in f.path for f in change.fields if f.impact is Impact.DRIFT
                )
                note = "REPLACES NODES that no longer match" if only_requirements else "REPLACES NODES"
            elif change.impact is Impact.RECREATE:
                note = "RECREATES the object (a field the API cannot update)"
                if change.kind in NODE_KINDS:
                    note += ": deleting it drains its nodes"
            moved = backend_change(change.fields) if change.kind == "NodePool" else None
            if moved is not None:
                note, why_all = describe(moved)
            lines.append(f"  {change.change} {change.kind} {change.name}  [{note}]")
            shown = change.fields
            if moved is not None:
                # Every node goes whatever else changed: field-by-field notes such as "widens" would mislead.
                shown = tuple(f for f in change.fields if ".nodeClassRef." in f.path)
                lines.append(f"    {why_all}; {len(change.fields) - len(shown)} other field change(s) not listed")
            lines += _field_lines(change, shown)
    drift = sum(1 for group in by_group.values() for c in group if c.replaces_nodes)
    lines.append(f"{drift} object(s) will make Karpenter replace nodes")
    for pool, (group, causes) in replaced_pools(changes).items():
        estimate = f"; {estimates[pool]}" if estimates and pool in estimates else ""
        lines.append(f"nodes replaced in NodePool {pool} (group {group}): {' and '.join(causes)}{estimate}")
    return "\n".join(lines) + "\n"


def replaces_nodes(changes: Iterable[ObjectChange]) -> bool:
    """Whether any change replaces or removes nodes: what ``diff --exit-code`` gates on."""
    return any(change.replaces_nodes for change in changes)
