"""Cross-group rules: what only the whole fleet shows. Run once per fleet, after every group passed its own rules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.rules.group import check_group
from karpenter_infra.spec.resolved import ResolvedNodeGroup


def _capacity(group: ResolvedNodeGroup) -> frozenset[str]:
    return frozenset(group.instances.capacity_types)


def check_fleet(groups: Sequence[ResolvedNodeGroup]) -> None:
    """Capacity spread: groups sharing a group label split one label's values between spot and on-demand."""
    by_label: dict[str, list[ResolvedNodeGroup]] = defaultdict(list)
    for group in groups:
        by_label[group.group_label].append(group)
    for label, members in sorted(by_label.items()):
        spread = sorted((g for g in members if g.capacity_spread is not None), key=lambda g: g.name)
        for i, first in enumerate(spread):
            assert first.capacity_spread is not None
            for second in spread[i + 1 :]:
                assert second.capacity_spread is not None
                if (
                    first.capacity_spread.start <= second.capacity_spread.end
                    and second.capacity_spread.start <= first.capacity_spread.end
                ):
                    raise SpecError.one(
                        nodegroup_owner(second.name),
                        "capacity_spread",
                        f"{second.capacity_spread.start}..{second.capacity_spread.end} overlaps group "
                        f"{first.name!r} ({first.capacity_spread.start}..{first.capacity_spread.end}) "
                        f"of group label {label!r}",
                    )
        if spread and all(_capacity(g) == {"spot"} for g in members) and len(members) > 1:
            raise SpecError.one(
                nodegroup_owner(spread[0].name),
                "capacity_spread",
                f"the groups of group label {label!r} are all spot: a spread splits spot and on-demand; "
                "make one twin on-demand",
            )


def spread_warnings(groups: Sequence[ResolvedNodeGroup]) -> list[tuple[str, str, str]]:
    """A spread group without a twin of the other capacity type spreads over one kind of capacity: a no-op.

    A warning, not an error: the karpenter_nodes chart's own layouts have such groups, and they harm nothing.
    """
    by_label: dict[str, list[ResolvedNodeGroup]] = defaultdict(list)
    for group in groups:
        by_label[group.group_label].append(group)
    found = []
    for label, members in sorted(by_label.items()):
        for group in members:
            if group.capacity_spread is None:
                continue
            if not any(_capacity(t) != _capacity(group) for t in members if t is not group):
                found.append(
                    (
                        nodegroup_owner(group.name),
                        "capacity_spread",
                        f"no twin with group_label {label!r} and the other capacity type, so the spread has one "
                        "kind of capacity to spread over",
                    )
                )
    return found


def check_resolved(groups: Sequence[ResolvedNodeGroup]) -> None:
    for group in groups:
        check_group(group)
    check_fleet(groups)
