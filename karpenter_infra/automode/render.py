"""ResolvedNodeGroup -> Auto Mode ``NodeClass`` and ``NodePool``: the self-managed pool, translated, not re-rendered.

The NodePool is the one ``render.nodepool`` builds (same v1.14 schema and CEL), with two differences only: its
``nodeClassRef`` points at an ``eks.amazonaws.com`` NodeClass, and its requirement keys use Auto Mode's label domain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from karpenter_infra.automode.instances import AUTO_MODE
from karpenter_infra.automode.labels import Untranslatable, translate_requirements
from karpenter_infra.automode.nodeclass import API_VERSION, GROUP, KIND, NodeClass
from karpenter_infra.automode.refuse import MAX_EXPIRE_AFTER, check_fleet, ephemeral_storage
from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.karpenter.validate import ManifestError, manifest_issues, validate_manifest
from karpenter_infra.render.nodepool import node_pool as karpenter_node_pool
from karpenter_infra.render.owner import nodeclass_metadata, owned_nodeclass
from karpenter_infra.spec.automode import AutoModeNodeClass
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.resolved import ResolvedNodeGroup

Manifest = dict[str, Any]
_NO_SETTINGS = AutoModeNodeClass()

#: Which setting of a group renders a requirement key, so an untranslatable key names what to change.
_KEY_FIELDS = {
    "kubernetes.io/os": "instances.operating_systems",
    "karpenter.k8s.aws/instance-category": "instances.categories",
    "karpenter.k8s.aws/instance-generation": "instances.min_generation",
    "karpenter.k8s.aws/instance-cpu": "instances.cores",
    "karpenter.k8s.aws/instance-cpu-manufacturer": "instances.cpu_manufacturers",
    "karpenter.k8s.aws/instance-family": "instances.exclude_families",
    "karpenter.k8s.aws/instance-size": "instances.exclude_sizes",
}


def _terms(terms: Sequence[BaseModel]) -> list[dict[str, Any]]:
    rendered = []
    for term in terms:
        fields: dict[str, Any] = {}
        for name in type(term).model_fields:
            value = getattr(term, name)
            if value is not None:
                fields[name] = dict(sorted(value.items())) if isinstance(value, dict) else value
        rendered.append(fields)
    return rendered


class AutoModeBackend:
    """EKS Auto Mode: AWS runs Karpenter; we render its NodeClasses and our NodePools."""

    name = "auto-mode"
    node_class_kind = KIND
    catalog_view = AUTO_MODE

    def __init__(self, defaults: NodeGroupDefaults, nodegroups: Sequence[NodeGroup]) -> None:
        check_fleet(defaults, nodegroups)
        base = defaults.auto_mode or _NO_SETTINGS
        self._settings = {g.name: (g.auto_mode.merged_over(base) if g.auto_mode else base) for g in nodegroups}
        # A lifetime the user never chose is the longest Auto Mode allows; one they chose was checked above.
        self._library_expiry = {g.name for g in nodegroups if g.expire_after is None and defaults.expire_after is None}
        self._raw_keys = {
            g.name: {t.key for t in (g.additional_requirements or defaults.additional_requirements or [])}
            for g in nodegroups
        }

    def node_class(self, group: ResolvedNodeGroup) -> Manifest:
        nodeclass = owned_nodeclass(group)
        owner = nodegroup_owner(group.name)
        settings = self._settings[group.name]
        spec: dict[str, Any] = {
            "role": nodeclass.role,
            "subnetSelectorTerms": _terms(nodeclass.subnet_selector_terms),
            "securityGroupSelectorTerms": _terms(nodeclass.security_group_selector_terms),
        }
        for field, name in (
            ("pod_subnet_selector_terms", "podSubnetSelectorTerms"),
            ("pod_security_group_selector_terms", "podSecurityGroupSelectorTerms"),
        ):
            terms = getattr(settings, field)
            if terms is not None:
                spec[name] = _terms(terms)
        if nodeclass.capacity_reservation_selector_terms:
            # The group's own field, as on the karpenter backend; Auto Mode spells the owner ``owner``.
            spec["capacityReservationSelectorTerms"] = [
                {
                    name: dict(sorted(value.items())) if isinstance(value, dict) else value
                    for name, value in (("id", term.id), ("owner", term.owner_id), ("tags", term.tags))
                    if value is not None
                }
                for term in nodeclass.capacity_reservation_selector_terms
            ]
        for field, name in (
            ("snat_policy", "snatPolicy"),
            ("network_policy", "networkPolicy"),
            ("network_policy_event_logs", "networkPolicyEventLogs"),
        ):
            value = getattr(settings, field)
            if value is not None:
                spec[name] = value
        if nodeclass.block_device_mappings is not None:
            storage = ephemeral_storage(owner, nodeclass.block_device_mappings)
            if storage is not None:
                spec["ephemeralStorage"] = storage
        networking = {
            name: value
            for name, value in (
                ("associatePublicIPAddress", nodeclass.associate_public_ip_address),
                ("httpsProxy", settings.https_proxy),
                ("noProxy", settings.no_proxy),
            )
            if value is not None
        }
        if networking:
            spec["advancedNetworking"] = networking
        security = {
            name: value
            for name, value in (("fips", settings.fips), ("kernelLockdown", settings.kernel_lockdown))
            if value is not None
        }
        if security:
            spec["advancedSecurity"] = security
        if settings.certificate_bundles is not None:
            spec["certificateBundles"] = [{"name": b.name, "data": b.data} for b in settings.certificate_bundles]
        spec["tags"] = dict(nodeclass.tags)
        return {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": nodeclass_metadata(group, nodeclass),
            "spec": spec,
        }

    def node_pool(self, group: ResolvedNodeGroup) -> Manifest:
        pool = karpenter_node_pool(group)
        template = pool["spec"]["template"]["spec"]
        template["nodeClassRef"] = {"group": GROUP, "kind": KIND, "name": group.nodeclass_name}
        try:
            template["requirements"] = translate_requirements(template["requirements"])
        except Untranslatable as exc:
            raise SpecError.one(nodegroup_owner(group.name), self._field(group, exc.key), str(exc)) from None
        if group.name in self._library_expiry:
            template["expireAfter"] = MAX_EXPIRE_AFTER
        return pool

    def _field(self, group: ResolvedNodeGroup, key: str) -> str:
        if key in self._raw_keys.get(group.name, set()):
            return "additional_requirements"
        if key in group.instances.min_values:
            return "instances.min_values"
        return _KEY_FIELDS.get(key, "requirements")

    def validate(self, manifest: Mapping[str, Any]) -> None:
        """NodeClasses against the Auto Mode mirror; the NodePool through the v1.14 CRD mirror, as on Karpenter."""
        if manifest.get("kind") != KIND:
            validate_manifest(manifest)
            return
        try:
            NodeClass.model_validate(manifest, by_alias=True, by_name=False)
        except ValidationError as exc:
            name = str(manifest.get("metadata", {}).get("name", "<unnamed>"))
            raise ManifestError(KIND, name, manifest_issues(exc)) from None
