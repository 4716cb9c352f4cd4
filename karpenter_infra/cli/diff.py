"""``karpenter-infra diff``: the stack's manifests against a git revision, and which changes replace nodes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from karpenter_infra.cli.common import ProgramOption, ProjectOption, StackOption, user_errors, warn
from karpenter_infra.cli.disruption import parse_at

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from karpenter_infra.catalog.model import Catalog
    from karpenter_infra.diff import Manifest, ObjectChange

#: ``diff --exit-code`` exits with this when some NodePool or EC2NodeClass change replaces or removes nodes.
#: Not 1 (an unexpected crash) and not 2 (bad input), so CI tells the three apart.
EXIT_REPLACES_NODES = 3


def diff(
    stack: StackOption = "dev",
    base: Annotated[str, typer.Option("--base", metavar="REVISION", help="Git revision to compare with.")] = "HEAD",
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help=f"Exit with status {EXIT_REPLACES_NODES} when a change replaces or removes nodes (0 otherwise), "
            "so CI can gate on it.",
        ),
    ] = False,
    workloads: Annotated[
        list[Path] | None,
        typer.Option(
            "--workloads",
            "-w",
            metavar="PATH",
            help="Also simulate these workloads on base and head and list those whose placement changes; with "
            f"--exit-code, exit {EXIT_REPLACES_NODES} when a workload becomes pending.",
        ),
    ] = None,
    nodes: Annotated[
        int | None,
        typer.Option(
            "--nodes",
            metavar="N",
            min=1,
            help="Nodes per pool: estimate when a change that replaces nodes has replaced them all, under the "
            "pool's disruption budgets (see `karpenter-infra disruption --rollout`).",
            show_default=False,
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="INSTANT", help="With --nodes: when the roll-out starts (ISO 8601, default now)."),
    ] = None,
    replace_minutes: Annotated[
        int,
        typer.Option(
            "--replace-minutes", metavar="MINUTES", min=1, help="With --nodes: minutes one replacement takes."
        ),
    ] = 5,
    program: ProgramOption = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Per-object, per-field diff of the stack's manifests against a git revision, and which changes replace nodes."""
    from karpenter_infra.cli.target import resolve
    from karpenter_infra.diff import diff_manifests, replaces_nodes, report
    from karpenter_infra.revision import render_at_revision

    with user_errors():
        target = resolve(stack, program, project_dir, command="diff")
        warn(target.warnings)
        head = target.manifests
        before = render_at_revision(project_dir, base, stack, program)
        changes = diff_manifests(before, head, target.group_label_key)
        estimates = None
        if nodes is not None:
            estimates = roll_out_estimates(changes, head, parse_at(at, "diff"), nodes, replace_minutes)
    sys.stdout.write(report(changes, estimates))
    stranded = bool(workloads) and _workload_section(before, head, workloads or [], target.catalog)
    if exit_code and (replaces_nodes(changes) or stranded):
        raise typer.Exit(EXIT_REPLACES_NODES)


def _workload_section(
    before: list[dict[str, Any]], head: list[dict[str, Any]], paths: list[Path], catalog: Catalog | None
) -> bool:
    """Prints the placement changes; ``True`` when a workload becomes pending."""
    from karpenter_infra.simulate import load_workloads, simulate
    from karpenter_infra.simulate.compare import becomes_pending, placement_changes
    from karpenter_infra.simulate.compare import report as placement_report

    with user_errors():
        loaded = load_workloads(paths)
        base_result = simulate(before, loaded, catalog=catalog)
        head_result = simulate(head, loaded, catalog=catalog)
    moved = placement_changes(base_result, head_result)
    sys.stdout.write(placement_report(moved, base_result, head_result))
    return becomes_pending(moved)


def roll_out_estimates(
    changes: Sequence[ObjectChange], head: Sequence[Manifest], at: datetime, nodes: int, replace_minutes: int
) -> dict[str, str]:
    """For each pool whose nodes a change replaces by drift: when all ``nodes`` are replaced under its budgets."""
    from karpenter_infra.diff import replaced_pools
    from karpenter_infra.disruption.forecast import forecast
    from karpenter_infra.disruption.text import estimate

    pools = {m["metadata"]["name"]: m for m in head if m.get("kind") == "NodePool"}
    estimates = {}
    for name, (_, causes) in replaced_pools(changes).items():
        if name in pools and causes != ["recreated"]:  # deleting a pool does not wait for budgets
            estimates[name] = estimate(forecast(pools[name], at, nodes, nodes, replace_minutes))
    return estimates
