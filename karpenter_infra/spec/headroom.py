"""Headroom: low-priority pause pods that hold spare nodes warm, evicted the moment real work needs the room."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from karpenter_infra.spec.base import Spec


class HeadroomSize(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    XLARGE = "xlarge"


#: CPU and memory one placeholder pod of each size requests.
HEADROOM_SIZES: dict[HeadroomSize, tuple[str, str]] = {
    HeadroomSize.SMALL: ("1", "4Gi"),
    HeadroomSize.MEDIUM: ("2", "8Gi"),
    HeadroomSize.LARGE: ("4", "16Gi"),
    HeadroomSize.XLARGE: ("8", "32Gi"),
}


class SelectorOperator(StrEnum):
    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"


class LabelSelectorRequirement(Spec):
    """One ``matchExpressions`` entry of a pod label selector, as Kubernetes defines it."""

    key: str = Field(min_length=1, description="Pod label key.")
    operator: SelectorOperator = Field(description="`In`, `NotIn`, `Exists` or `DoesNotExist`.")
    values: list[str] | None = Field(
        default=None, description="Values for `In` and `NotIn`; none for `Exists` and `DoesNotExist`."
    )

    @model_validator(mode="after")
    def _values_fit_operator(self) -> Self:
        # apimachinery ValidateLabelSelectorRequirement: In/NotIn need values, Exists/DoesNotExist take none.
        if self.operator in (SelectorOperator.IN, SelectorOperator.NOT_IN) and not self.values:
            raise ValueError(f"{self.operator} needs at least one value")
        if self.operator in (SelectorOperator.EXISTS, SelectorOperator.DOES_NOT_EXIST) and self.values:
            raise ValueError(f"{self.operator} takes no values")
        return self


class PreemptionPolicy(StrEnum):
    NEVER = "Never"
    PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority"


class HeadroomPriorityClass(Spec):
    """The PriorityClass ``karpenter-headroom`` the placeholder pods run at. ``value`` and ``preemption_policy``
    cannot change once it exists (the API refuses the update), so adopting a live one must repeat them."""

    value: int = Field(default=-1_000_000, le=1_000_000_000, description="Priority; below 0 (every default pod).")
    preemption_policy: PreemptionPolicy | None = Field(
        default=PreemptionPolicy.NEVER,
        description="`Never` (placeholders never evict anything); `None` leaves it unset (the API's "
        "`PreemptLowerPriority`). Immutable.",
    )
    description: str | None = Field(
        default="Placeholder pods that keep spare Karpenter capacity warm; evicted first.",
        description="Its description; `None` renders none.",
    )
    labels: dict[str, str] | None = Field(
        default=None, description="Its labels; `None` = the managed-by label, `{}` = none."
    )
    always: bool = Field(
        default=False, description="Render it even when no group has headroom (other workloads use it)."
    )


class Headroom(Spec):
    """``count`` placeholder pods of one size, one per node, on the group's NodePool."""

    size: HeadroomSize | None = Field(
        default=None,
        description="small/medium/large/xlarge = 1/2/4/8 CPU and 4/8/16/32 GiB; or set cpu and memory.",
    )
    cpu: str | None = Field(default=None, pattern=r"^[0-9]+(\.[0-9]+|m)?$", description="Explicit CPU (`1500m`).")
    memory: str | None = Field(default=None, pattern=r"^[0-9]+(Mi|Gi)$", description="Explicit memory (`6Gi`).")
    count: int = Field(default=1, ge=1, le=1000, description="How many placeholder pods (= warm nodes, at most).")
    anti_affinity_labels: dict[str, str] | None = Field(
        default=None,
        description="Also keep away from nodes running pods with these labels (so headroom does not sit next to them).",
    )
    anti_affinity_namespaces: list[str] | None = Field(
        default=None, description="Namespaces the anti-affinity labels are matched in (default: all)."
    )
    selector_labels: dict[str, str] | None = Field(
        default=None,
        description="Labels of the placeholder pods, which the Deployment selects (immutable once it exists); "
        "default `karpenter-infra/headroom: <Deployment name>`.",
    )
    labels: dict[str, str] | None = Field(
        default=None,
        description="Labels of the Deployment itself; default the managed-by and group labels and `selector_labels`.",
    )
    hardened: bool = Field(
        default=True,
        description="Limits equal to requests, no service account token, no grace period, a non-root read-only "
        "container; `False` renders requests only (what the karpenter_nodes chart renders).",
    )
    spread_expressions: list[LabelSelectorRequirement] | None = Field(
        default=None,
        description="`None`: the one-placeholder-per-node term selects the placeholders by `matchLabels`; a list: "
        "by `matchExpressions`, the selector labels as `In` followed by these (the chart's `antiAffinitySpec`).",
    )
    spread_namespaces: list[str] | None = Field(
        default=None, description="`namespaces` of the one-placeholder-per-node term; `None` renders none."
    )

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        explicit = self.cpu is not None or self.memory is not None
        if self.size is not None and explicit:
            raise ValueError("set either size or cpu and memory, not both")
        if self.size is None and (self.cpu is None or self.memory is None):
            raise ValueError("set size, or both cpu and memory")
        if self.anti_affinity_namespaces is not None and self.anti_affinity_labels is None:
            raise ValueError("anti_affinity_namespaces needs anti_affinity_labels")
        return self

    @property
    def resources(self) -> tuple[str, str]:
        if self.size is not None:
            return HEADROOM_SIZES[HeadroomSize(self.size)]
        assert self.cpu is not None and self.memory is not None
        return self.cpu, self.memory

    @property
    def key(self) -> str:
        """Names the entry's Deployment: from its shape, never from its list position."""
        if self.size is not None:
            return str(self.size)
        cpu, memory = self.resources
        return f"{cpu}cpu-{memory}".replace(".", "p").lower()
