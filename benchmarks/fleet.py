"""Time building, rendering, validating and checking against the instance-type catalog fleets of 10, 100 and 1,000
node groups, where the 1,000-group build goes stage by stage, and the offline plan of 100.

Prints figures; asserts nothing (timings belong in a report, not in a test that flakes on a busy machine).
Best of N: the machine is shared, and other work only ever adds time. Run: `make bench`.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

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
from karpenter_infra.backends import backend_for
from karpenter_infra.catalog.model import SHIPPED, Catalog, shipped_catalog
from karpenter_infra.catalog.report import fleet_report
from karpenter_infra.fleet import _copy
from karpenter_infra.ledger.core import Stage, run, run_each
from karpenter_infra.ledger.registry import load_rules
from karpenter_infra.render.headroom import deployment
from karpenter_infra.spec.resolve import resolve
from karpenter_infra.spec.resolved import ResolvedNodeGroup

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


def best_of(runs: int, fn: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times), statistics.median(times)


def main() -> None:
    load_best, _ = best_of(5, lambda: Catalog.load(SHIPPED))
    print(f"catalog load and index (once per process): {load_best:.3f} s")
    shipped_catalog()
    header = f"{'node groups':>11}  {'models (s)':>10}  {'fleet build+render+validate+catalog (s)':>40}"
    print(f"{header}  {'of which catalog (s)':>20}  {'objects':>7}")
    for count in (10, 100, 1000):
        models_best, _ = best_of(5, lambda c=count: nodegroups(c))  # type: ignore[misc]
        groups = nodegroups(count)
        fleet_best, fleet_median = best_of(5, lambda g=groups: Fleet(DEFAULTS, g, node_role="R").manifests())  # type: ignore[misc]
        fleet = Fleet(DEFAULTS, groups, node_role="R")
        by_group = fleet.manifests_by_group()
        catalog_best, _ = best_of(
            5,
            lambda f=fleet, b=by_group, g=groups: fleet_report(f.groups, b, g, DEFAULTS, None),  # type: ignore[misc]
        )
        objects = len(fleet.manifests())
        print(
            f"{count:>11}  {models_best:>10.3f}  {fleet_best:>24.3f} (median {fleet_median:.3f})"
            f"  {catalog_best:>20.3f}  {objects:>7}"
        )
    stages(nodegroups(1000))
    plan_100()


def stages(groups: list[NodeGroup]) -> None:
    """The 1,000-group build as ``Fleet.__init__`` and ``Fleet.manifests`` run it, one stage at a time.

    Each stage is timed on its own in CPU time, best of 5, with the cyclic GC paused as ``Fleet`` pauses it; the sum
    leaves out what a build pays between them (the sweep of young objects before it, the shared objects).
    """
    load_rules()
    backend = backend_for("karpenter", DEFAULTS, groups)
    resolved = resolve(DEFAULTS, groups, "R")

    def render(group: ResolvedNodeGroup) -> list[dict[str, Any]]:
        rendered = [backend.node_class(group)] if group.nodeclass is not None else []
        rendered.append(backend.node_pool(group))
        rendered += [deployment(group, e, DEFAULTS.headroom_namespace, DEFAULTS.headroom_image) for e in group.headroom]
        return rendered

    def validate() -> None:
        for manifests in by_group.values():
            for manifest in manifests:
                backend.validate(manifest)

    by_group = {g.name: render(g) for g in resolved}
    fleet = Fleet(DEFAULTS, groups, node_role="R")
    assert by_group == fleet.manifests_by_group(), "the stages no longer render what Fleet renders"
    assert all(g.off_hours is None for g in resolved), "off-hours CronJobs are not rendered here"
    timed: list[tuple[str, Callable[[], object]]] = [
        ("resolve (defaults, names)", lambda: resolve(DEFAULTS, groups, "R")),
        ("group and fleet rules", lambda: (run_each(Stage.GROUP, resolved), run(Stage.FLEET, resolved))),
        ("render", lambda: [render(g) for g in resolved]),
        ("validate (CRD mirror)", validate),
        ("catalog", lambda: fleet_report(resolved, by_group, groups, DEFAULTS, None)),
        ("copy out (manifests())", lambda: _copy(list(by_group.values()))),
    ]
    whole, _ = best_of(5, lambda: Fleet(DEFAULTS, groups, node_role="R").manifests())
    cpu = best_of(5, lambda: Fleet(DEFAULTS, groups, node_role="R").manifests(), clock=time.process_time)[0]
    # CPU time leaves out waiting for a core, which is most of the noise on a shared machine.
    print(f"1,000 node groups by stage (best of 5 each), whole build {whole:.3f} s ({cpu:.3f} s CPU):")
    total = 0.0
    for name, fn in timed:
        gc.disable()
        try:
            best, _ = best_of(5, fn, clock=time.process_time)
        finally:
            gc.enable()
        total += best
        print(f"  {name:<28} {best:.3f} s CPU  {best / cpu:>4.0%}")
    print(f"  {'stages summed':<28} {total:.3f} s CPU  {total / cpu:>4.0%}")


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
