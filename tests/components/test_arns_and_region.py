"""ARNs built in one place with the role's IAM path, on both backends; one region for the platform and the provider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults
from karpenter_infra.aws.arns import AwsContext, role_arn
from karpenter_infra.checks import check
from karpenter_infra.errors import SpecError
from karpenter_infra.project import CONFIG_KEY
from karpenter_infra.stack import Stack, load_stack, one_region, platform_from_config
from tests.components.conftest import plan_of
from tests.components.test_automode import ACCESS_ENTRY, POLICY_ASSOCIATION, auto_stack

PROJECT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
CTX = AwsContext.for_partition("aws-cn", region="cn-north-1", account_id=ACCOUNT)


def test_a_role_arn_carries_its_path() -> None:
    assert role_arn(CTX, "Nodes") == f"arn:aws-cn:iam::{ACCOUNT}:role/Nodes"
    assert role_arn(CTX, "Nodes", "/platform/teams/") == f"arn:aws-cn:iam::{ACCOUNT}:role/platform/teams/Nodes"


def with_group(stack: Stack, group: NodeGroup) -> Stack:
    return Stack(stack.name, stack.platform, stack.defaults, [*stack.nodegroups, group], stack.config)


def test_karpenter_access_entry_and_pass_role_name_the_team_role_under_the_iam_path() -> None:
    raw = load_stack("dev", PROJECT).config
    platform = {**raw[CONFIG_KEY], "iam": {"path": "/platform/"}}
    stack = with_group(
        load_stack("dev", PROJECT, config={**raw, CONFIG_KEY: platform}), NodeGroup(name="batch", role="BatchNodes")
    )
    plan = plan_of(stack)
    wanted = f"arn:aws:iam::{ACCOUNT}:role/platform/BatchNodes"
    entries = {r.inputs["principalArn"] for r in plan.find(ACCESS_ENTRY)}
    assert wanted in entries
    policy = json.loads(plan.one("aws:iam/policy:Policy", "karpenter-iam-iam-integration").inputs["policy"])
    [passrole] = [s for s in policy["Statement"] if s.get("Sid") == "AllowPassingInstanceRole"]
    resources = passrole["Resource"] if isinstance(passrole["Resource"], list) else [passrole["Resource"]]
    assert wanted in resources
    assert f"arn:aws:iam::{ACCOUNT}:role/BatchNodes" not in resources


def test_auto_mode_access_entry_names_the_team_role_under_the_iam_path() -> None:
    stack = with_group(auto_stack(iam={"path": "/platform/"}), NodeGroup(name="batch", role="BatchNodes"))
    plan = plan_of(stack)
    entry = plan.one(ACCESS_ENTRY)
    assert entry.inputs["principalArn"] == f"arn:aws:iam::{ACCOUNT}:role/platform/BatchNodes"
    assert plan.one(POLICY_ASSOCIATION).inputs["policyArn"] == (
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy"
    )


BASE: dict[str, Any] = {
    "nodegroups": "x",
    "cluster": {"name": "c", "vpc_id": "vpc-0a", "private_subnet_ids": ["subnet-0a", "subnet-0b"]},
}


def test_platform_region_and_aws_region_must_agree() -> None:
    platform = platform_from_config("dev", {**BASE, "region": "eu-west-1"})
    with pytest.raises(SpecError) as error:
        one_region("dev", platform, "eu-central-1")
    assert str(error.value) == (
        "stack 'dev' (karpenter-infra:platform): region: 'eu-west-1' differs from aws:region 'eu-central-1': the "
        "provider deploys to one region; set one of them, or both alike"
    )
    assert one_region("dev", platform, "eu-west-1") is platform


def test_aws_region_alone_is_the_platform_region_and_is_checked() -> None:
    platform = platform_from_config("dev", BASE)
    assert one_region("dev", platform, "eu-west-1").region == "eu-west-1"
    assert one_region("dev", platform, None).region is None
    with pytest.raises(SpecError) as error:
        one_region("dev", platform_from_config("dev", {**BASE, "partition": "aws-cn"}), "eu-west-1")
    assert str(error.value) == (
        "stack 'dev': aws:region: 'eu-west-1' is not a region of partition 'aws-cn' (its regions start with cn-)"
    )


def test_zones_are_checked_against_aws_region_when_the_platform_names_none() -> None:
    platform = one_region("dev", platform_from_config("dev", BASE), "eu-west-1")
    fleet = Fleet(
        NodeGroupDefaults(cluster_name="c"),
        [NodeGroup(name="web", availability_zones=["us-east-1a"])],
        node_role=platform.node_role_name,
    )
    with pytest.raises(SpecError, match=r"^nodegroup 'web': availability_zones: zones are in us-east-1, but the "):
        check(platform, fleet)


def test_a_stack_file_with_disagreeing_regions_is_refused(tmp_path: Path) -> None:
    raw = load_stack("dev", PROJECT).config
    config = {**raw, CONFIG_KEY: {**raw[CONFIG_KEY], "region": "eu-central-1"}}
    with pytest.raises(SpecError, match=r"region: 'eu-central-1' differs from aws:region 'eu-west-1'"):
        load_stack("dev", PROJECT, config=config)
