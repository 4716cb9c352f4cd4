"""A typed mirror of the Karpenter v1.14 CRDs (NodePool, EC2NodeClass), and the check every manifest passes."""

from karpenter_infra.karpenter.ec2nodeclass import EC2NodeClass
from karpenter_infra.karpenter.nodepool import NodePool
from karpenter_infra.karpenter.validate import ManifestError, validate_manifest

__all__ = ["EC2NodeClass", "ManifestError", "NodePool", "validate_manifest"]
