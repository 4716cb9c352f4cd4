"""Label keys spelled once, as Karpenter spells them in ``pkg/apis/v1/labels.go`` (core, tag v1.14.1) and the AWS
provider in its own ``pkg/apis/v1/labels.go``. Everything that names a well-known key imports it from here.
"""

from __future__ import annotations

ARCH = "kubernetes.io/arch"
OS = "kubernetes.io/os"
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
REGION = "topology.kubernetes.io/region"
INSTANCE_TYPE = "node.kubernetes.io/instance-type"
WINDOWS_BUILD = "node.kubernetes.io/windows-build"
NODEPOOL = "karpenter.sh/nodepool"
CAPACITY_TYPE = "karpenter.sh/capacity-type"
ZONE_ID = "topology.k8s.aws/zone-id"

_AWS = "karpenter.k8s.aws"
INSTANCE_CATEGORY = f"{_AWS}/instance-category"
INSTANCE_FAMILY = f"{_AWS}/instance-family"
INSTANCE_GENERATION = f"{_AWS}/instance-generation"
INSTANCE_SIZE = f"{_AWS}/instance-size"
INSTANCE_CPU = f"{_AWS}/instance-cpu"
INSTANCE_CPU_MANUFACTURER = f"{_AWS}/instance-cpu-manufacturer"
INSTANCE_MEMORY = f"{_AWS}/instance-memory"
INSTANCE_HYPERVISOR = f"{_AWS}/instance-hypervisor"

#: ``NormalizedLabels``: the beta aliases Karpenter rewrites to the stable key before it compares anything.
NORMALIZED_LABELS: dict[str, str] = {
    "failure-domain.beta.kubernetes.io/zone": ZONE,
    "beta.kubernetes.io/arch": ARCH,
    "beta.kubernetes.io/os": OS,
    "beta.kubernetes.io/instance-type": INSTANCE_TYPE,
    "failure-domain.beta.kubernetes.io/region": REGION,
}

#: ``WellKnownLabels`` (core plus the AWS provider's): keys a NodePool may use although their domain is restricted,
#: and keys a pod may select on that no pool needs to name (Karpenter's ``AllowUndefinedWellKnownLabels``).
WELL_KNOWN_LABELS = frozenset(
    {
        NODEPOOL,
        CAPACITY_TYPE,
        ZONE,
        REGION,
        INSTANCE_TYPE,
        ARCH,
        OS,
        WINDOWS_BUILD,
        ZONE_ID,
        *(
            f"{_AWS}/{name}"
            for name in (
                "capacity-reservation-id",
                "capacity-reservation-type",
                "capacity-reservation-interruptible",
                "instance-hypervisor",
                "instance-encryption-in-transit-supported",
                "instance-category",
                "instance-capability-flex",
                "instance-family",
                "instance-generation",
                "instance-size",
                "instance-local-nvme",
                "instance-cpu",
                "instance-cpu-manufacturer",
                "instance-cpu-sustained-clock-speed-mhz",
                "instance-memory",
                "instance-ebs-bandwidth",
                "instance-network-bandwidth",
                "instance-gpu-name",
                "instance-gpu-manufacturer",
                "instance-gpu-count",
                "instance-gpu-memory",
                "instance-accelerator-name",
                "instance-accelerator-manufacturer",
                "instance-accelerator-count",
                "instance-tenancy",
                "placement-group-id",
                "placement-group-partition",
            )
        ),
    }
)


def normalized(key: str) -> str:
    return NORMALIZED_LABELS.get(key, key)
