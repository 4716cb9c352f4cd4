"""Backend auto-mode, asserted on what the real program registers for the `auto` stack under the mock runtime."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from karpenter_infra import NodeGroup
from karpenter_infra.errors import SpecError
from karpenter_infra.plan.mocks import PlanResult
from karpenter_infra.project import CONFIG_KEY
from karpenter_infra.stack import Stack, load_stack
from tests.components.conftest import plan_of

PROJECT = Path(__file__).resolve().parents[2]
NODEPOOL = "kubernetes:karpenter.sh/v1:NodePool"
NODECLASS = "kubernetes:eks.amazonaws.com/v1:NodeClass"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
POLICY_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
CLUSTER = "eks:index:Cluster"

#: What a self-managed Karpenter needs and Auto Mode must never create.
SELF_MANAGED = (
    "kubernetes:helm.sh/v3:Release",
    "aws:sqs/queue:Queue",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    "aws:iam/policy:Policy",
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    "karpenter-infra:index:KarpenterIam",
    "karpenter-infra:index:KarpenterRelease",
    "karpenter-infra:index:InterruptionQueue",
    "karpenter-infra:index:ControllerNodeGroup",
)


def auto_config(**changes: Any) -> dict[str, Any]:
    raw = yaml.safe_load((PROJECT / "stacks" / "Pulumi.auto.yaml").read_text())["config"]
    platform = copy.deepcopy(raw[CONFIG_KEY])
    platform.update(changes)
    return {**raw, CONFIG_KEY: platform}


def auto_stack(**changes: Any) -> Stack:
    return load_stack("auto", PROJECT, config=auto_config(**changes))


@pytest.fixture(scope="module")
def auto_plan() -> PlanResult:
    return plan_of(load_stack("auto", PROJECT))


def test_the_cluster_runs_auto_mode_with_our_node_role_and_the_system_pool(auto_plan: PlanResult) -> None:
    cluster = auto_plan.one(CLUSTER)
    role = auto_plan.one("aws:iam/role:Role")
    assert cluster.inputs["autoMode"] == {
        "enabled": True,
        "createNodeRole": False,
        "computeConfig": {
            "nodePools": ["system"],
            "nodeRoleArn": "arn:aws:iam::123456789012:role/EKSAutoNodeRole-karpenter-auto",
        },
    }
    assert cluster.inputs["bootstrapSelfManagedAddons"] is False
    assert cluster.inputs["authenticationMode"] == "API"
    # pulumi-eks's own cluster role gets the Auto Mode policies and sts:TagSession: no serviceRole of ours.
    assert "serviceRole" not in cluster.inputs
    assert role.urn in cluster.depends_on


def test_the_node_role_has_exactly_the_documented_policies(auto_plan: PlanResult) -> None:
    role = auto_plan.one("aws:iam/role:Role")
    assert role.inputs["name"] == "EKSAutoNodeRole-karpenter-auto"
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": ["sts:AssumeRole"]}
    ]
    attached = {r.inputs["policyArn"] for r in auto_plan.find("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert attached == {
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
    }


def test_none_of_the_self_managed_karpenter_resources_exist(auto_plan: PlanResult) -> None:
    assert [r.type for r in auto_plan.registrations if r.type in SELF_MANAGED] == []
    assert [r.inputs["name"] for r in auto_plan.find("aws:iam/role:Role")] == ["EKSAutoNodeRole-karpenter-auto"]


def test_node_classes_and_pools_are_wired_to_the_role_and_to_each_other(auto_plan: PlanResult) -> None:
    role = auto_plan.one("aws:iam/role:Role")
    classes = {r.inputs["metadata"]["name"]: r for r in auto_plan.find(NODECLASS)}
    assert len(classes) == 7
    for node_class in classes.values():
        assert node_class.inputs["spec"]["role"] == "EKSAutoNodeRole-karpenter-auto"
        assert role.urn in node_class.depends_on
    pools = auto_plan.find(NODEPOOL)
    assert len(pools) == 9
    for pool in pools:
        ref = pool.inputs["spec"]["template"]["spec"]["nodeClassRef"]
        assert ref["group"] == "eks.amazonaws.com" and ref["kind"] == "NodeClass"
        assert classes[ref["name"]].urn in pool.depends_on


def test_eks_creates_the_access_entry_of_the_built_in_pools_role(auto_plan: PlanResult) -> None:
    assert auto_plan.find(ACCESS_ENTRY) == []


def test_without_built_in_pools_the_node_role_gets_an_ec2_access_entry_with_the_auto_node_policy() -> None:
    plan = plan_of(auto_stack(auto_mode={"built_in_node_pools": []}))
    assert plan.one(CLUSTER).inputs["autoMode"]["computeConfig"] == {"nodePools": []}
    entry = plan.one(ACCESS_ENTRY)
    assert entry.inputs["type"] == "EC2"
    assert entry.inputs["principalArn"] == "arn:aws:iam::123456789012:role/EKSAutoNodeRole-karpenter-auto"
    association = plan.one(POLICY_ASSOCIATION)
    assert association.inputs["policyArn"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy"
    assert association.inputs["accessScope"] == {"type": "cluster"}
    assert entry.urn in association.depends_on


def test_a_group_with_its_own_role_gets_an_access_entry_for_it() -> None:
    stack = auto_stack()
    stack = Stack(
        stack.name,
        stack.platform,
        stack.defaults,
        [*stack.nodegroups, NodeGroup(name="batch", role="BatchNodes")],
        stack.config,
    )
    plan = plan_of(stack)
    entry = plan.one(ACCESS_ENTRY)
    assert entry.inputs["principalArn"] == "arn:aws:iam::123456789012:role/BatchNodes"
    assert plan.one(POLICY_ASSOCIATION).inputs["principalArn"] == entry.inputs["principalArn"]


def test_monitoring_is_switched_off_with_a_warning_that_says_why() -> None:
    stack = auto_stack(monitoring={"enabled": True, "rule_labels": {"release": "prom"}})
    platforms: list[Any] = []

    def program() -> None:
        from karpenter_infra.program import deploy

        platforms.append(deploy(stack))

    from karpenter_infra.plan.mocks import run_program

    plan = run_program(program, stack="auto", region="eu-west-1")
    assert not plan.find("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    assert not plan.find("karpenter-infra:index:KarpenterMonitoring")
    warnings = [str(f) for f in platforms[0].findings]
    assert any(
        w.startswith("monitoring: enabled: EKS Auto Mode exposes no Karpenter controller metrics") for w in warnings
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"karpenter": {"replicas": 3}}, "karpenter: has no effect with backend auto-mode"),
        ({"controller_nodes": {"min_size": 3, "desired_size": 3, "max_size": 4}}, "controller_nodes: has no effect"),
        ({"iam": {"identity": "irsa"}}, "iam.identity: configures the self-managed Karpenter controller"),
        ({"iam": {"interruption_queue": False}}, "iam.interruption_queue: configures the self-managed"),
        (
            {
                "cluster": {
                    "name": "karpenter-auto",
                    "private_subnet_ids": ["subnet-a", "subnet-b"],
                    "existing": {"endpoint": "https://x", "certificate_authority": "Y2E="},
                }
            },
            "cluster.existing: backend auto-mode enables Auto Mode on a cluster this stack creates",
        ),
    ],
    ids=["karpenter", "controller_nodes", "irsa", "queue", "existing cluster"],
)
def test_stack_settings_of_the_self_managed_controller_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError) as raised:
        auto_stack(**changes)
    assert message in str(raised.value)


def test_iam_settings_that_shape_the_node_role_still_apply() -> None:
    plan = plan_of(auto_stack(iam={"path": "/platform/", "node_role_name": "AutoNodes"}))
    role = plan.one("aws:iam/role:Role")
    assert (role.inputs["name"], role.inputs["path"]) == ("AutoNodes", "/platform/")
    assert plan.one(CLUSTER).inputs["autoMode"]["computeConfig"]["nodeRoleArn"].endswith(":role/platform/AutoNodes")


def test_static_pools_need_no_karpenter_feature_gate_on_auto_mode() -> None:
    stack = auto_stack()
    stack = Stack(stack.name, stack.platform, stack.defaults, [NodeGroup(name="fixed", replicas=2)], stack.config)
    pool = plan_of(stack).one(NODEPOOL)
    assert pool.inputs["spec"]["replicas"] == 2


def test_a_fleet_built_for_the_other_backend_is_refused() -> None:
    from karpenter_infra import Fleet
    from karpenter_infra.components.platform import KarpenterPlatform
    from karpenter_infra.plan.mocks import run_program

    stack = auto_stack()
    fleet = Fleet(load_stack("dev", PROJECT).defaults.model_copy(update={"cluster_name": "karpenter-auto"}), [])
    with pytest.raises(SpecError) as raised:
        run_program(lambda: KarpenterPlatform("k", stack.platform, fleet), stack="auto")
    assert str(raised.value).startswith("platform: backend: is 'auto-mode' but the fleet was built for 'karpenter'")


def test_node_pools_are_replaced_delete_first_when_their_node_class_kind_changes(monkeypatch: Any) -> None:
    from karpenter_infra.plan import mocks

    seen: dict[str, tuple[list[str], bool]] = {}
    original = mocks.RecordingMonitor.RegisterResource

    def record(self: Any, request: Any) -> Any:
        seen[request.name] = (list(request.replaceOnChanges), bool(request.deleteBeforeReplace))
        return original(self, request)

    monkeypatch.setattr(mocks.RecordingMonitor, "RegisterResource", record)
    plan = plan_of(load_stack("auto", PROJECT))
    pools = [r.name for r in plan.find(NODEPOOL)]
    assert pools
    for pool in pools:
        assert seen[pool] == (
            ["spec.template.spec.nodeClassRef.group", "spec.template.spec.nodeClassRef.kind"],
            True,
        )
    assert seen["nodeclass-jobs-amd64"] == ([], False)


def test_access_entries_can_be_left_to_someone_else() -> None:
    plan = plan_of(auto_stack(auto_mode={"built_in_node_pools": []}, iam={"manage_access_entries": False}))
    assert plan.find(ACCESS_ENTRY) == []
    assert plan.find(POLICY_ASSOCIATION) == []
