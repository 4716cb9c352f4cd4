"""Host the karpenter-infra components for other Pulumi languages (schema inferred from karpenter_infra.multilang)."""

from pulumi.provider.experimental import component_provider_host

from karpenter_infra.multilang import COMPONENTS

if __name__ == "__main__":
    component_provider_host(components=COMPONENTS, name="karpenter-infra", namespace="karpenter-infra")
