"""``karpenter-infra diff``: the stack's manifests against a git revision, and which changes replace nodes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

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
    if exit_code and replaces_nodes(changes):
        raise typer.Exit(EXIT_REPLACES_NODES)
