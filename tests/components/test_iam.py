"""AWS foundations under the mock runtime: controller IAM, node role, access entries, queue, discovery."""

from __future__ import annotations

import json
from typing import Any

import pytest

from karpenter_infra import Fleet, Instances, NodeGroup, NodeGroupDefaults, SpecError
from karpenter_infra.aws.policies import CONTROLLER_POLICY_KEYS
from karpenter_infra.components.platform import KarpenterPlatform
from karpenter_infra.plan.mocks import PlanResult, run_program
from karpenter_infra.spec.platform import PlatformSpec

ROLE = "aws:iam/role:Role"


def plan(
    groups: list[NodeGroup] | None = None, partition: str = "aws", region: str = "eu-west-1", **spec: Any
) -> PlanResult:
    base: dict[str, Any] = {
        "cluster": {"name": "c", "vpc_id": "vpc-0a", "private_subnet_ids": ["subnet-0a", "subnet-0b"]},
    }
    for key, value in spec.items():
        base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
    platform = PlatformSpec.model_validate(base)
    fleet = Fleet(
        NodeGroupDefaults(cluster_name="c"), groups or [NodeGroup(name="a")], node_role=platform.node_role_name
    )
    return run_program(lambda: KarpenterPlatform("k", platform, fleet), partition=partition, region=region)


def resources(stmt: dict[str, Any]) -> list[str]:
    """One resource is written as a string, as in Karpenter's template; several as a list."""
    found = stmt["Resource"]
    return [found] if isinstance(found, str) else sorted(found)


def statement(result: PlanResult, policy: str, sid: str) -> dict[str, Any]:
    document = json.loads(result.one("aws:iam/policy:Policy", f"k-iam-{policy}").inputs["policy"])
    return next(s for s in document["Statement"] if s.get("Sid") == sid)


def test_six_controller_policies_attached_to_the_controller_role() -> None:
    result = plan()
    policies = {r.name for r in result.find("aws:iam/policy:Policy")}
    assert policies == {f"k-iam-{key}" for key in CONTROLLER_POLICY_KEYS}
    attachments = [
        r for r in result.find("aws:iam/rolePolicyAttachment:RolePolicyAttachment") if r.name.endswith("-attachment")
    ]
    assert {a.inputs["role"] for a in attachments} == {"KarpenterController-c"}
    assert len(attachments) == 6


def test_pass_role_lists_each_node_role_and_no_wildcard() -> None:
    groups = [
        NodeGroup(name="a"),
        NodeGroup(name="b", role="TeamRole"),
        NodeGroup(name="p", instance_profile="LegacyProfile"),
    ]
    result = plan(groups, iam={"instance_profile_roles": {"LegacyProfile": "LegacyRole"}})
    passrole = statement(result, "iam-integration", "AllowPassingInstanceRole")
    assert resources(passrole) == [
        "arn:aws:iam::123456789012:role/KarpenterNodeRole-c",
        "arn:aws:iam::123456789012:role/LegacyRole",
        "arn:aws:iam::123456789012:role/TeamRole",
    ]
    entries = {r.inputs["principalArn"] for r in result.find("aws:eks/accessEntry:AccessEntry")}
    assert entries == set(resources(passrole))
    assert {r.inputs["type"] for r in result.find("aws:eks/accessEntry:AccessEntry")} == {"EC2_LINUX"}


def test_one_access_entry_per_role_windows_roles_get_windows_entries() -> None:
    windows = NodeGroup(
        name="win", role="WindowsNodes", ami_family="Windows2022", instances=Instances(operating_systems=["windows"])
    )
    result = plan([NodeGroup(name="a"), windows])
    entries = {r.inputs["principalArn"]: r.inputs["type"] for r in result.find("aws:eks/accessEntry:AccessEntry")}
    assert entries == {
        "arn:aws:iam::123456789012:role/KarpenterNodeRole-c": "EC2_LINUX",
        "arn:aws:iam::123456789012:role/WindowsNodes": "EC2_WINDOWS",
    }


def test_a_role_shared_by_linux_and_windows_is_an_error() -> None:
    windows = NodeGroup(name="win", ami_family="Windows2022", instances=Instances(operating_systems=["windows"]))
    with pytest.raises(SpecError, match=r"iam: node roles: role 'KarpenterNodeRole-c' is used by Linux and Windows"):
        plan([NodeGroup(name="a"), windows])


def test_access_entries_can_be_left_to_an_existing_setup() -> None:
    assert not plan(iam={"manage_access_entries": False}).find("aws:eks/accessEntry:AccessEntry")


def test_node_role_trusts_ec2_and_has_the_four_worker_policies() -> None:
    result = plan()
    node_role = result.one(ROLE, "k-iam-node-role")
    trust = json.loads(node_role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    arns = {
        r.inputs["policyArn"]
        for r in result.find("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if r.inputs["role"] == "KarpenterNodeRole-c"
    }
    assert arns == {
        f"arn:aws:iam::aws:policy/{p}"
        for p in (
            "AmazonEKSWorkerNodePolicy",
            "AmazonEKS_CNI_Policy",
            "AmazonEC2ContainerRegistryPullOnly",
            "AmazonSSMManagedInstanceCore",
        )
    }


def test_ipv6_swaps_the_cni_policy() -> None:
    result = plan(cluster={"ip_family": "ipv6"})
    node_policies = [
        r
        for r in result.find("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if r.inputs["role"] == "KarpenterNodeRole-c"
    ]
    assert not any("AmazonEKS_CNI_Policy" in r.inputs["policyArn"] for r in node_policies)
    inline = json.loads(result.one("aws:iam/rolePolicy:RolePolicy", "k-iam-node-cni-ipv6").inputs["policy"])
    assert "ec2:AssignIpv6Addresses" in inline["Statement"][0]["Action"]


@pytest.mark.parametrize(("partition", "region"), [("aws-cn", "cn-north-1"), ("aws-us-gov", "us-gov-west-1")])
def test_other_partitions(partition: str, region: str) -> None:
    result = plan(partition=partition, region=region)
    passrole = statement(result, "iam-integration", "AllowPassingInstanceRole")
    assert resources(passrole) == [f"arn:{partition}:iam::123456789012:role/KarpenterNodeRole-c"]
    node_role = json.loads(result.one(ROLE, "k-iam-node-role").inputs["assumeRolePolicy"])
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    assert node_role["Statement"][0]["Principal"] == {"Service": f"ec2.{suffix}"}


def test_irsa_trusts_the_oidc_provider_and_annotates_the_service_account() -> None:
    result = plan(iam={"identity": "irsa"})
    assert result.one("eks:index:Cluster").inputs["createOidcProvider"] is True
    trust = json.loads(result.one(ROLE, "k-iam-controller-role").inputs["assumeRolePolicy"])
    [stmt] = trust["Statement"]
    assert stmt["Action"] == "sts:AssumeRoleWithWebIdentity"
    conditions = stmt["Condition"]["StringEquals"]
    assert any(k.endswith(":sub") and v == "system:serviceaccount:kube-system:karpenter" for k, v in conditions.items())
    assert any(k.endswith(":aud") and v == "sts.amazonaws.com" for k, v in conditions.items())
    assert not result.find("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    values = result.one("kubernetes:helm.sh/v3:Release", "k-karpenter-controller").inputs["values"]
    assert values["serviceAccount"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/KarpenterController-c"
    }


def test_pod_identity_by_default_with_its_agent() -> None:
    result = plan()
    agent = result.one("aws:eks/addon:Addon", "k-iam-pod-identity-agent")
    assert agent.inputs["addonName"] == "eks-pod-identity-agent"
    association = result.one("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert association.inputs["roleArn"] == "arn:aws:iam::123456789012:role/KarpenterController-c"


def test_enterprise_iam_path_boundary_and_tags_on_every_role() -> None:
    boundary = "arn:aws:iam::123456789012:policy/Boundary"
    result = plan(iam={"path": "/platform/", "permissions_boundary": boundary}, cluster={"tags": {"team": "platform"}})
    for role in result.find(ROLE):
        assert role.inputs["path"] == "/platform/", role.name
        assert role.inputs["permissionsBoundary"] == boundary, role.name
        assert role.inputs["tags"]["team"] == "platform", role.name
    passrole = statement(result, "iam-integration", "AllowPassingInstanceRole")
    assert resources(passrole) == ["arn:aws:iam::123456789012:role/platform/KarpenterNodeRole-c"]


def test_bring_your_own_node_role() -> None:
    arn = "arn:aws:iam::123456789012:role/OurNodes"
    result = plan(iam={"existing_node_role_arn": arn})
    assert not result.find(ROLE, "k-iam-node-role")
    nodeclass = result.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
    assert nodeclass.inputs["spec"]["role"] == "OurNodes"
    assert resources(statement(result, "iam-integration", "AllowPassingInstanceRole")) == [arn]


def test_instance_profile_extra_statements_and_spot_role() -> None:
    extra = {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": ["arn:aws:ssm:eu-west-1::parameter/ami/*"]}
    result = plan(
        iam={
            "create_instance_profile": True,
            "extra_controller_statements": [extra],
            "create_spot_service_linked_role": True,
        },
    )
    profile = result.one("aws:iam/instanceProfile:InstanceProfile")
    assert profile.inputs["name"] == "KarpenterNodeInstanceProfile-c"
    assert profile.inputs["role"] == "KarpenterNodeRole-c"
    document = json.loads(result.one("aws:iam/policy:Policy", "k-iam-extra").inputs["policy"])
    assert document["Statement"][0]["Action"] == ["ssm:GetParameter"]
    assert result.one("aws:iam/serviceLinkedRole:ServiceLinkedRole").inputs["awsServiceName"] == "spot.amazonaws.com"


def test_interruption_queue_and_rules() -> None:
    result = plan()
    queue = result.one("aws:sqs/queue:Queue")
    assert queue.inputs["name"] == "c"
    assert queue.inputs["messageRetentionSeconds"] == 300
    assert queue.inputs["sqsManagedSseEnabled"] is True
    policy = json.loads(result.one("aws:sqs/queuePolicy:QueuePolicy").inputs["policy"])
    assert any(s["Effect"] == "Deny" for s in policy["Statement"])
    rules = result.find("aws:cloudwatch/eventRule:EventRule")
    assert len(rules) == 5
    targets = result.find("aws:cloudwatch/eventTarget:EventTarget")
    assert {t.inputs["arn"] for t in targets} == {"arn:aws:sqs:eu-west-1:123456789012:c"}
    interruption = statement(result, "interruption", "AllowInterruptionQueueActions")
    assert interruption["Resource"] == "arn:aws:sqs:eu-west-1:123456789012:c"


def test_customer_key_instead_of_sse_sqs() -> None:
    key = "arn:aws:kms:eu-west-1:123456789012:key/abc"
    queue = plan(iam={"queue_kms_key_arn": key}).one("aws:sqs/queue:Queue")
    assert queue.inputs["kmsMasterKeyId"] == key
    assert "sqsManagedSseEnabled" not in queue.inputs


def test_queue_can_be_turned_off() -> None:
    result = plan(iam={"interruption_queue": False})
    assert not result.find("aws:sqs/queue:Queue")
    assert not result.find("aws:iam/policy:Policy", "k-iam-interruption")
    values = result.one("kubernetes:helm.sh/v3:Release", "k-karpenter-controller").inputs["values"]
    assert "interruptionQueue" not in values["settings"]
