"""A typical AWS-blueprints pair, rebuilt: NodePool `default` on EC2NodeClass `default`, nothing added.

The library's own extras are turned off for the whole fleet: no `-<architecture>` in the names, no group node
label, no library EC2 tags. What is left is what the hand-written pair says (see expected.yaml next to this file).
"""

from karpenter_infra import BlockDevice, Budget, Instances, NodeGroup, NodeGroupDefaults

CLUSTER = "blueprints-demo"

DEFAULTS = NodeGroupDefaults(
    cluster_name=CLUSTER,
    role=f"KarpenterNodeRole-{CLUSTER}",
    architecture_suffix=False,
    group_node_label=False,
    library_tags=False,
)

NODEGROUPS = [
    NodeGroup(
        name="default",
        instances=Instances(categories=["c", "m", "r"], min_generation=3, capacity_types=["spot", "on-demand"]),
        labels={"intent": "apps"},
        limits={"cpu": 1000, "memory": "1000Gi"},
        consolidate_after="1m",
        budgets=[Budget(nodes="10%")],
        ami_version="v20251016",
        block_device_mappings=[
            BlockDevice(device_name="/dev/xvda", volume_size=100, encrypted=True, delete_on_termination=None)
        ],
        node_tags={"KarpenterNodePoolName": "default", "IntentLabel": "apps"},
    ),
]
