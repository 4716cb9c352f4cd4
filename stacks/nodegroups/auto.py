"""auto: the dev node groups on EKS Auto Mode, changed only where Auto Mode cannot express a dev setting.

AWS owns the node: its AMI, user data and kubelet. So the defaults drop dev's `ami_version`, `kubelet`,
`user_data_template` and `user_data_values` (the fleet build would refuse each, naming it), and a node lives at most
21 days there, so `jobs`'s `expire_after="Never"` becomes that maximum. Everything else, block devices, off-hours,
headroom and capacity spreads included, is dev's list as it is.
"""

from karpenter_infra import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.automode import AutoModeNodeClass
from stacks.nodegroups import dev

#: Settings of dev's defaults that reach into the node, which AWS configures on Auto Mode.
_NODE_INTERNALS = {"ami_version", "kubelet", "user_data", "user_data_template", "user_data_values"}

DEFAULTS = NodeGroupDefaults.model_validate(
    {
        **dev.DEFAULTS.model_dump(exclude_none=True, exclude=_NODE_INTERNALS),
        "cluster_name": "karpenter-auto",
        "node_tags": {**(dev.DEFAULTS.node_tags or {}), "environment": "auto"},
        # Auto Mode's own: record network policy decisions, so a DefaultDeny rollout can be prepared from logs.
        "auto_mode": AutoModeNodeClass(network_policy_event_logs="Enabled"),
    }
)


def _on_auto_mode(group: NodeGroup) -> NodeGroup:
    if group.expire_after == "Never":
        return group.model_copy(update={"expire_after": "504h"})
    return group


NODEGROUPS = [_on_auto_mode(group) for group in dev.NODEGROUPS]
