"""What dev and prod share: the node bootstrap template and kubelet reservations."""

from karpenter_infra import Kubelet

#: AL2023 nodes read a NodeConfig document from user data; Karpenter merges its own settings after this one.
USER_DATA = """\
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="//"

--//
Content-Type: application/node.eks.aws

apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  kubelet:
    config:
      registryPullQPS: {{ values.registry_pull_qps }}
      shutdownGracePeriod: {{ values.shutdown_grace_period }}
    flags:
      - --node-labels=karpenter-infra/group={{ group.group_label }}
--//--
"""

KUBELET = Kubelet(
    system_reserved={"cpu": "100m", "memory": "200Mi", "ephemeral-storage": "1Gi"},
    kube_reserved={"cpu": "200m", "memory": "500Mi", "ephemeral-storage": "3Gi"},
    eviction_hard={"memory.available": "5%", "nodefs.available": "10%"},
    eviction_soft={"memory.available": "10%"},
    eviction_soft_grace_period={"memory.available": "2m"},
    image_gc_high_threshold_percent=85,
    image_gc_low_threshold_percent=70,
)

GPU_TYPES = ["g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g6.xlarge", "g6.2xlarge", "g6.4xlarge"]
