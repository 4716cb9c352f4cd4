"""Each scheduling rule on a small fleet: one workload that lands, one pending for that rule's reason."""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulate.support import daemonset, deployment, node_class, node_pool, only, run, types

GPU_TAINT = {"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}


def affinity(*expressions: dict[str, Any]) -> dict[str, Any]:
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": list(expressions)}]
            }
        }
    }


@pytest.mark.parametrize(
    ("expression", "lands"),
    [
        ({"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["m"]}, True),
        ({"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["c"]}, False),
        ({"key": "karpenter.k8s.aws/instance-category", "operator": "NotIn", "values": ["c"]}, True),
        ({"key": "karpenter.k8s.aws/instance-category", "operator": "NotIn", "values": ["m"]}, False),
        ({"key": "karpenter.k8s.aws/instance-gpu-count", "operator": "DoesNotExist"}, True),
        ({"key": "karpenter.k8s.aws/instance-gpu-count", "operator": "Exists"}, False),
        ({"key": "karpenter.k8s.aws/instance-cpu", "operator": "Gt", "values": ["2"]}, True),
        ({"key": "karpenter.k8s.aws/instance-cpu", "operator": "Gt", "values": ["4"]}, False),
        ({"key": "karpenter.k8s.aws/instance-cpu", "operator": "Lt", "values": ["4"]}, True),
        ({"key": "karpenter.k8s.aws/instance-cpu", "operator": "Lt", "values": ["2"]}, False),
    ],
)
def test_selector_operators(expression: dict[str, Any], lands: bool) -> None:
    workload = only(run([node_pool("general")], [deployment(affinity=affinity(expression))]))
    assert (workload["pending"] == 0) is lands
    if not lands:
        assert workload["reasons"]["general"].startswith("no instance type met all requirements")


def test_a_label_no_pool_knows_has_no_known_values() -> None:
    lands = only(run([node_pool("general", labels={"team": "shop"})], [deployment(nodeSelector={"team": "shop"})]))
    assert lands["placements"] == [{"nodepool": "general", "pods": 1}]
    pending = only(run([node_pool("general")], [deployment(nodeSelector={"team": "shop"})]))
    assert pending["reasons"] == {"general": 'incompatible requirements, label "team" does not have known values'}


def test_pool_labels_conflict_with_the_selector() -> None:
    workload = only(run([node_pool("general", labels={"team": "ads"})], [deployment(nodeSelector={"team": "shop"})]))
    assert workload["reasons"]["general"] == "incompatible requirements, key team, team In [shop] not in team In [ads]"


def test_beta_labels_are_normalised() -> None:
    workload = only(run([node_pool("general")], [deployment(nodeSelector={"beta.kubernetes.io/arch": "amd64"})]))
    assert workload["pending"] == 0


def test_node_selector_terms_are_tried_in_order_against_every_pool() -> None:
    terms = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}]},
                    {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]},
                ]
            }
        }
    }
    fleet = [node_pool("intel", types("m7i.large"), weight=100), node_pool("graviton", types("m7g.large"), weight=1)]
    workload = only(run(fleet, [deployment(affinity=terms)]))
    # The first term suits the lighter pool: it wins over the second term on the heavier one.
    assert workload["placements"] == [{"nodepool": "graviton", "pods": 1}]


@pytest.mark.parametrize(
    ("toleration", "lands"),
    [
        ({"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}, True),
        ({"key": "nvidia.com/gpu", "operator": "Equal", "value": "false", "effect": "NoSchedule"}, False),
        ({"key": "nvidia.com/gpu", "operator": "Exists"}, True),
        ({"operator": "Exists"}, True),
        ({"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoExecute"}, False),
        (None, False),
    ],
)
def test_taints_and_tolerations(toleration: dict[str, str] | None, lands: bool) -> None:
    pod: dict[str, Any] = {"tolerations": [toleration]} if toleration else {}
    workload = only(run([node_pool("gpu", taints=[GPU_TAINT])], [deployment(**pod)]))
    assert (workload["pending"] == 0) is lands
    if not lands:
        assert workload["reasons"] == {"gpu": "did not tolerate taint nvidia.com/gpu=true:NoSchedule"}


def test_startup_taints_are_not_scheduling_taints() -> None:
    fleet = [node_pool("general", startup_taints=[{"key": "cilium/agent-not-ready", "effect": "NoExecute"}])]
    assert only(run(fleet, [deployment()]))["pending"] == 0


def test_weight_orders_pools_and_equal_weights_go_by_name_descending() -> None:
    fleet = [node_pool("a-pool", weight=10), node_pool("b-pool", weight=10), node_pool("z-pool", weight=5)]
    assert only(run(fleet, [deployment()]))["placements"] == [{"nodepool": "b-pool", "pods": 1}]
    fleet = [node_pool("a-pool", weight=50), node_pool("b-pool", weight=10)]
    assert only(run(fleet, [deployment()]))["placements"] == [{"nodepool": "a-pool", "pods": 1}]


def test_resources_decide_the_pool_and_too_big_is_pending() -> None:
    fleet = [node_pool("small", types("m7i.large"), weight=10), node_pool("big", types("m7i.xlarge"))]
    workload = only(run(fleet, [deployment(cpu="3")]))
    assert workload["placements"] == [{"nodepool": "big", "pods": 1}]
    assert workload["reasons"]["small"].startswith("no instance type has enough resources")
    pending = only(run(fleet, [deployment(cpu="5")]))
    assert pending["pending"] == 1 and set(pending["reasons"]) == {"small", "big"}


def test_extended_resources() -> None:
    fleet = [node_pool("general", weight=10), node_pool("gpu", types("g5.xlarge"))]
    workload = only(run(fleet, [deployment(extra={"nvidia.com/gpu": "1"})]))
    assert workload["placements"] == [{"nodepool": "gpu", "pods": 1}]
    assert workload["instance_types"] == ["g5.xlarge"]
    assert only(run(fleet, [deployment(extra={"nvidia.com/gpu": "2"})]))["pending"] == 1


def test_limits_only_containers_request_their_limits() -> None:
    pod = deployment()
    pod["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "3", "memory": "1Gi"}}
    fleet = [node_pool("small", types("m7i.large"), weight=10), node_pool("big", types("m7i.xlarge"))]
    assert only(run(fleet, [pod]))["placements"] == [{"nodepool": "big", "pods": 1}]


def test_daemonset_overhead_counts_per_instance_type() -> None:
    # m7i.large has 1930m allocatable: 1800m fits alone, not beside a 200m DaemonSet.
    fleet = [node_pool("general", types("m7i.large"))]
    assert only(run(fleet, [deployment(cpu="1800m")]))["pending"] == 0
    result = run(fleet, [deployment(cpu="1800m"), daemonset("agent", cpu="200m")])
    assert result.to_dict()["workloads"][0]["pending"] == 1
    assert result.to_dict()["daemonsets"] == [{"namespace": "ns", "name": "agent", "nodepools": ["general"]}]
    # A DaemonSet that selects other instance types adds nothing here.
    elsewhere = daemonset("agent", cpu="200m", nodeSelector={"karpenter.k8s.aws/instance-category": "c"})
    assert run(fleet, [deployment(cpu="1800m"), elsewhere]).to_dict()["workloads"][0]["pending"] == 0


def test_a_daemonset_that_does_not_tolerate_the_taint_adds_nothing() -> None:
    fleet = [node_pool("gpu", types("m7i.large"), taints=[GPU_TAINT])]
    workloads = [deployment(cpu="1800m", tolerations=[{"operator": "Exists"}]), daemonset("agent", cpu="200m")]
    result = run(fleet, workloads).to_dict()
    assert result["workloads"][0]["pending"] == 0 and result["daemonsets"][0]["nodepools"] == []


@pytest.mark.parametrize(
    ("kubelet", "pods_per_node"),
    [
        (None, 29),  # ENI-limited on m7i.large
        ({"maxPods": 10}, 10),
        ({"podsPerCore": 3}, 6),
    ],
)
def test_kubelet_max_pods(kubelet: dict[str, Any] | None, pods_per_node: int) -> None:
    fleet = [node_pool("general", types("m7i.large"))]
    result = run(fleet, [deployment(cpu="1m", memory="1Mi", replicas=60)], [node_class(kubelet=kubelet)])
    nodes = result.to_dict()["nodepools"][0]["nodes"]
    assert nodes[0]["pods"] == pods_per_node


def test_kubelet_reservations_shrink_allocatable() -> None:
    fleet = [node_pool("general", types("m7i.large"))]
    pod = deployment(cpu="1800m")
    assert only(run(fleet, [pod]))["pending"] == 0
    reserved = node_class(kubelet={"kubeReserved": {"cpu": "300m"}})
    assert only(run(fleet, [pod], [reserved]))["pending"] == 1
    system = node_class(kubelet={"systemReserved": {"memory": "6Gi"}})
    assert only(run(fleet, [deployment(memory="1Gi")], [system]))["pending"] == 1
    eviction = node_class(kubelet={"evictionHard": {"memory.available": "50%"}})
    assert only(run(fleet, [deployment(memory="4Gi")], [eviction]))["pending"] == 1


def test_the_root_volume_sets_ephemeral_storage() -> None:
    fleet = [node_pool("general", types("m7i.large"))]
    pod = deployment(extra={"ephemeral-storage": "40Gi"})
    assert only(run(fleet, [pod]))["pending"] == 1
    big = node_class(
        blockDeviceMappings=[{"deviceName": "/dev/xvda", "rootVolume": True, "ebs": {"volumeSize": "100Gi"}}]
    )
    assert only(run(fleet, [pod], [big]))["pending"] == 0


def test_limits_overflow_to_the_next_pool() -> None:
    fleet = [
        node_pool("capped", types("m7i.large"), weight=10, limits={"cpu": "4"}),
        node_pool("spill", types("m7i.large")),
    ]
    workload = only(run(fleet, [deployment(cpu="1500m", replicas=3)]))
    assert workload["placements"] == [{"nodepool": "capped", "pods": 2}, {"nodepool": "spill", "pods": 1}]
    pending = only(run(fleet[:1], [deployment(cpu="1500m", replicas=3)]))
    assert pending["pending"] == 1
    assert pending["reasons"] == {"capped": "all available instance types exceed limits for nodepool"}


def test_preferred_node_affinity_is_honoured_then_relaxed() -> None:
    def prefer(team: str) -> dict[str, Any]:
        term = {"matchExpressions": [{"key": "team", "operator": "In", "values": [team]}]}
        return {
            "nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "preference": term}]}
        }

    fleet = [node_pool("a", weight=10, labels={"team": "a"}), node_pool("b", labels={"team": "b"})]
    assert only(run(fleet, [deployment(affinity=prefer("b"))]))["placements"] == [{"nodepool": "b", "pods": 1}]
    # Nothing offers team=c: the preference is dropped and the heaviest pool takes the pod.
    assert only(run(fleet, [deployment(affinity=prefer("c"))]))["placements"] == [{"nodepool": "a", "pods": 1}]


def test_prefer_no_schedule_is_hard_until_the_last_relaxation() -> None:
    soft = {"key": "spot-only", "value": "true", "effect": "PreferNoSchedule"}
    fleet = [node_pool("soft", weight=10, taints=[soft]), node_pool("plain")]
    assert only(run(fleet, [deployment()]))["placements"] == [{"nodepool": "plain", "pods": 1}]
    workload = only(run(fleet[:1], [deployment()]))
    assert workload["placements"] == [{"nodepool": "soft", "pods": 1}]


def test_pods_join_a_node_opened_in_the_same_batch_whatever_the_weights() -> None:
    # "light" weighs more, but "big" (queued first: more cpu) can only go to "heavy": "small" then joins that node.
    fleet = [
        node_pool("light", types("m7i.xlarge"), weight=50),
        node_pool("heavy", types("m7i.xlarge"), weight=10, labels={"size": "big"}),
    ]
    big = deployment("big", cpu="1", nodeSelector={"size": "big"})
    small = deployment("small", cpu="100m")
    result = run(fleet, [small, big]).to_dict()
    assert result["workloads"][0]["placements"] == [{"nodepool": "heavy", "pods": 1}]
    assert [len(p["nodes"]) for p in result["nodepools"]] == [0, 1]
    alone = only(run(fleet, [small]))
    assert alone["placements"] == [{"nodepool": "light", "pods": 1}]


def test_hostname_anti_affinity_is_one_pod_per_node() -> None:
    anti = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "web"}}}
            ]
        }
    }
    fleet = [node_pool("general", types("m7i.xlarge"))]
    result = run(fleet, [deployment(replicas=3, cpu="100m", affinity=anti)]).to_dict()
    assert [n["pods"] for n in result["nodepools"][0]["nodes"]] == [1, 1, 1]
    packed = run(fleet, [deployment(replicas=3, cpu="100m")]).to_dict()
    assert [n["pods"] for n in packed["nodepools"][0]["nodes"]] == [3]
    # Room for two nodes only: the third pod may not join either of them, and stays pending.
    capped = [node_pool("general", types("m7i.xlarge"), limits={"cpu": "8"})]
    workload = only(run(capped, [deployment(replicas=3, cpu="100m", affinity=anti)]))
    assert workload["placements"] == [{"nodepool": "general", "pods": 2}] and workload["pending"] == 1
    assert workload["reasons"] == {"general": "all available instance types exceed limits for nodepool"}
    assert only(run(capped, [deployment(replicas=3, cpu="100m")]))["pending"] == 0


def test_zonal_spread_with_do_not_schedule() -> None:
    spread = [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": "web"}},
        }
    ]
    zones = [
        {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["eu-west-1a", "eu-west-1b", "eu-west-1c"]}
    ]
    fleet = [node_pool("general", types("m7i.xlarge") + zones)]
    result = run(fleet, [deployment(replicas=6, cpu="100m", topologySpreadConstraints=spread)]).to_dict()
    assert [n["pods"] for n in result["nodepools"][0]["nodes"]] == [2, 2, 2]
    # Zone a's pool is capped at one node: zone b may not run more than one pod ahead of it.
    capped = node_pool(
        "zone-a", [*types("m7i.xlarge"), {**zones[0], "values": ["eu-west-1a"]}], weight=10, limits={"cpu": "4"}
    )
    other = node_pool("zone-b", [*types("m7i.xlarge"), {**zones[0], "values": ["eu-west-1b"]}])
    pending = only(run([capped, other], [deployment(replicas=4, cpu="3", topologySpreadConstraints=spread)]))
    assert pending["placements"] == [{"nodepool": "zone-a", "pods": 1}, {"nodepool": "zone-b", "pods": 2}]
    assert pending["pending"] == 1
    assert pending["reasons"]["zone-b"].startswith("unsatisfiable topology constraint")


def test_spot_and_on_demand_launches_spot_and_cost_is_on_demand() -> None:
    capacity = [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand", "spot"]}]
    result = run([node_pool("general", types("m7i.large") + capacity)], [deployment()]).to_dict()
    assert result["nodepools"][0]["nodes"] == [{"instance_type": "m7i.large", "capacity_type": "spot", "pods": 1}]
    assert result["hourly_cost_on_demand"] == 0.1008


def test_min_values_is_strict() -> None:
    floor = [{"key": "node.kubernetes.io/instance-type", "operator": "Exists", "minValues": 2}]
    fleet = [node_pool("general", types("m7i.large", "m7i.xlarge") + floor)]
    assert only(run(fleet, [deployment(cpu="1")]))["pending"] == 0
    workload = only(run(fleet, [deployment(cpu="3")]))  # only m7i.xlarge fits: one type, two required
    assert workload["pending"] == 1 and workload["reasons"]["general"].startswith("minValues requirement is not met")
