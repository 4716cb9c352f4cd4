"""``karpenter-infra render``: the stack's fleet manifests as YAML, on stdout or as a kustomize tree."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from karpenter_infra.cli.common import ProjectOption, StackOption, checked, note, user_errors


def render(
    stack: StackOption = "dev",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write one file per object and a kustomization here.")
    ] = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Print (or write) the stack's fleet manifests: NodePools, EC2NodeClasses and headroom."""
    from karpenter_infra.paths import output_dir
    from karpenter_infra.render.files import to_yaml, write_tree
    from karpenter_infra.stack import load_stack

    with user_errors():
        if out is not None:
            output_dir(out, "render", "--out")
        manifests = checked(load_stack(stack, project_dir)).manifests()
        if out is not None:
            written = write_tree(manifests, out)
            note(f"wrote {len(written)} objects and kustomization.yaml to {out}")
            return
    sys.stdout.write(to_yaml(manifests))
