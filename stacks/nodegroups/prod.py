"""prod: on-demand where it matters, pinned AMIs, three zones, honest limits everywhere, warmer headroom."""

from karpenter_infra import (
    BlockDevice,
    Budget,
    CapacitySpread,
    Headroom,
    Instances,
    NodeGroup,
    NodeGroupDefaults,
    Taint,
)
from stacks.nodegroups.common import GPU_TYPES, KUBELET, USER_DATA

#: Pinned: a new AMI reaches prod only when someone bumps this line (and the preview shows the drift).
AMI_VERSION = "v20251016"

DEFAULTS = NodeGroupDefaults(
    cluster_name="karpenter-prod",
    availability_zones=["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    instances=Instances(
        categories=["c", "m", "r"],
        min_generation=6,
        architecture="amd64",
        capacity_types=["spot"],
        exclude_families=["c6in", "m6in", "r6in"],
        exclude_sizes=["metal", "metal-24xl", "metal-48xl"],
        # Spot needs room to move: never fewer than 5 families open, or interruptions cluster.
        min_values={"instance-family": 5},
    ),
    ami_version=AMI_VERSION,
    kubelet=KUBELET,
    user_data_template=USER_DATA,
    user_data_values={"registry_pull_qps": 20, "shutdown_grace_period": "45s"},
    node_tags={"environment": "prod", "team": "platform"},
    limits={"cpu": 2000, "memory": "8000Gi"},
    consolidate_after="5m",
    termination_grace_period="2h",
    detailed_monitoring=True,
    budgets=[
        Budget(nodes="10%"),
        # Business hours: no voluntary disruption at all except emptied nodes.
        Budget(nodes="0", schedule="0 7 * * mon-fri", duration="12h", reasons=["Drifted", "Underutilized"]),
    ],
)

NODEGROUPS = [
    NodeGroup(
        name="default",
        capacity_spread=CapacitySpread(start=1, end=5),
        weight=50,
        headroom=[Headroom(size="medium", count=2), Headroom(size="xlarge", count=1)],
    ),
    NodeGroup(
        name="default-od",
        group_label="default",
        node_class="default",
        instances=Instances(capacity_types=["on-demand"], min_values={}),
        capacity_spread=CapacitySpread(start=6, end=6),
        weight=40,
    ),
    NodeGroup(
        name="workers",
        instances=Instances(categories=["c"], cores=[8, 16, 32]),
        auto_taint=True,
        weight=30,
        limits={"cpu": 1000, "memory": "4000Gi"},
    ),
    NodeGroup(
        name="workers-memory",
        group_label="workers",
        node_class="workers",
        # Memory-optimised after compute-optimised: other shapes than its twin `workers`, by design.
        catalog_warnings_off=["twin-shapes"],
        instances=Instances(categories=["r"], cores=[8, 16, 32]),
        auto_taint=True,
        weight=20,
        limits={"cpu": 500, "memory": "4000Gi"},
    ),
    NodeGroup(
        name="jobs",
        instances=Instances(capacity_types=["on-demand"], categories=["c", "m"], min_values={}),
        auto_taint=True,
        consolidation_policy="WhenEmpty",
        consolidate_after="10m",
        expire_after="Never",
        limits={"cpu": 400, "memory": "1600Gi"},
        block_device_mappings=[
            BlockDevice(device_name="/dev/xvda", volume_size=1000, volume_type="gp3", iops=10000, throughput=1000)
        ],
    ),
    NodeGroup(
        name="ingress",
        instances=Instances(architecture="multiarch", capacity_types=["on-demand"], categories=["c"], min_values={}),
        auto_taint=True,
        labels={"ingress": "true"},
        limits={"cpu": 200, "memory": "400Gi"},
    ),
    NodeGroup(
        name="graviton",
        instances=Instances(architecture="arm64", cpu_manufacturers=["aws"], min_generation=7),
        weight=60,
    ),
    NodeGroup(
        name="gpu",
        instances=Instances(instance_types=GPU_TYPES, capacity_types=["on-demand"], min_values={}),
        taints=[Taint(key="nvidia.com/gpu", value="true", effect="NoSchedule")],
        limits={"nvidia.com/gpu": 16, "cpu": 256, "memory": "1024Gi"},
        block_device_mappings=[BlockDevice(device_name="/dev/xvda", volume_size=200)],
    ),
    NodeGroup(
        name="network",
        cilium=True,
        auto_taint=True,
        instances=Instances(categories=["c"], capacity_types=["on-demand"], min_values={}),
        limits={"cpu": 100, "memory": "200Gi"},
    ),
]
