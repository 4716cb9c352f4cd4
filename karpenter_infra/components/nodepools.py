"""The fleet's manifests as Kubernetes resources, one per object, named after the object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from karpenter_infra.adoption import check_adopt, resource_name
from karpenter_infra.backends import NODE_CLASS_KINDS
from karpenter_infra.components.base import child, token

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
    """NodePools, EC2NodeClasses and headroom objects of one fleet.

    EC2NodeClasses that use the platform's node role take the role name from the IAM component's output, so Pulumi
    knows they depend on it; everything else is the validated manifest, unchanged.
    """

    resource_names: pulumi.Output[list[str]]

    def __init__(
        self,
        name: str,
        manifests: Sequence[dict[str, Any]],
        *,
        node_role_name: str | None = None,
        node_role_output: pulumi.Input[str] | None = None,
        depends_on: Sequence[pulumi.Resource] = (),
        provider: pulumi.ProviderResource | None = None,
        kubeconfig: pulumi.Input[str] | None = None,
        adopt: Mapping[str, str] | None = None,
        delete_adopted: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``adopt``: resource name -> id of a live object to import instead of create (what
        ``import-helm-values`` writes as ``ADOPT``). Adopted objects are kept on ``pulumi destroy`` unless
        ``delete_adopted``: the stack did not create them, so it does not take them away."""
        check_adopt(manifests, adopt or {})  # before anything is registered
        super().__init__(token("NodePoolSet"), name, None, opts)
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
