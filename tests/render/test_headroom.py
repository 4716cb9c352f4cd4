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


def test_an_entry_can_say_exactly_what_the_karpenter_nodes_chart_renders() -> None:
    from karpenter_infra import HeadroomPriorityClass, LabelSelectorRequirement

    label = {"k8s-app": "headroom-web-amd64-small"}
    defaults = NodeGroupDefaults(
        cluster_name="t",
        headroom_namespace="karpenter",
        headroom_image="registry.k8s.io/pause",
        create_headroom_namespace=False,
        headroom_priority_class=HeadroomPriorityClass(preemption_policy=None, description=None, labels={}),
    )
    entry = Headroom(
        size="small",
        selector_labels=label,
        labels=label,
        hardened=False,
        spread_expressions=[LabelSelectorRequirement(key="app", operator="Exists")],
        spread_namespaces=["karpenter", "web"],
    )
    manifests = Fleet(defaults, [NodeGroup(name="web", headroom=[entry])], node_role="nodes").manifests()
    assert not [m for m in manifests if m["kind"] == "Namespace"]  # referenced, not created
    priority = next(m for m in manifests if m["kind"] == "PriorityClass")
    assert priority == {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "karpenter-headroom"},
        "value": -1000000,
        "globalDefault": False,
    }
    deployment = next(m for m in manifests if m["kind"] == "Deployment")
    assert deployment["metadata"] == {"name": "headroom-web-amd64-small", "namespace": "karpenter", "labels": label}
    assert deployment["spec"]["selector"] == {"matchLabels": label}
    pod = deployment["spec"]["template"]["spec"]
    assert set(pod) == {"priorityClassName", "affinity", "tolerations", "containers"}
    assert pod["containers"] == [
        {
            "name": "pause",
            "image": "registry.k8s.io/pause",
            "resources": {"requests": {"cpu": "1", "memory": "4Gi"}},
        }
    ]
    assert pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == [
        {
            "labelSelector": {
                "matchExpressions": [
                    {"key": "k8s-app", "operator": "In", "values": ["headroom-web-amd64-small"]},
                    {"key": "app", "operator": "Exists"},
                ]
            },
            "topologyKey": "kubernetes.io/hostname",
            "namespaces": ["karpenter", "web"],
        }
    ]


def test_the_priority_class_can_be_rendered_without_headroom() -> None:
    from karpenter_infra import HeadroomPriorityClass

    defaults = NodeGroupDefaults(cluster_name="t", headroom_priority_class=HeadroomPriorityClass(always=True))
    kinds = [m["kind"] for m in Fleet(defaults, [NodeGroup(name="web")], node_role="nodes").manifests()]
    assert kinds.count("PriorityClass") == 1
    assert "Namespace" not in kinds  # no headroom Deployment needs it


def test_selector_requirements_are_checked_the_way_kubernetes_checks_them() -> None:
    import pytest
    from pydantic import ValidationError

    from karpenter_infra import LabelSelectorRequirement

    with pytest.raises(ValidationError, match="In needs at least one value"):
        LabelSelectorRequirement(key="app", operator="In")
    with pytest.raises(ValidationError, match="Exists takes no values"):
        LabelSelectorRequirement(key="app", operator="Exists", values=["x"])
    assert LabelSelectorRequirement(key="app", operator="NotIn", values=["a", "b"]).values == ["a", "b"]


def test_a_referenced_headroom_namespace_is_not_created_by_off_hours_sharing_it() -> None:
    """``create_headroom_namespace=False`` means the namespace is someone else's, even when the off-hours
    CronJobs run in it too: rendering it would make ``pulumi destroy`` delete it and all it holds."""
    from karpenter_infra import OffHours

    defaults = NodeGroupDefaults(
        cluster_name="t", headroom_namespace="capacity", off_hours_namespace="capacity", create_headroom_namespace=False
    )
    group = NodeGroup(
        name="web", headroom=[Headroom(size="small")], off_hours=OffHours(down="0 20 * * 1-5", up="0 7 * * 1-5")
    )
    manifests = Fleet(defaults, [group], node_role="nodes").manifests()
    assert not [m for m in manifests if m["kind"] == "Namespace"]
    assert {m["kind"] for m in manifests} >= {"CronJob", "ServiceAccount", "Deployment"}
    owned = NodeGroupDefaults(cluster_name="t", headroom_namespace="capacity", off_hours_namespace="capacity")
    names = [
        m["metadata"]["name"] for m in Fleet(owned, [group], node_role="nodes").manifests() if m["kind"] == "Namespace"
    ]
    assert names == ["capacity"]  # created once when the fleet owns it
