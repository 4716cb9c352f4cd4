"""``karpenter-infra import-helm-values``: the chart's values files in, a nodegroup module (or manifests) out."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from karpenter_infra.cli.common import error, note, warn


def import_helm_values_command(
    file: list[Path] = typer.Option(  # noqa: B008 (typer declares options in defaults)
        ...,
        "-f",
        "--file",
        metavar="FILE",
        help="A values file of the karpenter_nodes chart; repeat in Helm's order (later files win).",
    ),
    python: bool = typer.Option(
        False, "--python", help="Print a Python module with DEFAULTS, NODEGROUPS and ADOPT for stacks/ (the default)."
    ),
    render: bool = typer.Option(False, "--render", help="Print the manifests the fleet renders for these values."),
    report: bool = typer.Option(
        False, "--report", help="Print what the first `pulumi up` does to each live object of the release."
    ),
    live_values: list[Path] = typer.Option(  # noqa: B008
        [],
        "--live-values",
        metavar="FILE",
        help="The values the live release was installed with (repeat in Helm's order); implies --report.",
    ),
    import_ids_only: bool = typer.Option(
        False, "--import-ids", help="Print resource name -> Pulumi import id of every live object, as JSON."
    ),
    modernize: bool = typer.Option(
        False,
        "--modernize",
        help="Our opinions over the chart's (hardened headroom, preemptionPolicy Never, encrypted volumes); "
        "lists each change and whether it replaces nodes or recreates objects.",
    ),
    node_role: str | None = typer.Option(
        None,
        "--node-role",
        metavar="ROLE",
        help="IAM role for groups whose values name neither IamRole nor IamInstanceProfile.",
    ),
) -> None:
    """Import the values of the karpenter_nodes Helm chart (1.1.5) as a typed nodegroup list."""
    chosen = [name for name, on in (("--python", python), ("--render", render), ("--report", report)) if on]
    if import_ids_only:
        chosen.append("--import-ids")
    if len(chosen) > 1:
        error(f"choose one of {', '.join(chosen)}")
        raise typer.Exit(2)
    import json

    from karpenter_infra.errors import SpecError
    from karpenter_infra.importer.command import import_helm_values

    try:
        result = import_helm_values(
            file,
            render=render,
            node_role=node_role,
            modernize=modernize,
            live_files=live_values or None,
            report=report,
        )
    except SpecError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    warn(result.warnings)
    for line in result.modernized:
        note(f"modernize: {line}")
    if import_ids_only:
        sys.stdout.write(json.dumps(result.adopt, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(result.output)
