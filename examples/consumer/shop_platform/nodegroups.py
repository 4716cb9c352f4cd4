"""Web on spot with an on-demand twin (4:1) across three zones, batch on Graviton, scaled to zero at night."""

from karpenter_infra import CapacitySpread, Instances, NodeGroup, NodeGroupDefaults, OffHours, Taint

DEFAULTS = NodeGroupDefaults(
    cluster_name="shop-prod",
    availability_zones=["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    instances=Instances(categories=["c", "m"], min_generation=6, cores=[2, 4, 8], capacity_types=["spot"]),
    ami_version="v20251016",
    limits={"cpu": 400, "memory": "1600Gi"},
)
NODEGROUPS = [
    NodeGroup(name="web", weight=50, capacity_spread=CapacitySpread(start=1, end=4)),
    NodeGroup(
        name="web-od",
        group_label="web",
        node_class="web",
        weight=50,
        instances=Instances(capacity_types=["on-demand"]),
        capacity_spread=CapacitySpread(start=5, end=5),
    ),
    NodeGroup(
        name="batch",
        instances=Instances(architecture="arm64", capacity_types=["spot"]),
        taints=[Taint(key="workload", value="batch")],
        off_hours=OffHours(down="0 20 * * 1-5", up="0 6 * * 1-5", timezone="Europe/Berlin"),
    ),
]
