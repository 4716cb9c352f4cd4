"""dev: cheap and quick to change. Spot wherever it is safe, AMIs follow `latest`, small limits."""

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
from karpenter_infra.schedule import OffHours
from stacks.nodegroups.common import GPU_TYPES, KUBELET, USER_DATA

#: Nobody works on dev at night or at the weekend: its non-critical groups cost nothing then.
NIGHTS_AND_WEEKENDS = OffHours(down="0 20 * * 1-5", up="0 7 * * 1-5", timezone="Europe/Berlin")

DEFAULTS = NodeGroupDefaults(
    cluster_name="karpenter-dev",
    availability_zones=["eu-west-1a", "eu-west-1b"],
    instances=Instances(
        categories=["c", "m", "r"],
        min_generation=6,
        architecture="amd64",
        capacity_types=["spot"],
        exclude_families=["c6in", "m6in", "r6in"],
        exclude_sizes=["metal", "metal-24xl", "metal-48xl"],
    ),
    ami_version="latest",
    kubelet=KUBELET,
    user_data_template=USER_DATA,
    user_data_values={"registry_pull_qps": 10, "shutdown_grace_period": "30s"},
    node_tags={"environment": "dev", "team": "platform"},
    limits={"cpu": 200, "memory": "800Gi"},
    consolidate_after="1m",
)

NODEGROUPS = [
    # The default pool and its on-demand twin act as one group; a workload that spreads over `capacity-spread`
    # lands 5 replicas on spot for every 1 on on-demand.
    NodeGroup(
        name="default",
        capacity_spread=CapacitySpread(start=1, end=5),
        weight=50,
        headroom=[Headroom(size="small", count=1)],
        budgets=[
            Budget(nodes="10%"),
            # Maintenance window: drift replacements only at night, never during the working day.
            Budget(nodes="0", schedule="0 7 * * mon-fri", duration="12h", reasons=["Drifted"]),
        ],
    ),
    NodeGroup(
        name="default-od",
        group_label="default",
        node_class="default",
        instances=Instances(capacity_types=["on-demand"]),
        capacity_spread=CapacitySpread(start=6, end=6),
        weight=40,
    ),
    # One logical `workers` group over two pools that share one EC2NodeClass: compute-optimised first.
    NodeGroup(
        name="workers",
        off_hours=NIGHTS_AND_WEEKENDS,
        instances=Instances(categories=["c"], cores=[4, 8, 16]),
        auto_taint=True,
        weight=30,
    ),
    NodeGroup(
        name="workers-memory",
        off_hours=NIGHTS_AND_WEEKENDS,
        group_label="workers",
        node_class="workers",
        # Memory-optimised after compute-optimised: other shapes than its twin `workers`, by design.
        catalog_warnings_off=["twin-shapes"],
        instances=Instances(categories=["r"], cores=[4, 8, 16]),
        auto_taint=True,
        weight=20,
    ),
    NodeGroup(
        name="jobs",
        off_hours=NIGHTS_AND_WEEKENDS,
        instances=Instances(capacity_types=["on-demand"], categories=["c", "m"]),
        auto_taint=True,
        consolidation_policy="WhenEmpty",
        consolidate_after="5m",
        expire_after="Never",
        block_device_mappings=[
            BlockDevice(device_name="/dev/xvda", volume_size=500, volume_type="gp3", iops=6000, throughput=500)
        ],
    ),
    NodeGroup(
        name="ingress",
        instances=Instances(architecture="multiarch", capacity_types=["on-demand"], categories=["c"]),
        auto_taint=True,
        labels={"ingress": "true"},
    ),
    NodeGroup(
        name="graviton",
        off_hours=NIGHTS_AND_WEEKENDS,
        instances=Instances(architecture="arm64", cpu_manufacturers=["aws"], min_generation=7),
        weight=60,
    ),
    NodeGroup(
        name="gpu",
        off_hours=NIGHTS_AND_WEEKENDS,
        instances=Instances(instance_types=GPU_TYPES, capacity_types=["on-demand"]),
        taints=[Taint(key="nvidia.com/gpu", value="true", effect="NoSchedule")],
        limits={"nvidia.com/gpu": 4, "cpu": 64, "memory": "256Gi"},
        block_device_mappings=[BlockDevice(device_name="/dev/xvda", volume_size=200)],
    ),
    NodeGroup(
        name="network",
        cilium=True,
        auto_taint=True,
        instances=Instances(categories=["c"], capacity_types=["on-demand"]),
    ),
]
