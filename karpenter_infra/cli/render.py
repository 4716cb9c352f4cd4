"""``karpenter-infra render``: the stack's fleet manifests as YAML, on stdout or as a kustomize tree."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from karpenter_infra.cli.common import ProgramOption, ProjectOption, StackOption, note, user_errors, warn


def render(
    stack: StackOption = "dev",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR", help="Write one file per object and a kustomization here."),
    ] = None,
    program: ProgramOption = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Print (or write) the stack's fleet manifests: NodePools, EC2NodeClasses, headroom and the off-hours objects
    (CronJobs, their ConfigMap and RBAC)."""
    from karpenter_infra.cli.target import resolve
    from karpenter_infra.paths import output_dir
    from karpenter_infra.render.files import to_yaml, write_tree

    with user_errors():
        if out is not None:
            output_dir(out, "render", "--out")
        target = resolve(stack, program, project_dir, command="render")
        warn(target.warnings)
        manifests = target.manifests
        if out is not None:
            written = write_tree(manifests, out)
            note(f"wrote {len(written)} objects and kustomization.yaml to {out}")
            return
    sys.stdout.write(to_yaml(manifests))
