"""The Pulumi program: one stack in, one ``KarpenterPlatform`` out, with the outputs a user needs exported."""

from __future__ import annotations

from pathlib import Path

import pulumi

from karpenter_infra.components.platform import KarpenterPlatform
from karpenter_infra.project import CONFIG_KEY
from karpenter_infra.stack import AWS_REGION_KEY, Stack, check_config_keys, load_stack


def deploy(stack: Stack) -> KarpenterPlatform:
    platform = KarpenterPlatform("karpenter", stack.platform, stack.fleet(), adopt=stack.adopt)
    pulumi.export("cluster_name", platform.cluster_name)
    pulumi.export("kubeconfig", platform.kubeconfig)
    pulumi.export("controller_role_arn", platform.controller_role_arn)
    pulumi.export("node_role_name", platform.node_role_name)
    pulumi.export("node_role_arn", platform.node_role_arn)
    pulumi.export("interruption_queue", platform.queue_name)
    return platform


def main(project_dir: Path) -> None:
    """Entry point under the Pulumi engine: the engine hands over the stack's config, already decrypted."""
    from pulumi.runtime.config import CONFIG, get_config_env

    check_config_keys(pulumi.get_stack(), {**get_config_env(), **CONFIG.get()})  # typos in our namespace, as offline
    config = {CONFIG_KEY: pulumi.Config("karpenter-infra").require_object("platform")}
    aws_region = pulumi.Config("aws").get("region")
    if aws_region is not None:  # one region: checked against platform.region, and the zones' region when alone
        config[AWS_REGION_KEY] = aws_region
    deploy(load_stack(pulumi.get_stack(), project_dir, config=config))
