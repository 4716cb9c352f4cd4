"""Time building, rendering and validating fleets of 10, 100 and 1,000 node groups, and the offline plan of 100.

Prints figures; asserts nothing (timings belong in a report, not in a test that flakes on a busy machine).
Run: `make bench`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from karpenter_infra import (
    Budget,
    CapacitySpread,
    Fleet,
    Headroom,
    Instances,
    NodeGroup,
    NodeGroupDefaults,
    Taint,
)

DEFAULTS = NodeGroupDefaults(
    cluster_name="bench",
    availability_zones=["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    instances=Instances(categories=["c", "m", "r"], min_generation=6, capacity_types=["spot"]),
    user_data_template="#!/bin/bash\necho {{ group.name }} {{ values.x }}\n",
    user_data_values={"x": 1},
    limits={"cpu": 100},
)


def nodegroups(count: int) -> list[NodeGroup]:
    """A mix like a real fleet's: shared node classes, spreads, taints, headroom, budgets."""
    groups = []
    for i in range(count):
        kind = i % 4
        groups.append(
            NodeGroup(
                name=f"group-{i:04d}",
                instances=Instances(architecture=("amd64", "arm64", "multiarch", "amd64")[kind], cores=[4, 8]),
                auto_taint=kind == 1,
                taints=[Taint(key="team", value=f"t{i % 7}")] if kind == 2 else None,
                capacity_spread=CapacitySpread(start=1, end=5) if kind == 0 else None,
                node_class=f"group-{i - 3:04d}" if kind == 3 else None,
                headroom=[Headroom(size="small", count=1)] if i % 10 == 0 else None,
                budgets=[Budget(nodes="10%"), Budget(nodes=0, schedule="0 9 * * mon-fri", duration="8h")],
                labels={"team": f"t{i % 7}"},
            )
        )
    return groups


def best_of(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    print(f"{'node groups':>11}  {'models (s)':>10}  {'fleet build+render+validate (s)':>32}  {'objects':>7}")
    for count in (10, 100, 1000):
        models_best, _ = best_of(5, lambda c=count: nodegroups(c))  # type: ignore[misc]
        groups = nodegroups(count)
        fleet_best, fleet_median = best_of(5, lambda g=groups: Fleet(DEFAULTS, g, node_role="R").manifests())  # type: ignore[misc]
        objects = len(Fleet(DEFAULTS, groups, node_role="R").manifests())
        print(f"{count:>11}  {models_best:>10.3f}  {fleet_best:>16.3f} (median {fleet_median:.3f})  {objects:>7}")
    plan_100()


def plan_100() -> None:
    from karpenter_infra.plan.mocks import run_program
    from karpenter_infra.program import deploy
    from karpenter_infra.spec.platform import PlatformSpec
    from karpenter_infra.stack import Stack

    platform = PlatformSpec.model_validate(
        {
            "nodegroups": "benchmarks.fleet",
            "cluster": {
                "name": "bench",
                "vpc_id": "vpc-0abc",
                "private_subnet_ids": ["subnet-0a", "subnet-0b"],
            },
        }
    )
    stack = Stack(name="bench", platform=platform, defaults=DEFAULTS, nodegroups=nodegroups(100), config={})
    best, median = best_of(3, lambda: run_program(lambda: deploy(stack), stack="bench"))
    resources = len(run_program(lambda: deploy(stack), stack="bench").registrations)
    print(f"offline plan of a 100-node-group stack: {best:.2f} s best, {median:.2f} s median, {resources} resources")


if __name__ == "__main__":
    main()
