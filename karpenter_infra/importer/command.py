"""``karpenter-infra import-helm-values``: the chart's values files in, a nodegroup module (or manifests) out."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from karpenter_infra.errors import SpecError
from karpenter_infra.fleet import Fleet
from karpenter_infra.importer.base import ImportWarning
from karpenter_infra.importer.codegen import module_text
from karpenter_infra.importer.mapping import map_values
from karpenter_infra.importer.values import CHART_VERSION, load_values
from karpenter_infra.render.files import to_yaml
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults


@dataclass(frozen=True)
class ImportResult:
    defaults: NodeGroupDefaults
    nodegroups: list[NodeGroup]
    #: Every place the import deliberately differs from the chart's output, or found a value the chart ignores.
    warnings: list[ImportWarning]
    manifests: list[dict[str, Any]]
    #: The Python module, or with ``render`` the manifests as YAML.
    output: str


def import_helm_values(files: Sequence[Path], render: bool = False, node_role: str | None = None) -> ImportResult:
    """Raises ``SpecError`` (naming group and key) for values Karpenter would reject and the import cannot fix.

    The fleet is built either way: a module that would not build is never printed.
    """
    if not files:
        raise SpecError.one("import-helm-values", "--file", "give at least one values file")
    loaded = load_values(files)
    mapped = map_values(loaded, node_role=node_role)
    manifests = Fleet(mapped.defaults, mapped.nodegroups, node_role=node_role).manifests()
    if render:
        output = to_yaml(manifests)
    else:
        output = module_text(
            mapped.defaults,
            mapped.nodegroups,
            source_files=[Path(f).name for f in files],
            chart_version=CHART_VERSION,
        )
    return ImportResult(mapped.defaults, mapped.nodegroups, mapped.warnings, manifests, output)


def import_helm_values_command(
    file: list[Path] = typer.Option(  # noqa: B008 (typer declares options in defaults)
        ...,
        "-f",
        "--file",
        help="A values file of the karpenter_nodes chart; repeat in Helm's order (later files win).",
        exists=True,
        dir_okay=False,
        readable=True,
    ),
    python: bool = typer.Option(
        False, "--python", help="Print a Python module with DEFAULTS and NODEGROUPS for stacks/ (the default)."
    ),
    render: bool = typer.Option(False, "--render", help="Print the manifests the fleet renders for these values."),
    node_role: str | None = typer.Option(
        None, "--node-role", help="IAM role for groups whose values name neither IamRole nor IamInstanceProfile."
    ),
) -> None:
    """Import the values of the karpenter_nodes Helm chart (1.1.5) as a typed nodegroup list."""
    if python and render:
        typer.echo("error: choose one of --python and --render", err=True)
        raise typer.Exit(2)
    try:
        result = import_helm_values(file, render=render, node_role=node_role)
    except SpecError as exc:
        for line in str(exc).splitlines():
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(2) from None
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    sys.stdout.write(result.output)
