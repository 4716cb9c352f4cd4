"""``KarpenterPlatform``: the cluster, Karpenter's AWS foundations, its node group, release and fleet, in one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import pulumi
import pulumi_aws as aws

from karpenter_infra.adoption import check_adopt
from karpenter_infra.aws.arns import AwsContext
from karpenter_infra.checks import Finding, check, node_role_access
from karpenter_infra.components.automode import AutoModeOutputs, deploy_auto_mode
from karpenter_infra.components.base import child, token
from karpenter_infra.components.cluster import EksCluster
from karpenter_infra.components.controller_nodes import ControllerNodeGroup
from karpenter_infra.components.discovery import DiscoveryTags
from karpenter_infra.components.iam import KarpenterIam
from karpenter_infra.components.interruption import InterruptionQueue
from karpenter_infra.components.monitoring import KarpenterMonitoring
from karpenter_infra.components.nodepools import NodePoolSet
from karpenter_infra.components.release import KarpenterRelease
from karpenter_infra.fleet import Fleet
from karpenter_infra.spec.automode import Backend
from karpenter_infra.spec.platform import Identity, PlatformSpec


def aws_context(
    partition: str | None = None, region: str | None = None, account_id: str | None = None
) -> pulumi.Output[AwsContext]:
    """What the stack says, else what the credentials say: the same policies in aws, aws-cn and aws-us-gov."""
    partition_ = partition or aws.get_partition_output().partition
    region_ = region or aws.get_region_output().region
    account = account_id or aws.get_caller_identity_output().account_id
    return pulumi.Output.all(partition_, region_, account).apply(
        lambda args: AwsContext.for_partition(args[0], region=args[1], account_id=args[2])
    )


class KarpenterPlatform(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    controller_role_arn: pulumi.Output[str | None]  # None on Auto Mode: AWS runs the controller
    node_role_name: pulumi.Output[str | None]  # None when no group uses the platform's node role
    node_role_arn: pulumi.Output[str | None]
    instance_profile_name: pulumi.Output[str | None]
    queue_name: pulumi.Output[str | None]
    queue_arn: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        platform: PlatformSpec,
        fleet: Fleet,
        opts: pulumi.ResourceOptions | None = None,
        adopt: Mapping[str, str] | None = None,
    ) -> None:
        # Every check the CLI makes (checks.check: the cluster name the fleet is for, roles, versions, production
        # rules) runs here, once, before the first resource is registered: a bad stack never half-deploys, and a
        # program using the components gets the same errors as the CLI.
        self.findings: list[Finding] = check(platform, fleet)
        check_adopt(fleet.manifests(), adopt or {})
        auto_mode = platform.backend == Backend.AUTO_MODE
        access = node_role_access(platform, fleet)  # the data behind one of those checks: no second validation
        super().__init__(token("KarpenterPlatform"), name, None, opts)
        for finding in self.findings:
            pulumi.log.warn(str(finding), resource=self)

        spec = platform.cluster
        tags = {"karpenter.sh/discovery": spec.name, "managed-by": "karpenter-infra", **spec.tags}
        context = aws_context(platform.partition, platform.region, platform.account_id)
        if auto_mode:
            # The one dispatch point: AWS runs Karpenter, so none of the self-managed parts below exist.
            auto = deploy_auto_mode(self, name, platform, fleet, context=context, node_roles=access, adopt=adopt)
            self._publish_auto_mode(auto)
            return
        cluster = EksCluster(f"{name}-cluster", spec, platform.iam.identity, opts=child(self))

        queue = None
        if platform.iam.interruption_queue:
            queue = InterruptionQueue(
                f"{name}-interruption",
                cluster_name=spec.name,
                context=context,
                kms_key_arn=platform.iam.queue_kms_key_arn,
                tags=tags,
                opts=child(self),
            )
        iam = KarpenterIam(
            f"{name}-iam",
            platform.iam,
            cluster_name=cluster.name,
            context=context,
            node_role_name=platform.node_role_name,
            controller_role_name=platform.iam.controller_role(spec.name),
            instance_profile_name=platform.iam.instance_profile(spec.name),
            node_role_access=access,
            interruption_queue_arn=queue.queue_arn if queue else None,
            namespace=platform.karpenter.namespace,
            service_account=platform.karpenter.service_account,
            oidc_provider_arn=cluster.oidc_provider_arn,
            oidc_issuer=cluster.oidc_issuer,
            ipv6=spec.ip_family == "ipv6",
            tags=tags,
            opts=child(self),
        )
        discovery = DiscoveryTags(
            f"{name}-discovery",
            cluster_name=spec.name,
            subnet_ids=spec.private_subnet_ids,
            cluster_security_group_id=cluster.cluster_security_group_id,
            opts=child(self),
        )
        controller_nodes: list[pulumi.Resource] = []
        if platform.controller_nodes.create:  # else the cluster's own node group, matched by labels and taint
            controller_nodes.append(
                ControllerNodeGroup(
                    f"{name}-controller-nodes",
                    platform.controller_nodes,
                    platform.iam,
                    cluster_name=cluster.name,
                    subnet_ids=spec.private_subnet_ids,
                    context=context,
                    ipv6=spec.ip_family == "ipv6",
                    tags=tags,
                    opts=child(self),
                )
            )
        karpenter = platform.karpenter
        if platform.monitoring.enabled:
            # Prometheus selects ServiceMonitors by label, like rules: the same labels make it scrape Karpenter.
            labels = {**platform.monitoring.rule_labels, **karpenter.service_monitor_labels}
            karpenter = karpenter.model_copy(update={"service_monitor": True, "service_monitor_labels": labels})
        release = KarpenterRelease(
            f"{name}-karpenter",
            karpenter,
            platform.controller_nodes,
            cluster_name=cluster.name,
            cluster_endpoint=cluster.endpoint,
            interruption_queue=queue.queue_name if queue else None,
            irsa_role_arn=iam.controller_role_arn if platform.iam.identity == Identity.IRSA else None,
            # The controller needs its node group to run on and its IAM to act; on destroy it goes before both,
            # so it is still there to drain the nodes it launched.
            depends_on=[*controller_nodes, iam],
            provider=cluster.provider,
            opts=child(self),
        )
        NodePoolSet(
            f"{name}-fleet",
            fleet,
            # The release creates its own namespace; the fleet must not create it a second time.
            omit=[("Namespace", karpenter.namespace)],
            node_role_name=platform.node_role_name,
            # Set exactly when a node class uses the role, so it is never None where it is read.
            node_role_output=cast("pulumi.Output[str]", iam.node_role_name)
            if platform.node_role_name in access
            else None,
            # NodePools go after the release (the CRDs exist) and are destroyed before it, while Karpenter can
            # still terminate their nodes.
            depends_on=[release, discovery],
            provider=cluster.provider,
            adopt=adopt,  # live objects (import-helm-values' ADOPT) are imported, not created
            opts=child(self),
        )

        if platform.monitoring.enabled:
            KarpenterMonitoring(
                f"{name}-monitoring",
                platform.monitoring,
                group_label_key=fleet.defaults.group_label_key,
                depends_on=[release],
                provider=cluster.provider,
                opts=child(self),
            )

        self.cluster_name = cluster.name
        self.kubeconfig = pulumi.Output.secret(cluster.kubeconfig)
        self.controller_role_arn = iam.controller_role_arn
        self.node_role_name = iam.node_role_name
        self.node_role_arn = iam.node_role_arn
        self.instance_profile_name = iam.instance_profile_name
        self.queue_name = queue.queue_name if queue else pulumi.Output.from_input(None)
        self.queue_arn = queue.queue_arn if queue else pulumi.Output.from_input(None)
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "kubeconfig": self.kubeconfig,
                "controller_role_arn": self.controller_role_arn,
                "node_role_name": self.node_role_name,
                "node_role_arn": self.node_role_arn,
                "instance_profile_name": self.instance_profile_name,
                "queue_name": self.queue_name,
                "queue_arn": self.queue_arn,
            }
        )

    def _publish_auto_mode(self, auto: AutoModeOutputs) -> None:
        none: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        self.cluster_name = auto.cluster_name
        self.kubeconfig = auto.kubeconfig
        self.node_role_name = auto.node_role_name
        self.node_role_arn = auto.node_role_arn
        # AWS's own: there is no controller role, instance profile or interruption queue of ours.
        self.controller_role_arn = self.instance_profile_name = self.queue_name = self.queue_arn = none
        self.register_outputs(
            {"cluster_name": self.cluster_name, "kubeconfig": self.kubeconfig, "node_role_name": self.node_role_name}
        )
