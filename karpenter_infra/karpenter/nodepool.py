"""``karpenter.sh/v1`` NodePool, mirrored from the v1.14.1 CRD: every field, schema constraint and CEL rule.

Transition rules (those comparing ``self`` with ``oldSelf``: nodeClassRef group/kind immutability, static <-> dynamic
switches) are not mirrored; they need the live object, and only the apiserver has it.

A CEL rule is checked by the model, list or map that carries it in the CRD (so ``Requirement`` on its own does not
know the rules of the ``requirements`` list), and fails with the CRD's own message, located at the item or key the
rule quantifies over: the apiserver reports it on the list or map and leaves the reader to find the culprit.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from karpenter_infra.karpenter.patterns import (
    BUDGET_DURATION_PATTERN,
    BUDGET_NODES_PATTERN,
    BUDGET_REASONS_MAX_ITEMS,
    BUDGET_SCHEDULE_PATTERN,
    BUDGETS_MAX_ITEMS,
    DATE_TIME_PATTERN,
    DURATION_OR_NEVER_PATTERN,
    DURATION_PATTERN,
    FROM_STRING,
    HOSTNAME_LABEL,
    INT64_MAX,
    KARPENTER_K8S_AWS_ALLOWED_LABELS,
    KARPENTER_K8S_AWS_DOMAIN,
    KARPENTER_SH_ALLOWED_LABELS,
    KARPENTER_SH_DOMAIN,
    MIN_VALUES_MAXIMUM,
    MIN_VALUES_MINIMUM,
    NODE_CLASS_GROUP_PATTERN,
    NODEPOOL_LABEL,
    NUMERIC_OPERATORS,
    REQUIREMENT_KEY_MAX_LENGTH,
    REQUIREMENT_KEY_PATTERN,
    REQUIREMENTS_MAX_ITEMS,
    TAINT_KEY_PATTERN,
    TAINT_VALUE_PATTERN,
    TEMPLATE_LABELS_MAX_PROPERTIES,
    WEIGHT_MAXIMUM,
    WEIGHT_MINIMUM,
    ConsolidationPolicy,
    CrdModel,
    DisruptionReason,
    IntOrQuantity,
    LabelValue,
    Loc,
    ObjectMeta,
    Operator,
    TaintEffect,
    cel_failure,
    go_regex,
    non_empty,
)

API_VERSION: Final = "karpenter.sh/v1"
KIND: Final = "NodePool"


class NodePoolRule(StrEnum):
    """The NodePool CRD's CEL messages, verbatim; the enum test checks this is every non-transition rule."""

    SCHEDULE_WITH_DURATION = "'schedule' must be set with 'duration'"
    STATIC_LIMITS = "only 'limits.nodes' is supported on static NodePools"
    STATIC_WEIGHT = "'weight' is not supported on static NodePools"
    GROUP_EMPTY = "group may not be empty"
    KIND_EMPTY = "kind may not be empty"
    NAME_EMPTY = "name may not be empty"
    KARPENTER_SH_DOMAIN = 'label domain "karpenter.sh" is restricted'
    NODEPOOL_LABEL = 'label "karpenter.sh/nodepool" is restricted'
    HOSTNAME_LABEL = 'label "kubernetes.io/hostname" is restricted'
    KARPENTER_K8S_AWS_DOMAIN = 'label domain "karpenter.k8s.aws" is restricted'
    IN_NEEDS_VALUES = "requirements with operator 'In' must have a value defined"
    NUMERIC_SINGLE_VALUE = "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value"
    MIN_VALUES = "requirements with 'minValues' must have at least that many values specified in the 'values' field"


@cache
def restricted_label_rules(key: str) -> tuple[NodePoolRule, ...]:
    """The label-key CEL rules ``key`` breaks; the same four guard requirement keys and template label keys.

    Cached: a fleet repeats the same few dozen keys across every NodePool.
    """
    if "karpenter" not in key and key != HOSTNAME_LABEL:
        return ()
    # CEL: ``key.find("^([^/]+)")``, the text before the first slash ("" when the key starts with one).
    domain = key.split("/", 1)[0]
    broken = []
    if key not in KARPENTER_SH_ALLOWED_LABELS and domain.endswith(KARPENTER_SH_DOMAIN):
        broken.append(NodePoolRule.KARPENTER_SH_DOMAIN)
    if key == NODEPOOL_LABEL:
        broken.append(NodePoolRule.NODEPOOL_LABEL)
    if key == HOSTNAME_LABEL:
        broken.append(NodePoolRule.HOSTNAME_LABEL)
    if key not in KARPENTER_K8S_AWS_ALLOWED_LABELS and domain.endswith(KARPENTER_K8S_AWS_DOMAIN):
        broken.append(NodePoolRule.KARPENTER_K8S_AWS_DOMAIN)
    return tuple(broken)


# CEL's int() is Go's strconv.ParseInt(s, 10, 64): an optional sign, ASCII digits, and nothing else.
_CEL_INT: Final = re.compile(r"[+-]?[0-9]+", re.ASCII)


def _cel_uint(value: str) -> bool:
    return _CEL_INT.fullmatch(value) is not None and 0 <= int(value) <= INT64_MAX


class NodeClassReference(CrdModel):
    group: Annotated[str, Field(pattern=go_regex(NODE_CLASS_GROUP_PATTERN)), non_empty(NodePoolRule.GROUP_EMPTY)] = (
        Field(description="API group of the node class: `karpenter.k8s.aws`.")
    )
    kind: Annotated[str, non_empty(NodePoolRule.KIND_EMPTY)] = Field(description="Kind of the node class.")
    name: Annotated[str, non_empty(NodePoolRule.NAME_EMPTY)] = Field(
        description="Name of the EC2NodeClass this pool launches nodes with."
    )


RequirementKey = Annotated[str, Field(max_length=REQUIREMENT_KEY_MAX_LENGTH, pattern=go_regex(REQUIREMENT_KEY_PATTERN))]


class Requirement(CrdModel):
    """One term of ``requirements``.

    Its CEL rules (restricted keys; values per operator) are checked by the list that holds it, in one pass, so
    that every broken rule of every term is reported together, as the apiserver does.
    """

    key: RequirementKey = Field(description="Label key the term constrains, e.g. `karpenter.k8s.aws/instance-family`.")
    operator: Annotated[Operator, FROM_STRING] = Field(description="How the key relates to `values`.")
    # The CRD puts a label-value pattern and maxLength on this array rather than on its items; the apiserver
    # ignores both there, so they are not enforced (Karpenter re-checks values at runtime).
    values: list[str] | None = Field(default=None, description="Values for `In`/`NotIn`; one integer for `Gt`...")
    min_values: int | None = Field(
        default=None,
        ge=MIN_VALUES_MINIMUM,
        le=MIN_VALUES_MAXIMUM,
        description="Least number of distinct values Karpenter must keep available when it picks instance types.",
    )


def _requirement_rules(term: Requirement) -> list[tuple[Loc, str]]:
    issues: list[tuple[Loc, str]] = [(("key",), rule) for rule in restricted_label_rules(term.key)]
    # An absent ``values`` is an evaluation error in CEL (no such key), which rejects the object just the same.
    values, operator = term.values, term.operator
    if operator is Operator.IN:
        if not values:
            issues.append((("values",), NodePoolRule.IN_NEEDS_VALUES))
        if term.min_values is not None and (values is None or len(values) < term.min_values):
            issues.append((("minValues",), NodePoolRule.MIN_VALUES))
    elif operator in NUMERIC_OPERATORS and not (values is not None and len(values) == 1 and _cel_uint(values[0])):
        issues.append((("values",), NodePoolRule.NUMERIC_SINGLE_VALUE))
    return issues


def _requirements(terms: list[Requirement]) -> list[Requirement]:
    for term in terms:  # the common all-valid case, without building anything
        operator, values = term.operator, term.values
        if restricted_label_rules(term.key):
            break
        if operator is Operator.IN:
            if not values or (term.min_values is not None and len(values) < term.min_values):
                break
        elif operator in NUMERIC_OPERATORS and not (values is not None and len(values) == 1 and _cel_uint(values[0])):
            break
    else:
        return terms
    issues = [((index, *loc), rule) for index, term in enumerate(terms) for loc, rule in _requirement_rules(term)]
    raise cel_failure("requirements", issues)


TaintValue = Annotated[str, Field(pattern=go_regex(TAINT_VALUE_PATTERN))]


def _real_date_time(value: str) -> str:
    """``format: date-time`` also rejects well-shaped impossible times, such as the 31st of February."""
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise PydanticCustomError("date_time", "Input should be an RFC 3339 date-time") from None
    return value


DateTime = Annotated[str, Field(pattern=go_regex(DATE_TIME_PATTERN)), AfterValidator(_real_date_time)]


class Taint(CrdModel):
    key: str = Field(min_length=1, pattern=go_regex(TAINT_KEY_PATTERN), description="Taint key.")
    value: TaintValue | None = Field(default=None, description="Taint value; leave out for a key-only taint.")
    effect: Annotated[TaintEffect, FROM_STRING] = Field(description="What the taint does to pods without a toleration.")
    time_added: DateTime | None = Field(default=None, description="RFC 3339 time; set by Kubernetes, not by us.")


class NodeClaimTemplateSpec(CrdModel):
    node_class_ref: NodeClassReference = Field(description="The EC2NodeClass nodes are launched with.")
    requirements: Annotated[
        list[Requirement], Field(max_length=REQUIREMENTS_MAX_ITEMS), AfterValidator(_requirements)
    ] = Field(description="Constraints on the instances Karpenter may launch.")
    taints: list[Taint] | None = Field(default=None, description="Taints every node carries for its whole life.")
    startup_taints: list[Taint] | None = Field(
        default=None, description="Taints a daemon removes once the node is initialised; ignored for scheduling."
    )
    expire_after: str | None = Field(
        default=None,
        pattern=go_regex(DURATION_OR_NEVER_PATTERN),
        description="Node lifetime before replacement (`720h`), or `Never`. Server default: `720h`.",
    )
    termination_grace_period: str | None = Field(
        default=None,
        pattern=go_regex(DURATION_PATTERN),
        description="Longest a node may take to drain before pods are force-deleted.",
    )


def _template_labels(labels: dict[str, str]) -> dict[str, str]:
    issues: list[tuple[Loc, str]] = [((key,), rule) for key in labels for rule in restricted_label_rules(key)]
    if issues:
        raise cel_failure("labels", issues)
    return labels


class NodeClaimTemplateMetadata(CrdModel):
    # Keys are not pattern-checked by the CRD, only by the restricted-domain rules.
    labels: (
        Annotated[
            dict[str, LabelValue], Field(max_length=TEMPLATE_LABELS_MAX_PROPERTIES), AfterValidator(_template_labels)
        ]
        | None
    ) = Field(default=None, description="Labels every node gets.")
    annotations: dict[str, str] | None = Field(default=None, description="Annotations every node gets.")


class NodeClaimTemplate(CrdModel):
    metadata: NodeClaimTemplateMetadata | None = Field(default=None, description="Labels and annotations for nodes.")
    spec: NodeClaimTemplateSpec = Field(description="What every node launched from the pool looks like.")


BudgetNodes = Annotated[str, Field(pattern=go_regex(BUDGET_NODES_PATTERN))]


def _unique_reasons(reasons: list[DisruptionReason]) -> list[DisruptionReason]:
    """``x-kubernetes-list-type: set``; not a CEL rule, so the message is the apiserver's wording."""
    if len(set(reasons)) != len(reasons):
        issues: list[tuple[Loc, str]] = [
            ((index,), f'Duplicate value: "{reason}"')
            for index, reason in enumerate(reasons)
            if reason in reasons[:index]
        ]
        raise cel_failure("reasons", issues)
    return reasons


class Budget(CrdModel):
    # Required in the CRD, but with a default ("10%") that the apiserver applies before validating.
    nodes: BudgetNodes | None = Field(
        default=None, description="Most nodes disrupted at once: a count (`'5'`) or a percentage (`'10%'`)."
    )
    reasons: (
        Annotated[
            list[Annotated[DisruptionReason, FROM_STRING]],
            Field(max_length=BUDGET_REASONS_MAX_ITEMS),
            AfterValidator(_unique_reasons),
        ]
        | None
    ) = Field(default=None, description="Disruption reasons the budget limits; all when left out. No repeats.")
    schedule: str | None = Field(
        default=None,
        pattern=go_regex(BUDGET_SCHEDULE_PATTERN),
        description="Cron expression (UTC) at which the budget becomes active; needs `duration`.",
    )
    duration: str | None = Field(
        default=None,
        pattern=go_regex(BUDGET_DURATION_PATTERN),
        description="How long the budget stays active after each `schedule` hit, in hours and minutes.",
    )


def _budgets(budgets: list[Budget]) -> list[Budget]:
    issues: list[tuple[Loc, str]] = [
        ((index,), NodePoolRule.SCHEDULE_WITH_DURATION)
        for index, budget in enumerate(budgets)
        if (budget.schedule is None) != (budget.duration is None)
    ]
    if issues:
        raise cel_failure("budgets", issues)
    return budgets


class Disruption(CrdModel):
    budgets: Annotated[list[Budget], Field(max_length=BUDGETS_MAX_ITEMS), AfterValidator(_budgets)] | None = Field(
        default=None, description="Limits on concurrent disruption; the strictest active one wins. Default: 10%."
    )
    consolidate_after: str = Field(
        pattern=go_regex(DURATION_OR_NEVER_PATTERN),
        description="How long a node must be consolidatable before Karpenter acts, or `Never`.",
    )
    consolidation_policy: Annotated[ConsolidationPolicy, FROM_STRING] | None = Field(
        default=None, description="Which nodes consolidation may remove. Server default: `WhenEmptyOrUnderutilized`."
    )


class NodePoolSpec(CrdModel):
    template: NodeClaimTemplate = Field(description="The node template.")
    disruption: Disruption | None = Field(default=None, description="How Karpenter may remove the pool's nodes.")
    limits: dict[str, IntOrQuantity] | None = Field(
        default=None, description="Ceilings on the pool's total resources (`cpu`, `memory`, `nodes`, ...)."
    )
    replicas: int | None = Field(
        default=None,
        ge=0,
        le=INT64_MAX,
        description="Alpha: a fixed node count, making the pool static rather than demand-driven.",
    )
    weight: int | None = Field(
        default=None,
        ge=WEIGHT_MINIMUM,
        le=WEIGHT_MAXIMUM,
        description="Priority among pools that could all fit a pod; higher is tried first.",
    )

    @model_validator(mode="after")
    def _static_pool(self) -> Self:
        if self.replicas is None:
            return self
        issues: list[tuple[Loc, str]] = []
        if self.limits and not (len(self.limits) == 1 and "nodes" in self.limits):
            issues.append((("limits",), NodePoolRule.STATIC_LIMITS))
        if self.weight is not None:
            issues.append((("weight",), NodePoolRule.STATIC_WEIGHT))
        if issues:
            raise cel_failure(type(self).__name__, issues)
        return self


class NodePool(CrdModel):
    api_version: Literal["karpenter.sh/v1"] = Field(description="Always `karpenter.sh/v1`.")
    kind: Literal["NodePool"] = Field(description="Always `NodePool`.")
    metadata: ObjectMeta = Field(description="Name (a DNS label) and the object's own labels.")
    spec: NodePoolSpec = Field(description="The pool.")
