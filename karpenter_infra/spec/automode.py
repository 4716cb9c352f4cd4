"""EKS Auto Mode as a backend: the stack setting that picks it, and the node class settings only it has.

AWS runs Karpenter in an Auto Mode cluster. The nodegroup list stays the same; only what a group may express
differs. The settings here are the ones the self-managed EC2NodeClass has no place for (AWS "Create a Node Class
for Amazon EKS", https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from karpenter_infra.errors import FieldProblem
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.nodeclass import SubnetSelectorTerm

if TYPE_CHECKING:
    from karpenter_infra.spec.platform import PlatformSpec


class Backend(StrEnum):
    """Who runs Karpenter: this stack (``karpenter``, the default) or AWS (``auto-mode``)."""

    KARPENTER = "karpenter"
    AUTO_MODE = "auto-mode"


class BuiltInNodePool(StrEnum):
    """The NodePools AWS creates and owns in an Auto Mode cluster; they can only be switched on or off."""

    SYSTEM = "system"
    GENERAL_PURPOSE = "general-purpose"


class AutoModeSpec(Spec):
    """Stack-level Auto Mode settings (``karpenter-infra:platform`` ``auto_mode``)."""

    built_in_node_pools: list[BuiltInNodePool] = Field(
        default_factory=lambda: [BuiltInNodePool.SYSTEM],
        description="Built-in pools to enable: `system` (default; tainted `CriticalAddonsOnly`, for add-ons), "
        "`general-purpose`, both, or `[]` for none.",
    )


class PodSecurityGroupSelectorTerm(Spec):
    id: str | None = Field(default=None, description="A security group id, `sg-...`.")
    tags: dict[str, str] | None = Field(default=None, description="Security group tags to match.")


class CertificateBundle(Spec):
    name: str = Field(min_length=1, description="Name of the bundle.")
    data: str = Field(min_length=1, description="Base64-encoded PEM certificates the nodes trust.")


class AutoModeNodeClass(Spec):
    """Node class settings only EKS Auto Mode has. Set on the defaults or a group; a group's keys win one by one.

    On the ``karpenter`` backend any of them is an error: the EC2NodeClass cannot express them.
    """

    network_policy: Literal["DefaultAllow", "DefaultDeny"] | None = Field(
        default=None, description="Default Kubernetes network policy: `DefaultAllow` (AWS default) or `DefaultDeny`."
    )
    network_policy_event_logs: Literal["Enabled", "Disabled"] | None = Field(
        default=None, description="Network policy decision logs: `Enabled` or `Disabled` (AWS default)."
    )
    snat_policy: Literal["Random", "Disabled"] | None = Field(
        default=None, description="Source NAT for pod traffic leaving the VPC: `Random` (AWS default) or `Disabled`."
    )
    pod_subnet_selector_terms: list[SubnetSelectorTerm] | None = Field(
        default=None, description="Subnets for pod IPs, apart from the nodes' subnets (with pod security groups)."
    )
    pod_security_group_selector_terms: list[PodSecurityGroupSelectorTerm] | None = Field(
        default=None, description="Security groups of the pods' network interfaces (with pod subnets)."
    )
    https_proxy: str | None = Field(default=None, description="`advancedNetworking.httpsProxy` of the nodes.")
    no_proxy: list[str] | None = Field(default=None, description="`advancedNetworking.noProxy` of the nodes.")
    fips: bool | None = Field(default=None, description="`advancedSecurity.fips`: FIPS 140 validated AMIs.")
    kernel_lockdown: Literal["integrity", "none"] | None = Field(
        default=None, description="`advancedSecurity.kernelLockdown`: `integrity` or `none`."
    )
    certificate_bundles: list[CertificateBundle] | None = Field(
        default=None, description="Extra CA bundles the nodes trust (e.g. a proxy's)."
    )

    def merged_over(self, base: AutoModeNodeClass) -> AutoModeNodeClass:
        """Key-by-key override, like ``kubelet``: what this sets wins, what it leaves ``None`` comes from ``base``."""
        # Attributes, not ``model_dump``: a dump would turn nested terms into dicts inside the copy.
        own = {name: getattr(self, name) for name in type(self).model_fields if getattr(self, name) is not None}
        return base.model_copy(update=own)


#: IAM settings that still mean something when AWS runs Karpenter: they shape the Auto Mode node role.
_AUTO_MODE_IAM_FIELDS = frozenset(
    {"path", "permissions_boundary", "node_role_name", "node_role_policy_arns", "manage_access_entries"}
)


def check_auto_mode_platform(platform: PlatformSpec) -> None:
    """Stack settings of the self-managed controller are errors on Auto Mode, never silently ignored."""
    if platform.cluster.existing is not None:
        raise FieldProblem(
            "cluster.existing",
            "backend auto-mode enables Auto Mode on a cluster this stack creates; "
            "an existing cluster cannot be switched from here",
        )
    for section in ("karpenter", "controller_nodes"):
        if section in platform.model_fields_set:
            raise FieldProblem(section, "has no effect with backend auto-mode (AWS runs Karpenter); remove it")
    stray = sorted(platform.iam.model_fields_set - _AUTO_MODE_IAM_FIELDS)
    if stray:
        raise FieldProblem(
            f"iam.{stray[0]}",
            "configures the self-managed Karpenter controller, which backend auto-mode does not run",
        )
    if len(platform.node_role_name) > 64:
        raise FieldProblem(
            "iam.node_role_name",
            f"node role name {platform.node_role_name!r} is over 64 characters: set iam.node_role_name",
        )
