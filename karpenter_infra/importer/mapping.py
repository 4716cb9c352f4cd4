"""Chart values -> ``NodeGroupDefaults`` and ``NodeGroup`` list that render what the chart renders.

Works in two passes. First every node group is resolved the chart's way, key by key, into the settings it ends up
with (``default``-style keys fall back on empty values, ``hasKey``-style keys do not), fixing on the way what the
chart renders and Karpenter v1.14 rejects, each fix recorded as a warning. Then ``hoist`` moves what most groups share
into the defaults, so the module a user reads holds only real overrides per group. Every value is checked where the
chart key is known, so an error names the key the user wrote, not our field.
"""

from __future__ import annotations

import re
from typing import Any

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.importer.base import GroupSettings, ImportWarning, Mapped, Stop, ValuesError, suggest
from karpenter_infra.importer.headroom import HeadroomMapping
from karpenter_infra.importer.hoist import hoist, settings_kwargs
from karpenter_infra.importer.keys import (
    ALL_KEYS,
    GLOBAL_ONLY_KEYS,
    GROUP_ONLY_KEYS,
    INSTANCE_KEYS,
    NODECLASS_KEYS,
    SHARED_KEYS,
)
from karpenter_infra.importer.nodeclass import NodeClassMapping
from karpenter_infra.importer.nodepool import NodePoolMapping
from karpenter_infra.importer.values import LoadedValues, go_print, is_empty
from karpenter_infra.spec.deferred import collecting
from karpenter_infra.spec.nodeclass import AmiFamily
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults


class ChartMapping(NodePoolMapping, NodeClassMapping, HeadroomMapping):
    def run(self) -> tuple[dict[str, Any], list[GroupSettings]]:
        groups_raw = self.values.get("nodeGroups")
        if not isinstance(groups_raw, dict):
            self.errors.append(
                SpecError.one("values", "nodeGroups", "must be a mapping of node group name to settings")
            )
            raise ValuesError(self.errors)
        self._parse_templates(groups_raw)
        self._check_globals()
        globals_ = self._globals()
        groups: list[GroupSettings] = []
        for name in sorted(groups_raw):
            self.group_name = name
            raw = groups_raw[name]
            if raw is None:
                raw = {}
            if not isinstance(raw, dict):
                self.error("(group)", f"must be a mapping, got {raw!r}")
                continue
            try:
                groups.append(self._group(name, raw, groups_raw))
            except Stop:
                continue
        self.group_name = ""
        return globals_, groups

    def _check_globals(self) -> None:
        referenced_globals, _ = self.referenced()
        for key in sorted(self.user):
            if key in GLOBAL_ONLY_KEYS or key in SHARED_KEYS or key == "headRoom":
                continue
            if key in referenced_globals:
                continue
            # The chart renders fine with keys it never reads (`environment:` for other tools): say so, go on.
            if key in GROUP_ONLY_KEYS:
                self.warn(key, "the chart reads this key only per node group (under nodeGroups.<name>); ignored here")
            else:
                self.warn(key, "the chart never reads this top-level key; ignored" + suggest(key, ALL_KEYS))
        instances = self.values.get("instances")
        if not isinstance(instances, dict):
            self.error("instances", f"must be a mapping, got {instances!r}")
            return
        for key in sorted(instances):
            if key == "instanceTypes":
                self.error("instances.instanceTypes", "the chart reads instanceTypes only per node group")
            elif key not in INSTANCE_KEYS:
                self.error(f"instances.{key}", "unknown key" + suggest(key, INSTANCE_KEYS))

    def _globals(self) -> dict[str, Any]:
        values = self.values
        out: dict[str, Any] = {}
        api = values.get("ApiVersion")
        if api != "v1":
            if api in ("v1beta1", "v1alpha5"):
                self.warn(
                    "ApiVersion",
                    f"{api!r} is not served by Karpenter v1.14 (the chart writes a v1 body under it anyway); "
                    "rendered karpenter.sh/v1 and karpenter.k8s.aws/v1",
                )
            else:
                self.error("ApiVersion", f"must be 'v1', got {api!r}")
        cluster = self.text("clusterName", values.get("clusterName"), "cluster name")
        # EKS CreateCluster: 1-100 characters, `^[0-9A-Za-z][A-Za-z0-9\-_]*$`.
        if not re.fullmatch(r"[0-9A-Za-z][A-Za-z0-9_-]*", cluster) or len(cluster) > 100:
            self.error(
                "clusterName",
                f"{cluster!r} is not a valid EKS cluster name (up to 100 letters, digits, '-' and '_', starting "
                "with a letter or digit)",
            )
        out["cluster_name"] = cluster
        label_key = values.get("nodeGroupLabelName")
        if not isinstance(label_key, str) or not label_key:
            self.error("nodeGroupLabelName", f"must be a non-empty string, got {label_key!r}")
        else:
            out["group_label_key"] = label_key
        namespace = values.get("headRoomNamespace")
        out["headroom_namespace"] = "karpenter" if is_empty(namespace) else go_print(namespace)
        out.update(self.headroom_globals())
        for pitfall in self.loaded.pitfalls:
            self.warnings.append(ImportWarning(None, "yaml", str(pitfall)))
        for name, source in self.loaded.removed_groups:
            self.warnings.append(
                ImportWarning(name, "(group)", f"null in {source}: removed, as Helm's merge removes it; not imported")
            )
        return out

    def _group(self, name: str, raw: dict[str, Any], all_groups: dict[str, Any]) -> GroupSettings:
        _, referenced = self.referenced()
        for key in sorted(raw):
            if key in SHARED_KEYS or key in GROUP_ONLY_KEYS or key in referenced:
                continue
            if key in GLOBAL_ONLY_KEYS:
                self.error(key, "the chart reads this key only at the top level, never per node group")
            else:
                self.error(key, "unknown key, the chart ignores it" + suggest(key, ALL_KEYS))
        group = GroupSettings(name=name)
        label = raw.get("nodeGroupLabel")
        if not is_empty(label):
            group.group_label = self.text("nodeGroupLabel", label, "node group label")
        effective_label = group.group_label or name
        group.pool = self._pool(raw, effective_label)
        if "nodeClassRef" in raw:
            group.node_class, group.existing_node_class = self.attempt(
                lambda: self._node_class_ref(raw, all_groups), (None, None)
            )
            ignored = sorted(k for k in raw if k in NODECLASS_KEYS)
            if ignored:
                self.warn(
                    ignored[0],
                    f"the chart ignores {', '.join(ignored)} for a group with nodeClassRef (it renders no "
                    f"EC2NodeClass); not imported",
                )
        else:
            group.nodeclass = self._nodeclass(raw, effective_label)
        if "capacitySpread" in raw:
            group.capacity_spread = self.attempt(lambda: self._capacity_spread(raw["capacitySpread"]))
        if "headRoom" in raw:
            group.headroom = self.attempt(lambda: self._headroom(raw["headRoom"], raw))
        if self.errors and any(e.owner == nodegroup_owner(name) for e in self.errors):
            raise Stop()
        return group


def map_values(loaded: LoadedValues, node_role: str | None = None, modernize: bool = False) -> Mapped:
    """Chart values -> our defaults and node groups; raises ``ValuesError`` naming every group and key at fault.

    By default (adoption) the fleet renders what the chart rendered for every object the API accepted; with
    ``modernize`` our own opinions replace the chart's where they differ.
    """
    mapper = ChartMapping(loaded, node_role, modernize)
    globals_, groups = mapper.run()
    if mapper.errors:
        raise ValuesError(mapper.errors)
    defaults_flat, per_group = hoist(groups)
    if "ami" in defaults_flat and defaults_flat["ami"][0] == AmiFamily.AL2023.value and defaults_flat["ami"][1] is None:
        del defaults_flat["ami"]
    # The defaults and every group are checked in one run: a problem in the defaults hides none in the groups.
    with collecting() as errors:
        defaults = NodeGroupDefaults(**globals_, **settings_kwargs(defaults_flat))
        nodegroups = [
            NodeGroup(
                name=group.name,
                group_label=group.group_label if group.group_label != group.name else None,
                capacity_spread=group.capacity_spread,
                node_class=group.node_class,
                existing_node_class=group.existing_node_class,
                headroom=group.headroom,
                **settings_kwargs(settings),
            )
            for group, settings in zip(groups, per_group, strict=True)
        ]
    if errors:
        raise ValuesError(errors)
    return Mapped(defaults, nodegroups, mapper.warnings)
