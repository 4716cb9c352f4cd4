"""Cross-group rules: what only the whole fleet shows (capacity spreads across groups sharing a group label)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from karpenter_infra.errors import nodegroup_owner
from karpenter_infra.ledger.core import Problem, Severity, Stage, rule
from karpenter_infra.spec.resolved import ResolvedNodeGroup


def _capacity(group: ResolvedNodeGroup) -> frozenset[str]:
    return frozenset(group.instances.capacity_types)


def _by_label(groups: Sequence[ResolvedNodeGroup]) -> list[tuple[str, list[ResolvedNodeGroup]]]:
    by_label: dict[str, list[ResolvedNodeGroup]] = defaultdict(list)
    for group in groups:
        by_label[group.group_label].append(group)
    return sorted(by_label.items())


@rule(
    "spread-overlap",
    severity=Severity.WARNING,
    stage=Stage.FLEET,
    source="karpenter_nodes chart capacity spread (topologySpreadConstraints over the spread label, Kubernetes "
    "pod-topology-spread); Karpenter accepts any values",
    summary="two groups of one group label and different capacity types whose spread ranges overlap: the "
    "spot/on-demand ratio is not what the ranges say (groups differing only by instance shape may share a range)",
)
def spread_overlap(groups: Sequence[ResolvedNodeGroup]) -> Iterator[Problem]:
    for label, members in _by_label(groups):
        spread = sorted((g for g in members if g.capacity_spread is not None), key=lambda g: g.name)
        for i, first in enumerate(spread):
            assert first.capacity_spread is not None
            for second in spread[i + 1 :]:
                assert second.capacity_spread is not None
                if _capacity(first) == _capacity(second):
                    continue  # alternatives of one capacity type (other instance shapes): they split nothing
                if (
                    first.capacity_spread.start <= second.capacity_spread.end
                    and second.capacity_spread.start <= first.capacity_spread.end
                ):
                    yield Problem(
                        nodegroup_owner(second.name),
                        "capacity_spread",
                        f"{second.capacity_spread.start}..{second.capacity_spread.end} overlaps group "
                        f"{first.name!r} ({first.capacity_spread.start}..{first.capacity_spread.end}) of group "
                        f"label {label!r}, which launches other capacity types: the ranges set the spot/on-demand "
                        "split, so give them disjoint ranges",
                    )


@rule(
    "spread-without-twin",
    severity=Severity.WARNING,
    stage=Stage.FLEET,
    source="karpenter_nodes chart capacity spread: a spread splits pods between capacity types",
    summary="a capacity_spread group with no group of its label and another capacity type: it spreads over one "
    "kind of capacity",
)
def spread_without_twin(groups: Sequence[ResolvedNodeGroup]) -> Iterator[Problem]:
    for label, members in _by_label(groups):
        for group in members:
            if group.capacity_spread is None:
                continue
            if not any(_capacity(t) != _capacity(group) for t in members if t is not group):
                yield Problem(
                    nodegroup_owner(group.name),
                    "capacity_spread",
                    f"no twin with group_label {label!r} and another capacity type, so the spread has one kind "
                    "of capacity to spread over: add an on-demand twin or drop capacity_spread",
                )
