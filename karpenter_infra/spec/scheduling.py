"""Where pods may land: taints, raw requirements and the capacity-spread label."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from karpenter_infra.karpenter import patterns as p
from karpenter_infra.karpenter.patterns import Operator, TaintEffect
from karpenter_infra.spec.base import Spec

__all__ = [
    "CapacitySpread",
    "LabelValue",
    "Operator",
    "Requirement",
    "Taint",
    "TaintEffect",
    "ZoneName",
    "capacity_spread_constraint",
]


class Taint(Spec):
    key: str = Field(description="Taint key, e.g. `nvidia.com/gpu`.")
    value: str | None = Field(default=None, description="Taint value; omitted when `None`.")
    effect: TaintEffect = Field(
        default=TaintEffect.NO_SCHEDULE, description="`NoSchedule`, `PreferNoSchedule`, `NoExecute`."
    )


#: The CRD leaves requirement values unchecked (its pattern sits on the array), but Karpenter refuses them at run
#: time and leaves the NodePool not ready: so they are checked here, as the label values they become.
LabelValue = Annotated[str, StringConstraints(pattern=p.LABEL_VALUE_PATTERN, max_length=p.LABEL_VALUE_MAX_LENGTH)]
#: A zone name is a label value that is never empty: ``topology.kubernetes.io/zone In [""]`` matches no node, so
#: such a pool could never launch.
ZoneName = Annotated[
    str, StringConstraints(min_length=1, pattern=p.LABEL_VALUE_PATTERN, max_length=p.LABEL_VALUE_MAX_LENGTH)
]


class Requirement(Spec):
    """A raw NodePool requirement, for what the instance model does not cover."""

    key: str = Field(description="Label key, e.g. `karpenter.k8s.aws/instance-local-nvme`.")
    operator: Operator = Field(description="`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`, `Gte`, `Lte`.")
    values: list[LabelValue] = Field(default_factory=list, description="Values; strings, as Kubernetes labels are.")
    min_values: int | None = Field(default=None, ge=1, le=50, description="Minimum distinct values to keep open.")


class CapacitySpread(Spec):
    """A range of values of the capacity-spread label; see ``capacity_spread_constraint``."""

    start: int = Field(ge=1, le=1000, description="First value of the range (inclusive).")
    end: int = Field(ge=1, le=1000, description="Last value of the range (inclusive).")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start > self.end:
            raise ValueError(f"start ({self.start}) must not be greater than end ({self.end})")
        if self.end - self.start >= 63:
            # A requirement's values list is bounded by what Karpenter will track per node, keep it small.
            raise ValueError("a range may hold at most 63 values")
        return self

    @property
    def values(self) -> list[str]:
        return [str(i) for i in range(self.start, self.end + 1)]


def capacity_spread_constraint(
    match_labels: dict[str, str],
    *,
    label_key: str = "capacity-spread",
    max_skew: int = 1,
    when_unsatisfiable: str = "DoNotSchedule",
) -> dict[str, object]:
    """The ``topologySpreadConstraints`` entry a workload adds to spread over the capacity-spread label.

    Each value of the label is one topology domain, so a spot pool that owns values 1..5 and an on-demand pool that
    owns 6 hold five domains to one: with ``max_skew=1`` replicas land on spot and on-demand in a 5:1 ratio.
    """
    return {
        "maxSkew": max_skew,
        "topologyKey": label_key,
        "whenUnsatisfiable": when_unsatisfiable,
        "labelSelector": {"matchLabels": dict(sorted(match_labels.items()))},
    }
