"""``karpenter-infra diff``: the stack's manifests against a git revision, and which changes replace nodes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from karpenter_infra.cli.common import ProgramOption, ProjectOption, StackOption, user_errors, warn

#: ``diff --exit-code`` exits with this when some NodePool or EC2NodeClass change replaces or removes nodes.
#: Not 1 (an unexpected crash) and not 2 (bad input), so CI tells the three apart.
EXIT_REPLACES_NODES = 3


def diff(
    stack: StackOption = "dev",
    base: Annotated[str, typer.Option("--base", help="Git revision to compare with.")] = "HEAD",
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
            help="Also simulate these workloads on base and head and list those whose placement changes; with "
            f"--exit-code, exit {EXIT_REPLACES_NODES} when a workload becomes pending.",
        ),
    ] = None,
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
        before = render_at_revision(project_dir, base, stack, program)
    changes = diff_manifests(before, target.manifests, target.group_label_key)
    sys.stdout.write(report(changes))
    stranded = bool(workloads) and _workload_section(before, target.manifests, workloads or [])
    if exit_code and (replaces_nodes(changes) or stranded):
        raise typer.Exit(EXIT_REPLACES_NODES)


def _workload_section(before: list[dict[str, Any]], head: list[dict[str, Any]], paths: list[Path]) -> bool:
    """Prints the placement changes; ``True`` when a workload becomes pending."""
    from karpenter_infra.simulate import load_workloads, simulate
    from karpenter_infra.simulate.compare import becomes_pending, placement_changes
    from karpenter_infra.simulate.compare import report as placement_report

    with user_errors():
        loaded = load_workloads(paths)
        base_result, head_result = simulate(before, loaded), simulate(head, loaded)
    moved = placement_changes(base_result, head_result)
    sys.stdout.write(placement_report(moved, base_result, head_result))
    return becomes_pending(moved)
