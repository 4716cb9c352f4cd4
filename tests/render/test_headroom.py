"""Headroom: a PriorityClass below every real pod and a pinned Deployment of pause pods per entry."""

from __future__ import annotations

from karpenter_infra import Fleet, Headroom, NodeGroup, NodeGroupDefaults


def test_headroom_objects() -> None:
    defaults = NodeGroupDefaults(cluster_name="t", headroom_namespace="warm")
    group = NodeGroup(
        name="default",
        auto_taint=True,
        headroom=[
            Headroom(size="large", count=3),
            Headroom(
                cpu="500m",
                memory="1Gi",
                anti_affinity_labels={"app": "db"},
                anti_affinity_namespaces=["data"],
            ),
        ],
    )
    manifests = Fleet(defaults, [group], node_role="R").manifests()
    priority, namespace = manifests[0], manifests[1]
    assert priority["kind"] == "PriorityClass"
    assert priority["metadata"]["name"] == "karpenter-headroom"
    assert priority["value"] == -1000000
    assert namespace == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "warm", "labels": {"app.kubernetes.io/managed-by": "karpenter-infra"}},
    }
    deployments = {m["metadata"]["name"]: m for m in manifests if m["kind"] == "Deployment"}
    assert sorted(deployments) == ["headroom-default-amd64-500mcpu-1gi", "headroom-default-amd64-large"]
    large = deployments["headroom-default-amd64-large"]
    assert large["metadata"]["namespace"] == "warm"
    assert large["spec"]["replicas"] == 3
    pod = large["spec"]["template"]["spec"]
    assert pod["priorityClassName"] == "karpenter-headroom"
    assert pod["tolerations"] == [{"operator": "Exists"}]
    assert pod["containers"][0]["resources"]["requests"] == {"cpu": "4", "memory": "16Gi"}
    node_terms = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert node_terms["nodeSelectorTerms"][0]["matchExpressions"] == [
        {"key": "karpenter.sh/nodepool", "operator": "In", "values": ["default-amd64"]}
    ]
    one_per_node = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert one_per_node["topologyKey"] == "kubernetes.io/hostname"
    assert one_per_node["labelSelector"]["matchLabels"] == large["spec"]["selector"]["matchLabels"]
    custom = deployments["headroom-default-amd64-500mcpu-1gi"]["spec"]["template"]["spec"]["affinity"]
    assert custom["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][1] == {
        "labelSelector": {"matchLabels": {"app": "db"}},
        "topologyKey": "kubernetes.io/hostname",
        "namespaces": ["data"],
    }


def test_no_headroom_no_shared_objects() -> None:
    manifests = Fleet(NodeGroupDefaults(cluster_name="t"), [NodeGroup(name="a")], node_role="R").manifests()
    assert [m["kind"] for m in manifests] == ["EC2NodeClass", "NodePool"]


def test_long_names_keep_label_values_valid() -> None:
    group = NodeGroup(name="a" * 50, headroom=[Headroom(size="xlarge")])
    manifests = Fleet(NodeGroupDefaults(cluster_name="t"), [group], node_role="R").manifests()
    [deployment] = [m for m in manifests if m["kind"] == "Deployment"]
    value = deployment["spec"]["selector"]["matchLabels"]["karpenter-infra/headroom"]
    assert len(value) <= 63
    assert value == deployment["spec"]["template"]["metadata"]["labels"]["karpenter-infra/headroom"]
