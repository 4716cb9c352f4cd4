"""The shop's Karpenter platform: an example of a consumer program built on karpenter-infra's components."""
