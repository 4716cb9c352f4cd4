"""The fleet's manifests as Kubernetes resources, one per object, named after the object."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from karpenter_infra.adoption import check_adopt, resource_name
from karpenter_infra.backends import NODE_CLASS_KINDS
from karpenter_infra.components.base import child, token
from karpenter_infra.errors import SpecError
from karpenter_infra.fleet import Fleet
from karpenter_infra.karpenter.validate import ManifestError, validate_manifest
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults

__all__ = ["NodePoolSet", "references", "resource_name"]

#: Creation order; destroy runs it backwards. NodePools need their EC2NodeClass; namespaced objects their namespace;
#: headroom Deployments and off-hours CronJobs everything else.
_PHASES = {
    "EC2NodeClass": 0,
    "NodeClass": 0,
    "Namespace": 0,
    "PriorityClass": 0,
    "ClusterRole": 0,
    "NodePool": 1,
    "ServiceAccount": 1,
    "ConfigMap": 1,
    "ClusterRoleBinding": 1,
}
_LAST_PHASE = 2
_NODE_CLASS_REF = ["spec.template.spec.nodeClassRef.group", "spec.template.spec.nodeClassRef.kind"]


class NodePoolSet(pulumi.ComponentResource):
    """NodePools, EC2NodeClasses, headroom and off-hours objects of one fleet.

    ``fleet`` is a ``Fleet``, or the node groups themselves with their ``defaults``: then the ``Fleet`` is built
    here, so a program that uses this component alone gets every check that applies to a fleet (the group and fleet
    rules, the instance-type catalog) with the CLI's one-line errors, before any resource is registered. A list of
    manifests (dicts) is registered as given, once the NodePools and EC2NodeClasses among them pass the CRD mirror.

    EC2NodeClasses that use the platform's node role take the role name from the IAM component's output, so Pulumi
    knows they depend on it; everything else is the validated manifest, unchanged.
    """

    resource_names: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        fleet: Fleet | Sequence[NodeGroup] | Sequence[dict[str, Any]],
        *,
        defaults: NodeGroupDefaults | None = None,
        omit: Collection[tuple[str, str]] = (),
        node_role_name: str | None = None,
        node_role_output: pulumi.Input[str] | None = None,
        depends_on: Sequence[pulumi.Resource] = (),
        provider: pulumi.ProviderResource | None = None,
        kubeconfig: pulumi.Input[str] | None = None,
        adopt: Mapping[str, str] | None = None,
        delete_adopted: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``defaults``: the cluster-wide settings of ``fleet`` when it is a list of node groups. ``omit``: (kind,
        name) of rendered objects another component creates (the release's namespace). ``node_role_name``: the role
        groups that name none use. ``adopt``: resource name -> id of a live object to import instead of create (what
        ``import-helm-values`` writes as ``ADOPT``). Adopted objects are kept on ``pulumi destroy`` unless
        ``delete_adopted``: the stack did not create them, so it does not take them away."""
        # Every check runs before the first resource is registered: a bad list never half-deploys.
        built: Fleet | None = None
        if isinstance(fleet, Fleet):
            manifests = fleet.manifests()
        else:
            built = fleet_of(fleet, defaults, node_role_name)
            manifests = built.manifests() if built is not None else checked_manifests(fleet)
        manifests = [m for m in manifests if (m["kind"], m["metadata"]["name"]) not in omit]
        check_adopt(manifests, adopt or {})
        super().__init__(token("NodePoolSet"), name, None, opts)
        if built is not None:  # a Fleet handed in is its builder's to report (KarpenterPlatform logs its warnings)
            for finding in built.warnings:
                pulumi.log.warn(str(finding), resource=self)
        if kubeconfig is not None and provider is None:
            # Standalone: the provider is the component's own child, so it is created and deleted with the fleet.
            provider = k8s.Provider(f"{name}-k8s", kubeconfig=kubeconfig, opts=child(self))
        adopt = adopt or {}
        created: dict[tuple[str, str], pulumi.Resource] = {}
        names = []
        for manifest in sorted(manifests, key=lambda m: (_PHASES.get(m["kind"], _LAST_PHASE), resource_name(m))):
            # Each object waits for exactly what it refers to, so destroy removes it first; edges stay linear
            # in the fleet's size, which keeps previews of large fleets fast.
            needs = [created[ref] for ref in sorted(references(manifest)) if ref in created]
            opts_child = child(self, depends_on=[*depends_on, *needs], provider=provider)
            if resource_name(manifest) in adopt:
                opts_child = pulumi.ResourceOptions.merge(
                    opts_child,
                    pulumi.ResourceOptions(import_=adopt[resource_name(manifest)], retain_on_delete=not delete_adopted),
                )
            wired = manifest
            if manifest["kind"] in NODE_CLASS_KINDS and node_role_output is not None:
                wired = _with_role(manifest, node_role_name, node_role_output)
            created[(manifest["kind"], manifest["metadata"]["name"])] = _resource(
                resource_name(manifest), wired, opts_child
            )
            names.append(resource_name(manifest))
        self.resource_names = pulumi.Output.from_input(sorted(names))
        self.register_outputs({"resource_names": self.resource_names})


def fleet_of(
    fleet: Sequence[NodeGroup] | Sequence[dict[str, Any]], defaults: NodeGroupDefaults | None, node_role: str | None
) -> Fleet | None:
    """The ``Fleet`` of a list of node groups, built here (which runs their checks); ``None`` for manifests."""
    groups = [g for g in fleet if isinstance(g, NodeGroup)]
    if defaults is None:
        if groups:
            raise SpecError.one("NodePoolSet", "defaults", "node groups need their NodeGroupDefaults (cluster_name...)")
        return None
    if len(groups) != len(fleet):
        raise SpecError.one("NodePoolSet", "fleet", "defaults go with node groups, not with manifests")
    return Fleet(defaults, groups, node_role=node_role)


def checked_manifests(manifests: Sequence[Any]) -> list[dict[str, Any]]:
    """Manifests not rendered by a ``Fleet``: each NodePool and EC2NodeClass through the CRD mirror, every problem
    of every object reported at once, as ``Fleet`` reports its own."""
    issues: list[tuple[str, str]] = []
    for manifest in manifests:
        try:
            validate_manifest(manifest)
        except ManifestError as exc:
            issues += [(f"{exc.kind} {exc.name}: {path}", message) for path, message in exc.issues]
    if issues:
        raise SpecError("NodePoolSet manifests", issues)
    return list(manifests)


def references(manifest: dict[str, Any]) -> set[tuple[str, str]]:
    """The (kind, name) of every object of the fleet this one needs to exist first."""
    kind, metadata = manifest["kind"], manifest["metadata"]
    found: set[tuple[str, str]] = set()
    if "namespace" in metadata:
        found.add(("Namespace", metadata["namespace"]))
    if kind == "NodePool":
        ref = manifest["spec"]["template"]["spec"]["nodeClassRef"]
        found.add((ref["kind"], ref["name"]))
    elif kind == "ClusterRoleBinding":
        found.add(("ClusterRole", manifest["roleRef"]["name"]))
        found.update(("ServiceAccount", subject["name"]) for subject in manifest["subjects"])
    elif kind in ("Deployment", "CronJob"):
        template = (
            manifest["spec"]["template"]
            if kind == "Deployment"
            else manifest["spec"]["jobTemplate"]["spec"]["template"]
        )
        pod = template["spec"]
        if "priorityClassName" in pod:
            found.add(("PriorityClass", pod["priorityClassName"]))
        if "serviceAccountName" in pod:
            found.add(("ServiceAccount", pod["serviceAccountName"]))
        found.update(("ConfigMap", v["configMap"]["name"]) for v in pod.get("volumes", []) if "configMap" in v)
        node_affinity = pod.get("affinity", {}).get("nodeAffinity", {})
        for term in node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution", {}).get(
            "nodeSelectorTerms", []
        ):
            for expression in term.get("matchExpressions", []):
                if expression["key"] == "karpenter.sh/nodepool":
                    found.update(("NodePool", value) for value in expression["values"])
    return found


def _with_role(manifest: dict[str, Any], role_name: str | None, role: pulumi.Input[str]) -> dict[str, Any]:
    if manifest["spec"].get("role") != role_name:
        return manifest
    return {**manifest, "spec": {**manifest["spec"], "role": role}}


def _resource(name: str, manifest: dict[str, Any], opts: pulumi.ResourceOptions) -> pulumi.Resource:
    kind = manifest["kind"]
    metadata = manifest["metadata"]
    if kind == "NodePool":
        # The CRD makes nodeClassRef's group and kind immutable: a backend change (EC2NodeClass <-> Auto Mode
        # NodeClass) can only delete the pool and create it again under the same name.
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(replace_on_changes=_NODE_CLASS_REF, delete_before_replace=True)
        )
    if kind in ("NodePool", *NODE_CLASS_KINDS):
        return k8s.apiextensions.CustomResource(
            name,
            api_version=manifest["apiVersion"],
            kind=kind,
            metadata=metadata,
            spec=manifest["spec"],
            opts=opts,
        )
    if kind == "PriorityClass":
        return k8s.scheduling.v1.PriorityClass(
            name,
            metadata=metadata,
            value=manifest["value"],
            global_default=manifest["globalDefault"],
            # Left out when unset: adoption keeps a live class's unset (immutable) policy as the chart had it.
            preemption_policy=manifest.get("preemptionPolicy"),
            description=manifest.get("description"),
            opts=opts,
        )
    if kind == "Namespace":
        return k8s.core.v1.Namespace(name, metadata=metadata, opts=opts)
    if kind == "Deployment":
        return k8s.apps.v1.Deployment(name, metadata=metadata, spec=manifest["spec"], opts=opts)
    if kind == "CronJob":
        return k8s.batch.v1.CronJob(name, metadata=metadata, spec=manifest["spec"], opts=opts)
    if kind == "ServiceAccount":
        return k8s.core.v1.ServiceAccount(name, metadata=metadata, opts=opts)
    if kind == "ConfigMap":
        return k8s.core.v1.ConfigMap(name, metadata=metadata, data=manifest["data"], opts=opts)
    if kind == "ClusterRole":
        return k8s.rbac.v1.ClusterRole(name, metadata=metadata, rules=manifest["rules"], opts=opts)
    if kind == "ClusterRoleBinding":
        return k8s.rbac.v1.ClusterRoleBinding(
            name, metadata=metadata, role_ref=manifest["roleRef"], subjects=manifest["subjects"], opts=opts
        )
    raise ValueError(f"no resource type for kind {kind!r}")
