"""The platform's wiring, asserted on what the real program registers under the mock runtime."""

from __future__ import annotations

import json

import yaml

from karpenter_infra.plan.mocks import PlanResult, Registration
from karpenter_infra.stack import Stack

NODEPOOL = "kubernetes:karpenter.sh/v1:NodePool"
NODECLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
RELEASE = "kubernetes:helm.sh/v3:Release"


def helm_values(plan: PlanResult) -> dict[str, object]:
    values = plan.one(RELEASE, "karpenter-karpenter-controller").inputs["values"]
    assert isinstance(values, dict)
    return values


def ancestors(plan: PlanResult, reg: Registration) -> set[str]:
    """Everything ``reg`` waits for, directly or through its dependencies: what destroy must keep until after it."""
    by_urn = {r.urn: r for r in plan.registrations}
    seen: set[str] = set()
    todo = list(reg.depends_on)
    while todo:
        urn = todo.pop()
        if urn in seen or urn not in by_urn:
            continue
        seen.add(urn)
        todo.extend(by_urn[urn].depends_on)
    return {f"{by_urn[u].type}::{by_urn[u].name}" for u in seen}


def test_queue_and_cluster_name_reach_the_helm_values(dev_plan: PlanResult, dev_stack: Stack) -> None:
    settings = helm_values(dev_plan)["settings"]
    assert isinstance(settings, dict)
    queue = dev_plan.one("aws:sqs/queue:Queue")
    assert settings["clusterName"] == dev_stack.platform.cluster.name
    assert settings["interruptionQueue"] == queue.inputs["name"] == dev_stack.platform.cluster.name
    assert str(settings["clusterEndpoint"]).startswith("https://")


def test_pod_identity_association_matches_the_chart_service_account(dev_plan: PlanResult) -> None:
    association = dev_plan.one("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    release = dev_plan.one(RELEASE, "karpenter-karpenter-controller")
    service_account = helm_values(dev_plan)["serviceAccount"]
    assert isinstance(service_account, dict)
    assert association.inputs["serviceAccount"] == service_account["name"] == "karpenter"
    assert association.inputs["namespace"] == release.inputs["namespace"] == "kube-system"
    controller_role = dev_plan.one("aws:iam/role:Role", "karpenter-iam-controller-role")
    trust = json.loads(controller_role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Statement"][0]["Action"]) == ["sts:AssumeRole", "sts:TagSession"]


def test_controller_is_pinned_to_its_node_group(dev_plan: PlanResult) -> None:
    node_group = dev_plan.one("aws:eks/nodeGroup:NodeGroup")
    values = helm_values(dev_plan)
    [taint] = node_group.inputs["taints"]
    assert values["tolerations"] == [
        {"key": taint["key"], "operator": "Equal", "value": taint["value"], "effect": "NoSchedule"}
    ]
    assert taint == {"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}
    affinity = values["affinity"]
    assert isinstance(affinity, dict)
    [term] = affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    expressions = {e["key"]: e for e in term["matchExpressions"]}
    assert expressions["karpenter.sh/nodepool"]["operator"] == "DoesNotExist"
    for key, value in node_group.inputs["labels"].items():
        assert expressions[key] == {"key": key, "operator": "In", "values": [value]}
    assert node_group.inputs["capacityType"] == "ON_DEMAND"
    assert node_group.inputs["scalingConfig"]["minSize"] >= 2
    assert len(node_group.inputs["subnetIds"]) >= 2


def test_coredns_runs_on_the_controller_node_group(dev_plan: PlanResult) -> None:
    coredns = dev_plan.one("aws:eks/addon:Addon", "karpenter-controller-nodes-coredns")
    config = json.loads(coredns.inputs["configurationValues"])
    node_group = dev_plan.one("aws:eks/nodeGroup:NodeGroup")
    assert config["nodeSelector"] == node_group.inputs["labels"]
    assert {"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoSchedule"} in config["tolerations"]
    assert "aws:eks/nodeGroup:NodeGroup::karpenter-controller-nodes-nodes" in ancestors(dev_plan, coredns)


def test_node_role_in_every_ec2nodeclass(dev_plan: PlanResult) -> None:
    node_role = dev_plan.one("aws:iam/role:Role", "karpenter-iam-node-role")
    classes = dev_plan.find(NODECLASS)
    assert len(classes) == 7
    for nodeclass in classes:
        assert nodeclass.inputs["spec"]["role"] == node_role.inputs["name"] == "KarpenterNodeRole-karpenter-dev"
        assert "aws:iam/role:Role::karpenter-iam-node-role" in ancestors(dev_plan, nodeclass)


def test_destroy_order(dev_plan: PlanResult) -> None:
    """Pools go before the release, the release before its node group and IAM: Karpenter drains its own nodes."""
    release = dev_plan.one(RELEASE, "karpenter-karpenter-controller")
    release_deps = ancestors(dev_plan, release)
    assert "aws:eks/nodeGroup:NodeGroup::karpenter-controller-nodes-nodes" in release_deps
    assert "aws:iam/role:Role::karpenter-iam-controller-role" in release_deps
    assert "aws:eks/podIdentityAssociation:PodIdentityAssociation::karpenter-iam-pod-identity" in release_deps
    assert f"{RELEASE}::karpenter-karpenter-crd" in release_deps
    for pool in dev_plan.find(NODEPOOL):
        deps = ancestors(dev_plan, pool)
        assert f"{RELEASE}::karpenter-karpenter-controller" in deps, pool.name
        ref = pool.inputs["spec"]["template"]["spec"]["nodeClassRef"]["name"]
        assert f"{NODECLASS}::ec2nodeclass-{ref}" in deps, pool.name
    for nodeclass in dev_plan.find(NODECLASS):
        assert f"{RELEASE}::karpenter-karpenter-controller" in ancestors(dev_plan, nodeclass)


def test_fleet_objects_equal_the_rendered_manifests(dev_plan: PlanResult, dev_stack: Stack) -> None:
    rendered = {(m["kind"], m["metadata"]["name"]): m for m in dev_stack.fleet().manifests()}
    deployed = {
        (r.inputs.get("kind"), r.inputs["metadata"]["name"]): r
        for r in dev_plan.find(NODEPOOL) + dev_plan.find(NODECLASS)
    }
    for (kind, name), reg in deployed.items():
        assert reg.inputs["spec"] == rendered[(kind, name)]["spec"], name
    assert {k for k in rendered if k[0] in ("NodePool", "EC2NodeClass")} == set(deployed)


def test_crds_chart_first_and_pinned(dev_plan: PlanResult) -> None:
    crd = dev_plan.one(RELEASE, "karpenter-karpenter-crd")
    controller = dev_plan.one(RELEASE, "karpenter-karpenter-controller")
    assert crd.inputs["chart"] == "oci://public.ecr.aws/karpenter/karpenter-crd"
    assert controller.inputs["chart"] == "oci://public.ecr.aws/karpenter/karpenter"
    assert crd.inputs["version"] == controller.inputs["version"] == "1.14.3"  # the newest 1.14 LTS patch
    assert controller.inputs["skipCrds"] is True
    assert "repositoryOpts" not in controller.inputs  # anonymous pull: no token to rotate into the inputs


def test_cluster_is_api_auth_mode_without_default_nodes(dev_plan: PlanResult) -> None:
    cluster = dev_plan.one("eks:index:Cluster")
    assert cluster.inputs["authenticationMode"] == "API"
    assert cluster.inputs["skipDefaultNodeGroup"] is True
    assert cluster.inputs["corednsAddonOptions"]["enabled"] is False
    assert cluster.inputs["createOidcProvider"] is False


def test_discovery_tags_reach_subnets_and_the_eks_cluster_security_group(dev_plan: PlanResult) -> None:
    tags = {r.inputs["resourceId"]: r.inputs for r in dev_plan.find("aws:ec2/tag:Tag")}
    assert set(tags) >= {"subnet-0dev00000000000a1", "subnet-0dev00000000000b1"}
    cluster_sg = [v for k, v in tags.items() if k.startswith("sg-")]
    assert len(cluster_sg) == 1
    assert cluster_sg[0]["key"] == "karpenter.sh/discovery"
    assert cluster_sg[0]["value"] == "karpenter-dev"


def test_two_plans_are_byte_identical(dev_stack: Stack, dev_plan: PlanResult) -> None:
    from tests.components.conftest import plan_of

    assert plan_of(dev_stack).to_json() == dev_plan.to_json()


def test_plan_json_is_valid(prod_plan: PlanResult) -> None:
    rows = json.loads(prod_plan.to_json())
    assert {"type", "name", "parent", "inputs", "depends_on"} == set(rows[0])
    assert yaml.safe_dump(rows)  # plain data all the way down


def test_fleet_objects_wait_for_what_they_reference(dev_plan: PlanResult) -> None:
    headroom = dev_plan.one("kubernetes:apps/v1:Deployment")
    deps = {d.split("::")[1] for d in ancestors(dev_plan, headroom)}
    assert {"nodepool-default-amd64", "namespace-karpenter-headroom", "priorityclass-karpenter-headroom"} <= deps
    job = dev_plan.one("kubernetes:batch/v1:CronJob", "cronjob-karpenter-off-hours-off-hours-jobs-amd64-down")
    deps = {d.split("::")[1] for d in ancestors(dev_plan, job)}
    assert {
        "namespace-karpenter-off-hours",
        "serviceaccount-karpenter-off-hours-karpenter-off-hours",
        "configmap-karpenter-off-hours-karpenter-off-hours",
    } <= deps
    # Linear, not all-to-all: a pool waits for its own node class only.
    pool = dev_plan.one(NODEPOOL, "nodepool-graviton-arm64")
    classes = {d for d in ancestors(dev_plan, pool) if d.startswith(NODECLASS)}
    assert classes == {f"{NODECLASS}::ec2nodeclass-graviton-arm64"}


def test_node_classes_wait_for_the_discovery_tags(dev_plan: PlanResult) -> None:
    for nodeclass in dev_plan.find(NODECLASS):
        assert "aws:ec2/tag:Tag::karpenter-discovery-cluster-sg" in ancestors(dev_plan, nodeclass), nodeclass.name
