"""EC2NodeClass selector terms: AMIs, subnets, security groups, capacity reservations and placement groups.

The ``'id' is mutually exclusive`` rules on security group, subnet and capacity reservation terms only fire when
*every* term combines ``id`` with another field (``!self.all(...)``), and for the same reason an empty list of those
terms breaks them too; they are mirrored as written, because the point is to predict the apiserver.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Final, Self

from pydantic import AfterValidator, Field, model_validator

from karpenter_infra.karpenter.ec2nodeclass_rules import EC2NodeClassRule, raise_if
from karpenter_infra.karpenter.patterns import (
    AMI_ALIAS_LATEST,
    AMI_ALIAS_MAX_LENGTH,
    AMI_ALIAS_PATTERN,
    AMI_ID_PATTERN,
    CAPACITY_RESERVATION_ID_PATTERN,
    CAPACITY_RESERVATION_OWNER_ID_PATTERN,
    FROM_STRING,
    PLACEMENT_GROUP_ID_PATTERN,
    SECURITY_GROUP_ID_PATTERN,
    SELECTOR_TAGS_MAX_PROPERTIES,
    SELECTOR_TERMS_MAX_ITEMS,
    SUBNET_ID_PATTERN,
    AmiAliasFamily,
    CrdModel,
    InstanceMatchCriteria,
    Loc,
    cel_failure,
    go_regex,
    non_empty,
)

_ALIAS_FAMILIES: Final = frozenset(AmiAliasFamily)
# CEL ``matches`` is RE2: ``.`` stops at a newline and ``$`` is the end of the text, hence ``fullmatch``.
_ALIAS_FORMAT: Final = re.compile(AMI_ALIAS_PATTERN.removeprefix("^").removesuffix("$"), re.ASCII)


_NonEmptyTagPart = Annotated[str, non_empty(EC2NodeClassRule.SELECTOR_TAGS_EMPTY)]
SelectorTags = Annotated[dict[_NonEmptyTagPart, _NonEmptyTagPart], Field(max_length=SELECTOR_TAGS_MAX_PROPERTIES)]


def alias_family(alias: str) -> str:
    """CEL: ``alias.split('@')[0]``; the part before the first ``@``, or all of it."""
    return alias.split("@", 1)[0]


@cache
def _alias_rules(alias: str) -> tuple[EC2NodeClassRule, ...]:
    broken = []
    if not _ALIAS_FORMAT.fullmatch(alias):
        broken.append(EC2NodeClassRule.ALIAS_FORMAT)
    family = alias_family(alias)
    if family not in _ALIAS_FAMILIES:
        broken.append(EC2NodeClassRule.ALIAS_FAMILY)
    # ``split('@')[1]`` on an alias without ``@`` is an evaluation error, which rejects all the same.
    elif AmiAliasFamily(family).is_windows and alias.split("@")[1:2] != [AMI_ALIAS_LATEST]:
        broken.append(EC2NodeClassRule.ALIAS_WINDOWS_LATEST)
    return tuple(broken)


class AmiSelectorTerm(CrdModel):
    """One term of ``amiSelectorTerms``; its CEL rules, the alias's included, are checked by the list."""

    alias: Annotated[str, Field(max_length=AMI_ALIAS_MAX_LENGTH)] | None = Field(
        default=None,
        description="An EKS-optimised AMI as `family@version`, e.g. `al2023@v20240625` or `bottlerocket@latest`.",
    )
    id: str | None = Field(default=None, pattern=go_regex(AMI_ID_PATTERN), description="AMI id (`ami-...`).")
    name: str | None = Field(default=None, description="AMI name (not its Name tag).")
    owner: str | None = Field(
        default=None, description="AMI owner: an account id, `self`, `amazon` or `aws-marketplace`."
    )
    ssm_parameter: str | None = Field(default=None, description="SSM parameter (name or ARN) holding the AMI id.")
    tags: SelectorTags | None = Field(default=None, description="Tags the AMI must carry; `*` matches any value.")


def _ami_term_rules(term: AmiSelectorTerm) -> list[tuple[Loc, str]]:
    issues: list[tuple[Loc, str]] = (
        [(("alias",), rule) for rule in _alias_rules(term.alias)] if term.alias is not None else []
    )
    if term.alias is None and term.id is None and term.name is None and term.ssm_parameter is None:
        if term.tags is None:
            issues.append(((), EC2NodeClassRule.AMI_TERM_EMPTY))
        return issues
    others = term.tags is not None or term.name is not None or term.owner is not None
    if term.id is not None and (term.alias is not None or others):
        issues.append((("id",), EC2NodeClassRule.AMI_ID_EXCLUSIVE))
    if term.alias is not None and (term.id is not None or others):
        issues.append((("alias",), EC2NodeClassRule.AMI_ALIAS_EXCLUSIVE))
    return issues


def _ami_terms(terms: list[AmiSelectorTerm]) -> list[AmiSelectorTerm]:
    issues = [((index, *loc), rule) for index, term in enumerate(terms) for loc, rule in _ami_term_rules(term)]
    if len(terms) != 1 and any(term.alias is not None for term in terms):
        issues.append(((), EC2NodeClassRule.AMI_ALIAS_ALONE))
    raise_if("amiSelectorTerms", issues)
    return terms


class CapacityReservationSelectorTerm(CrdModel):
    id: str | None = Field(
        default=None, pattern=go_regex(CAPACITY_RESERVATION_ID_PATTERN), description="Reservation id (`cr-...`)."
    )
    instance_match_criteria: Annotated[InstanceMatchCriteria, FROM_STRING] | None = Field(
        default=None, description="`open` or `targeted` reservations."
    )
    owner_id: str | None = Field(
        default=None,
        alias="ownerID",
        pattern=go_regex(CAPACITY_RESERVATION_OWNER_ID_PATTERN),
        description="Account that owns the reservation.",
    )
    tags: SelectorTags | None = Field(default=None, description="Tags the reservation must carry.")


def _capacity_reservation_terms(terms: list[CapacityReservationSelectorTerm]) -> list[CapacityReservationSelectorTerm]:
    issues: list[tuple[Loc, str]] = [
        ((index,), EC2NodeClassRule.CAPACITY_RESERVATION_TERM_EMPTY)
        for index, t in enumerate(terms)
        if t.tags is None and t.id is None and t.instance_match_criteria is None
    ]
    if all(
        t.id is not None and (t.tags is not None or t.owner_id is not None or t.instance_match_criteria is not None)
        for t in terms
    ):
        issues.append(((), EC2NodeClassRule.CAPACITY_RESERVATION_ID_EXCLUSIVE))
    raise_if("capacityReservationSelectorTerms", issues)
    return terms


class PlacementGroupSelector(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(PLACEMENT_GROUP_ID_PATTERN), description="`pg-...` id.")
    name: str | None = Field(default=None, min_length=1, description="Placement group name.")

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.id is None and self.name is None:
            raise cel_failure(type(self).__name__, [((), EC2NodeClassRule.PLACEMENT_GROUP_EMPTY)])
        if self.id is not None and self.name is not None:
            raise cel_failure(type(self).__name__, [((), EC2NodeClassRule.PLACEMENT_GROUP_EXCLUSIVE)])
        return self


class SecurityGroupSelectorTerm(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(SECURITY_GROUP_ID_PATTERN), description="`sg-...` id.")
    name: str | None = Field(default=None, description="Security group name (not its Name tag).")
    tags: SelectorTags | None = Field(default=None, description="Tags the security group must carry.")


def _security_group_terms(terms: list[SecurityGroupSelectorTerm]) -> list[SecurityGroupSelectorTerm]:
    issues: list[tuple[Loc, str]] = [] if terms else [((), EC2NodeClassRule.SECURITY_GROUP_TERMS_EMPTY)]
    issues += [
        ((index,), EC2NodeClassRule.SECURITY_GROUP_TERM_EMPTY)
        for index, t in enumerate(terms)
        if t.tags is None and t.id is None and t.name is None
    ]
    if all(t.id is not None and (t.tags is not None or t.name is not None) for t in terms):
        issues.append(((), EC2NodeClassRule.SECURITY_GROUP_ID_EXCLUSIVE))
    if all(t.name is not None and (t.tags is not None or t.id is not None) for t in terms):
        issues.append(((), EC2NodeClassRule.SECURITY_GROUP_NAME_EXCLUSIVE))
    raise_if("securityGroupSelectorTerms", issues)
    return terms


class SubnetSelectorTerm(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(SUBNET_ID_PATTERN), description="`subnet-...` id.")
    tags: SelectorTags | None = Field(default=None, description="Tags the subnet must carry.")


def _subnet_terms(terms: list[SubnetSelectorTerm]) -> list[SubnetSelectorTerm]:
    issues: list[tuple[Loc, str]] = [] if terms else [((), EC2NodeClassRule.SUBNET_TERMS_EMPTY)]
    issues += [
        ((index,), EC2NodeClassRule.SUBNET_TERM_EMPTY)
        for index, t in enumerate(terms)
        if t.tags is None and t.id is None
    ]
    if all(t.id is not None and t.tags is not None for t in terms):
        issues.append(((), EC2NodeClassRule.SUBNET_ID_EXCLUSIVE))
    raise_if("subnetSelectorTerms", issues)
    return terms


AmiSelectorTerms = Annotated[
    list[AmiSelectorTerm], Field(min_length=1, max_length=SELECTOR_TERMS_MAX_ITEMS), AfterValidator(_ami_terms)
]
CapacityReservationSelectorTerms = Annotated[
    list[CapacityReservationSelectorTerm],
    Field(max_length=SELECTOR_TERMS_MAX_ITEMS),
    AfterValidator(_capacity_reservation_terms),
]
SecurityGroupSelectorTerms = Annotated[
    list[SecurityGroupSelectorTerm], Field(max_length=SELECTOR_TERMS_MAX_ITEMS), AfterValidator(_security_group_terms)
]
SubnetSelectorTerms = Annotated[
    list[SubnetSelectorTerm], Field(max_length=SELECTOR_TERMS_MAX_ITEMS), AfterValidator(_subnet_terms)
]
