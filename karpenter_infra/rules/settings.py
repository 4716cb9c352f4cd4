"""The rules of one layer of settings (a group's or the defaults'), as the user wrote them, before any merge.

``check_settings`` returns ``(field, problem)`` pairs; the model hook turns them into one ``SpecError`` naming the
group (or ``defaults``) and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from karpenter_infra.rules.durations import duration_or_never_problem, duration_problem, parse_go_duration
from karpenter_infra.rules.ebs import device_name_problems
from karpenter_infra.rules.names import label_problem, label_value_problem, qualified_name_problem
from karpenter_infra.rules.nodeclass import nested_problems
from karpenter_infra.rules.quantities import limit_problem, resource_name_problem
from karpenter_infra.rules.requirements import (
    WELL_KNOWN_VALUES,
    min_values_problems,
    raw_requirement_problems,
    value_problem,
)
from karpenter_infra.rules.tags import role_name_problem, tag_problem
from karpenter_infra.rules.zones import zones_problem
from karpenter_infra.spec.instances import MIN_VALUES_KEYS
from karpenter_infra.suggest import did_you_mean

if TYPE_CHECKING:
    from karpenter_infra.spec.scheduling import Taint
    from karpenter_infra.spec.settings import NodeGroupSettings

Issues = list[tuple[str, str]]


def _labels(labels: Mapping[str, str]) -> Issues:
    # A template label becomes a requirement (core NodeClaimTemplate, NewLabelRequirements): a value no instance
    # type can carry leaves the pool nothing to launch.
    return [
        (f"labels[{key!r}]", p)
        for key, value in labels.items()
        if (p := label_problem(key, value) or _never_matches(key, value))
    ]


def _never_matches(key: str, value: str) -> str | None:
    known = WELL_KNOWN_VALUES.get(key)
    if known is not None and value not in known:
        shown = ", ".join(repr(v) for v in sorted(known))
        return (
            f"{value!r} is none of {key}'s values ({shown}){did_you_mean(value, known)}: the label becomes a "
            "requirement no instance type meets"
        )
    return value_problem(key, [value])


def _annotations(annotations: Mapping[str, str]) -> Issues:
    return [(f"annotations[{key!r}]", p) for key in annotations if (p := qualified_name_problem(key))]


def _taints(field: str, taints: Sequence[Taint]) -> Issues:
    found: Issues = []
    for index, taint in enumerate(taints):
        problem = qualified_name_problem(taint.key) or (
            label_value_problem(taint.value) if taint.value is not None else None
        )
        if problem:
            found.append((f"{field}[{index}]", problem))
    return found


def _limits(limits: Mapping[str, str]) -> Issues:
    return [
        (f"limits[{name!r}]", p)
        for name, value in limits.items()
        if (p := resource_name_problem(name) or limit_problem(name, value))
    ]


def _selector_lists(settings: NodeGroupSettings) -> Issues:
    found: Issues = []
    for field, terms in (
        ("subnet_selector_terms", settings.subnet_selector_terms),
        ("security_group_selector_terms", settings.security_group_selector_terms),
        ("ami_selector_terms", settings.ami_selector_terms),
    ):
        if terms == []:
            found.append(
                (field, "[] selects nothing and Karpenter needs at least one term; leave it unset for the default")
            )
    # The CRD's alias rule ('^[a-zA-Z0-9]+@.+$') admits a second '@', but the controller exits on it: provider
    # pkg/apis/v1/ec2nodeclass.go amiFamilyFromAlias and amiVersionFromAlias call log.Fatalf unless split('@')
    # gives exactly two parts (found by make conformance, whose Go oracle died on 'al2@@').
    for index, term in enumerate(settings.ami_selector_terms or ()):
        if term.alias is not None and term.alias.count("@") > 1:
            found.append(
                (
                    f"ami_selector_terms[{index}].alias",
                    f"{term.alias!r} has more than one '@': Karpenter's controller exits on it (amiFamilyFromAlias "
                    "splits family@version at every '@')",
                )
            )
    return found


def _disruption(settings: NodeGroupSettings) -> Issues:
    found: Issues = []
    for field, value in (("consolidate_after", settings.consolidate_after), ("expire_after", settings.expire_after)):
        if value is not None and (problem := duration_or_never_problem(value)):
            found.append((field, problem))
    if settings.termination_grace_period is not None and (p := duration_problem(settings.termination_grace_period)):
        found.append(("termination_grace_period", p))
    expire = settings.expire_after
    if expire is not None and expire != "Never" and not found and parse_go_duration(expire) == 0:
        found.append(("expire_after", "0s replaces every node the moment it starts; use a real age or 'Never'"))
    return found


def check_settings(settings: NodeGroupSettings) -> Issues:
    found: Issues = []
    if settings.labels:
        found += _labels(settings.labels)
    if settings.annotations:
        found += _annotations(settings.annotations)
    if settings.taints:
        found += _taints("taints", settings.taints)
    if settings.startup_taints:
        found += _taints("startup_taints", settings.startup_taints)
    if settings.node_tags:
        found += [(f"node_tags[{k!r}]", p) for k, v in settings.node_tags.items() if (p := tag_problem(k, v))]
    if settings.limits:
        found += _limits(settings.limits)
    if settings.availability_zones and (problem := zones_problem(tuple(settings.availability_zones))):
        found.append(("availability_zones", problem))
    found += _selector_lists(settings)
    if settings.expire_after or settings.consolidate_after or settings.termination_grace_period:
        found += _disruption(settings)
    if settings.role is not None and (problem := role_name_problem(settings.role)):
        found.append(("role", problem))
    if settings.ami_version is not None and settings.ami_selector_terms is not None:
        found.append(
            ("ami_version", "set ami_version or ami_selector_terms, not both: explicit terms ignore the version")
        )
    if settings.block_device_mappings:
        found += [
            (f"block_device_mappings[{i}].device_name", p)
            for i, p in device_name_problems(settings.block_device_mappings)
        ]
    found += nested_problems(settings)
    if settings.additional_requirements:
        found += raw_requirement_problems(settings.additional_requirements)
    if settings.instances is not None and settings.instances.min_values:
        found += min_values_problems(settings.instances.min_values, MIN_VALUES_KEYS)
    return found
