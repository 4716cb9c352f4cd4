"""What a node group may launch: the instance shape half of a NodePool's requirements."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from karpenter_infra.spec.base import Spec


class Architecture(StrEnum):
    AMD64 = "amd64"
    ARM64 = "arm64"
    MULTIARCH = "multiarch"

    @property
    def kubernetes_values(self) -> list[str]:
        """The ``kubernetes.io/arch`` values one NodePool of this architecture admits."""
        return ["amd64", "arm64"] if self is Architecture.MULTIARCH else [self.value]


class CapacityType(StrEnum):
    SPOT = "spot"
    ON_DEMAND = "on-demand"
    RESERVED = "reserved"


class OperatingSystem(StrEnum):
    LINUX = "linux"
    WINDOWS = "windows"


LowerToken = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=63)]

#: Short names users may give ``min_values`` instead of the full well-known label.
MIN_VALUES_KEYS: dict[str, str] = {
    "instance-category": "karpenter.k8s.aws/instance-category",
    "instance-family": "karpenter.k8s.aws/instance-family",
    "instance-generation": "karpenter.k8s.aws/instance-generation",
    "instance-size": "karpenter.k8s.aws/instance-size",
    "instance-type": "node.kubernetes.io/instance-type",
    "instance-cpu": "karpenter.k8s.aws/instance-cpu",
    "zone": "topology.kubernetes.io/zone",
}


class Instances(Spec):
    """Instance shape. Every key is optional; a group's keys override the defaults' one by one."""

    categories: list[LowerToken] | None = Field(
        default=None,
        description="Instance categories (`c`, `m`, `r`, `g`, ...): `karpenter.k8s.aws/instance-category`.",
    )
    min_generation: int | None = Field(
        default=None,
        ge=1,
        le=99,
        description="Lowest instance generation; N renders `instance-generation Gt N-1`.",
    )
    cores: list[Annotated[int, Field(ge=1, le=1024)]] | None = Field(
        default=None, description="Allowed vCPU counts: `karpenter.k8s.aws/instance-cpu In [...]`."
    )
    architecture: Architecture | None = Field(
        default=None, description="`amd64`, `arm64`, or `multiarch` (one NodePool that admits both)."
    )
    capacity_types: list[CapacityType] | None = Field(
        default=None, description="`spot`, `on-demand` and/or `reserved`: `karpenter.sh/capacity-type`."
    )
    operating_systems: list[OperatingSystem] | None = Field(
        default=None, description="`linux` and/or `windows`: `kubernetes.io/os`."
    )
    cpu_manufacturers: list[LowerToken] | None = Field(
        default=None, description="`intel`, `amd`, `aws`: `karpenter.k8s.aws/instance-cpu-manufacturer`."
    )
    families: list[LowerToken] | None = Field(
        default=None,
        description="Instance families to launch (`m7i`, `c7g`): `karpenter.k8s.aws/instance-family In [...]`.",
    )
    sizes: list[LowerToken] | None = Field(
        default=None,
        description="Instance sizes to launch (`large`, `2xlarge`): `karpenter.k8s.aws/instance-size In [...]`.",
    )
    hypervisors: list[LowerToken] | None = Field(
        default=None,
        description="Hypervisors (`nitro`, `xen`): `karpenter.k8s.aws/instance-hypervisor In [...]`.",
    )
    instance_types: list[LowerToken] | None = Field(
        default=None,
        description="Explicit instance types. When set, they replace the category, generation, core, CPU "
        "manufacturer, family, size and hypervisor requirements; the exclusions still apply.",
    )
    exclude_families: list[LowerToken] | None = Field(
        default=None,
        description="Instance families never to launch (`t3`, `a1`): `instance-family NotIn [...]`.",
    )
    exclude_sizes: list[LowerToken] | None = Field(
        default=None,
        description="Instance sizes never to launch (`metal`, `nano`): `instance-size NotIn [...]`.",
    )
    min_values: dict[str, Annotated[int, Field(ge=1, le=50)]] | None = Field(
        default=None,
        description="Flexibility floor per requirement key, e.g. `{'instance-family': 5}` for spot. Keys are full "
        f"label keys or one of {sorted(MIN_VALUES_KEYS)}.",
    )

    @field_validator("min_values")
    @classmethod
    def _full_keys(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        if value is None:
            return None
        return {MIN_VALUES_KEYS.get(key, key): floor for key, floor in value.items()}
