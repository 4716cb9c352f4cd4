"""Migration from the ``karpenter_nodes`` Helm chart: its values files in, a typed nodegroup list out."""
