"""Requirements against the model: raw terms and labels may not quietly undo what a modelled field says.

A template label becomes a single-value requirement (Karpenter's ``NodeClaimTemplate`` adds labels to the
requirements), so ``kubernetes.io/arch: arm64`` on an amd64 pool leaves no instance type: nothing launches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from karpenter_infra.rules.names import (
    SET_BY_KARPENTER,
    WELL_KNOWN_LABELS,
    qualified_name_problem,
    restricted_label_problem,
)
from karpenter_infra.scheduling import labels as wk
from karpenter_infra.scheduling.labels import NORMALIZED_LABELS
from karpenter_infra.scheduling.requirement import Requirement as SchedulingRequirement
from karpenter_infra.scheduling.requirement import RequirementError
from karpenter_infra.suggest import did_you_mean

if TYPE_CHECKING:
    from karpenter_infra.spec.resolved import ResolvedNodeGroup
    from karpenter_infra.spec.scheduling import Requirement

Issues = list[tuple[str, str]]


def min_values_problems(min_values: Mapping[str, int], short_keys: Mapping[str, str]) -> Issues:
    """Keys arrive with short names already expanded; what is left without a domain, or is a near miss of a
    well-known key, would become an ``Exists`` on a label no node has."""
    found: Issues = []
    for key in min_values:
        if "/" not in key:
            hint = did_you_mean(key.replace("_", "-"), short_keys) or did_you_mean(key, short_keys)
            found.append((f"instances.min_values[{key!r}]", f"not a label key nor one of {sorted(short_keys)}{hint}"))
        elif restricted_label_problem(key) is not None:
            hint = did_you_mean(key.replace("_", "-"), WELL_KNOWN_LABELS)
            found.append((f"instances.min_values[{key!r}]", f"not a well-known label{hint}"))
    return found


#: ``WellKnownValuesForRequirements`` (core ``pkg/apis/v1/labels.go``, tenancy added by the provider's
#: ``pkg/apis/v1/labels.go`` ``init`` from EC2's ``Tenancy`` enum): keys whose every valid value is known.
WELL_KNOWN_VALUES: dict[str, frozenset[str]] = {
    "karpenter.sh/capacity-type": frozenset({"on-demand", "spot", "reserved"}),
    "karpenter.k8s.aws/instance-tenancy": frozenset({"default", "dedicated"}),
}


def raw_requirement_problems(terms: Sequence[Requirement]) -> Issues:
    """What ``NodePool.RuntimeValidate`` refuses in a requirement (core ``pkg/apis/v1/nodeclaim_validation.go``
    ``ValidateRequirement``): a key that is no qualified name or is restricted (``IsRestrictedLabel``, after
    ``NormalizedLabels``), and an ``In`` on a key with well-known values that names none of them, or fewer valid
    ones than ``minValues`` (``validateWellKnownValues``). The controller marks such a pool not ready."""
    found: Issues = []
    for index, term in enumerate(terms):
        key = NORMALIZED_LABELS.get(term.key, term.key)
        if problem := qualified_name_problem(term.key) or restricted_label_problem(key):
            found.append((f"additional_requirements[{index}].key", problem))
            continue
        known = WELL_KNOWN_VALUES.get(key)
        if known is None or str(term.operator) != "In" or not term.values:
            continue  # an ``In`` without values is the CRD's refusal (``IN_NEEDS_VALUES``), reported once, there
        valid = [v for v in term.values if v in known]
        if not valid:
            found.append(
                (
                    f"additional_requirements[{index}].values",
                    f"{key} In {list(term.values)} names none of its values ({', '.join(sorted(known))})"
                    + did_you_mean(term.values[0], known),
                )
            )
        elif term.min_values is not None and len(valid) < term.min_values:
            found.append(
                (
                    f"additional_requirements[{index}].min_values",
                    f"{term.min_values} distinct values, but only {len(valid)} of {list(term.values)} are valid "
                    f"{key} values ({', '.join(sorted(known))})",
                )
            )
    return found


#: The label keys a modelled field renders a requirement for; anything else is the user's own.
MODELLED_KEYS = frozenset(
    {
        wk.ARCH,
        wk.OS,
        wk.CAPACITY_TYPE,
        wk.ZONE,
        wk.INSTANCE_TYPE,
    }
)


def model_problems(group: ResolvedNodeGroup) -> Issues:
    """Cheap for the common group, which has neither raw terms nor labels on a modelled key."""
    if not group.additional_requirements and MODELLED_KEYS.isdisjoint(group.labels):
        return []
    return label_contradictions(group) + requirement_problems(group, group.additional_requirements)


def modelled(group: ResolvedNodeGroup) -> dict[str, tuple[str, frozenset[str]]]:
    """Label key -> (the field that models it, the values it admits)."""
    inst = group.instances
    found = {
        "kubernetes.io/arch": ("instances.architecture", frozenset(inst.architecture.kubernetes_values)),
        "kubernetes.io/os": ("instances.operating_systems", frozenset(inst.operating_systems)),
        "karpenter.sh/capacity-type": ("instances.capacity_types", frozenset(inst.capacity_types)),
    }
    if group.availability_zones:
        found["topology.kubernetes.io/zone"] = ("availability_zones", frozenset(group.availability_zones))
    if inst.instance_types:
        found["node.kubernetes.io/instance-type"] = ("instances.instance_types", frozenset(inst.instance_types))
    return found


def _admitted(term: Requirement, values: frozenset[str]) -> frozenset[str]:
    """The modelled values the raw term still admits, by the one algebra (``scheduling.Requirement.has``); a term
    the algebra cannot read (a ``Gt`` without an integer) is left to the CRD's own check."""
    try:
        requirement = SchedulingRequirement.of(term.key, str(term.operator), list(term.values))
    except RequirementError:
        return values
    return frozenset(v for v in values if requirement.has(v))


def requirement_problems(group: ResolvedNodeGroup, terms: Sequence[Requirement]) -> Issues:
    model = modelled(group)
    found: Issues = []
    for index, term in enumerate(terms):
        if term.key in SET_BY_KARPENTER:
            found.append(
                (
                    f"additional_requirements[{index}]",
                    f"{term.key} is set by Karpenter; RuntimeValidate refuses it here",
                )
            )
        if term.key not in model:
            continue
        field, values = model[term.key]
        if _admitted(term, values) != values:
            found.append(
                (
                    f"additional_requirements[{index}]",
                    f"{term.key} {term.operator} {list(term.values)} contradicts {field} {sorted(values)}; "
                    f"set {field} instead",
                )
            )
    return found


def label_contradictions(group: ResolvedNodeGroup) -> Issues:
    model = modelled(group)
    found: Issues = []
    for key, value in group.labels.items():
        if key in model and value not in model[key][1]:
            field, values = model[key]
            found.append((f"labels[{key!r}]", f"{value!r} contradicts {field} {sorted(values)}: no node can match"))
    return found
