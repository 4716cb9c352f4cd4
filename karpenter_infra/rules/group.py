"""Rules that need a group's resolved settings (defaults merged in): run once per group when the fleet is built."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from karpenter_infra.errors import nodegroup_owner
from karpenter_infra.ledger.core import Problem, Severity, Stage, rule
from karpenter_infra.rules.durations import seconds
from karpenter_infra.rules.names import label_value_problem, qualified_name_problem
from karpenter_infra.rules.nodeclass import image_gc_problems
from karpenter_infra.rules.requirements import OFFERING_KEYS, ignored_values, model_problems
from karpenter_infra.rules.tags import tag_count_problem
from karpenter_infra.rules.zones import zones_problem
from karpenter_infra.scheduling.labels import NORMALIZED_LABELS
from karpenter_infra.scheduling.quantity import QuantityError, parse_quantity
from karpenter_infra.spec.resolved import ResolvedNodeGroup

Issues = list[tuple[str, str]]


def _headroom_problems(group: ResolvedNodeGroup) -> Issues:
    if not group.headroom:
        return []
    if group.replicas is not None:
        return [("headroom", "a static pool (replicas) never scales, so headroom pods would only sit pending")]
    found: Issues = []
    for index, entry in enumerate(group.headroom):
        for key, value in (entry.anti_affinity_labels or {}).items():
            # Pod labels in a matchLabels selector: the name rules apply, not the node-label domains.
            if problem := qualified_name_problem(key) or label_value_problem(value):
                found.append((f"headroom[{index}].anti_affinity_labels[{key!r}]", problem))
    totals = {"cpu": Decimal(0), "memory": Decimal(0), "nodes": Decimal(0)}
    for entry in group.headroom:
        cpu, memory = entry.resources
        totals["cpu"] += parse_quantity(cpu) * entry.count
        totals["memory"] += parse_quantity(memory) * entry.count
        totals["nodes"] += entry.count  # one placeholder pod per node (hostname anti-affinity)
    for resource, total in totals.items():
        limit = group.limits.get(resource)
        if limit is None:
            continue
        try:
            ceiling = parse_quantity(limit)
        except QuantityError:
            continue
        if total > ceiling:
            found.append(
                (f"limits[{resource!r}]", f"{limit} is less than the headroom alone needs ({_show(resource, total)})")
            )
    return found


def _show(resource: str, total: Decimal) -> str:
    if resource == "memory":
        return f"{total / Decimal(1024) ** 3:f}Gi"
    return f"{total:f}"


def _problems(group: ResolvedNodeGroup, issues: Issues) -> Iterator[Problem]:
    owner = nodegroup_owner(group.name)
    for field, message in issues:
        yield Problem(owner, field, message)


@rule(
    "requirement-contradicts-field",
    severity=Severity.ERROR,
    stage=Stage.GROUP,
    source="ours: a raw requirement or template label that contradicts a modelled field (Karpenter adds template "
    "labels to the requirements: core pkg/controllers/provisioning/scheduling/nodeclaimtemplate.go "
    "NewNodeClaimTemplate), so no node matches both",
    summary="additional_requirements or template labels that undo instances.*, availability_zones",
)
def requirement_model(group: ResolvedNodeGroup) -> Iterator[Problem]:
    yield from _problems(group, model_problems(group))


@rule(
    "zone-name",
    severity=Severity.ERROR,
    stage=Stage.GROUP,
    source="EC2 zone names (DescribeAvailabilityZones); a zone ID or region matches no offering "
    "(provider pkg/providers/instancetype/offering/base_resolver.go BaseResolver.ResolveOfferings)",
    summary="availability_zones that are not zone names of one region",
)
def zone_names(group: ResolvedNodeGroup) -> Iterator[Problem]:
    if group.availability_zones and (problem := zones_problem(tuple(group.availability_zones))):
        yield Problem(nodegroup_owner(group.name), "availability_zones", problem)


@rule(
    "headroom-fits-limits",
    severity=Severity.ERROR,
    stage=Stage.GROUP,
    source="ours: headroom on a static pool, or more headroom than the group's own limits, can never schedule "
    "(core pkg/controllers/provisioning/scheduling/scheduler.go filterByRemainingResources)",
    summary="headroom on a static pool, headroom over the limits, invalid anti-affinity labels",
)
def headroom(group: ResolvedNodeGroup) -> Iterator[Problem]:
    yield from _problems(group, _headroom_problems(group))


@rule(
    "kubelet-image-gc",
    severity=Severity.ERROR,
    stage=Stage.GROUP,
    source="kubelet config validation (k8s.io/kubernetes pkg/kubelet/apis/config/validation: imageGCLow below "
    "imageGCHigh); checked on the merged kubelet, which the CRD never sees whole",
    summary="image_gc_low_threshold_percent not below image_gc_high_threshold_percent after merging defaults",
)
def kubelet_image_gc(group: ResolvedNodeGroup) -> Iterator[Problem]:
    if group.nodeclass is not None:
        yield from _problems(group, [(f"kubelet.{f}", p) for f, p in image_gc_problems(group.nodeclass.kubelet)])


@rule(
    "ec2-tag-count",
    severity=Severity.ERROR,
    stage=Stage.GROUP,
    source="EC2 allows 50 tags per resource (EC2 User Guide, Tag restrictions); Karpenter adds its own "
    "(provider pkg/utils/utils.go GetTags)",
    summary="more node tags than EC2 allows once Karpenter's and the library's are added",
)
def tag_count(group: ResolvedNodeGroup) -> Iterator[Problem]:
    if group.nodeclass is not None and (problem := tag_count_problem(group.nodeclass.tags, group.cluster_name)):
        yield Problem(nodegroup_owner(group.name), "node_tags", problem)


@rule(
    "expire-before-consolidate",
    severity=Severity.WARNING,
    stage=Stage.GROUP,
    source="core pkg/controllers/nodeclaim/expiration/controller.go Controller.Reconcile (expiration acts "
    "before consolidation)",
    summary="expire_after shorter than consolidate_after: nodes expire before consolidation may act",
)
def expire_before_consolidate(group: ResolvedNodeGroup) -> Iterator[Problem]:
    expire, consolidate = seconds(group.expire_after), seconds(group.consolidate_after)
    if expire is not None and consolidate is not None and consolidate > expire:
        yield Problem(
            nodegroup_owner(group.name),
            "expire_after",
            f"{group.expire_after} is shorter than consolidate_after ({group.consolidate_after}): nodes "
            "expire before consolidation may act on them",
        )


@rule(
    "well-known-value-ignored",
    severity=Severity.WARNING,
    stage=Stage.GROUP,
    source="core pkg/scheduling/requirement.go Requirement.Intersection (a value no instance type carries matches "
    "nothing); the defined values: karpenter/well_known_gen.py DEFINED",
    summary="a requirement value that is none of its well-known key's values, beside valid ones or in a NotIn: "
    "Karpenter ignores it",
)
def well_known_value_ignored(group: ResolvedNodeGroup) -> Iterator[Problem]:
    for index, term in enumerate(group.additional_requirements):
        key = NORMALIZED_LABELS.get(term.key, term.key)
        if key not in OFFERING_KEYS:
            continue  # an instance-type label: the catalog check says it, with the region's values
        ignored = ignored_values(key, term.values)
        # an In with no valid value at all is refused by the layer's own rules; here only what is dropped
        if ignored and (str(term.operator) == "NotIn" or len(ignored) < len(term.values)):
            yield Problem(
                nodegroup_owner(group.name),
                f"additional_requirements[{index}].values",
                f"{', '.join(repr(v) for v in ignored)} is no {term.key} value; Karpenter ignores it",
            )
