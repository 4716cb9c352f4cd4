"""``karpenter-infra``: render, plan and diff stacks offline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from karpenter_infra.errors import SpecError
from karpenter_infra.render.files import to_yaml, write_tree
from karpenter_infra.stack import load_stack

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
# soft_wrap: errors name files and fields; a line break inside a path breaks grep and CI log search.
err = Console(stderr=True, soft_wrap=True)

StackOption = Annotated[str, typer.Option("--stack", "-s", help="Stack name: reads stacks/Pulumi.<stack>.yaml.")]
ProjectOption = Annotated[
    Path, typer.Option("--project-dir", help="Directory holding Pulumi.yaml and stacks/.", show_default=False)
]


def fail(exc: SpecError) -> None:
    err.print(f"[bold red]error:[/] {exc}", highlight=False)
    raise typer.Exit(2)


@app.command()
def render(
    stack: StackOption = "dev",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write one file per object and a kustomization here.")
    ] = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Print (or write) the stack's fleet manifests: NodePools, EC2NodeClasses and headroom."""
    try:
        manifests = load_stack(stack, project_dir).fleet().manifests()
    except SpecError as exc:
        fail(exc)
        return
    if out is None:
        sys.stdout.write(to_yaml(manifests))
    else:
        written = write_tree(manifests, out)
        err.print(f"wrote {len(written)} objects and kustomization.yaml to {out}")


@app.command()
def plan(
    stack: StackOption = "dev",
    as_json: Annotated[
        bool, typer.Option("--json", help="Every resource as {type, name, parent, inputs, depends_on}.")
    ] = False,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Run the real Pulumi program offline under the mock runtime and show what it would create."""
    from karpenter_infra.plan.mocks import run_program
    from karpenter_infra.plan.report import print_plan
    from karpenter_infra.program import deploy

    try:
        loaded = load_stack(stack, project_dir)
        platforms = []
        result = run_program(
            lambda: platforms.append(deploy(loaded)),
            stack=stack,
            region=loaded.platform.region or str(loaded.config.get("aws:region", "us-east-1")),
            partition=loaded.platform.partition or "aws",
        )
    except SpecError as exc:
        fail(exc)
        return
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        # Wide enough for resource names when piped (CI logs); a terminal keeps its own width.
        print_plan(result, stack, Console(highlight=False, width=None if sys.stdout.isatty() else 160))
    for finding in platforms[0].findings if platforms else []:
        err.print(f"[yellow]warning:[/] {finding}", highlight=False)


@app.command()
def diff(
    stack: StackOption = "dev",
    base: Annotated[str, typer.Option("--base", help="Git revision to compare with.")] = "HEAD",
    project_dir: ProjectOption = Path("."),
) -> None:
    """Per-object, per-field diff of the stack's manifests against a git revision, and which changes replace nodes."""
    from karpenter_infra.diff import diff_manifests, report
    from karpenter_infra.revision import render_at_revision

    try:
        loaded = load_stack(stack, project_dir)
        head = loaded.fleet().manifests()
        before = render_at_revision(project_dir, base, stack)
    except SpecError as exc:
        fail(exc)
        return
    sys.stdout.write(report(diff_manifests(before, head, loaded.defaults.group_label_key)))


@app.command()
def dashboards(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the dashboard JSON files.")],
    datasource: Annotated[str, typer.Option(help="Grafana data source uid.")] = "prometheus",
) -> None:
    """Write the Grafana dashboards (per node group, controller) as JSON files, for provisioning or import."""
    import json

    from karpenter_infra.monitoring.dashboards import dashboards as build

    out.mkdir(parents=True, exist_ok=True)
    for file_name, dashboard in build(datasource_uid=datasource).items():
        (out / file_name).write_text(json.dumps(dashboard, indent=2, sort_keys=True) + "\n")
        err.print(f"wrote {out / file_name}")


@app.command()
def schedule(
    stack: StackOption = "dev",
    at: Annotated[
        str | None,
        typer.Option("--at", help="ISO 8601 instant with offset (default: now), e.g. 2026-11-23T21:00+01:00."),
    ] = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Which scheduled groups are up or down at an instant, and when each changes next (what the CronJobs do)."""
    from datetime import UTC, datetime

    from rich.table import Table

    from karpenter_infra.schedule import is_up, next_transition

    try:
        instant = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError:
        err.print(f"[bold red]error:[/] --at: {at!r} is not an ISO 8601 instant")
        raise typer.Exit(2) from None
    if instant.tzinfo is None:
        err.print("[bold red]error:[/] --at: give the instant's UTC offset, e.g. 2026-11-23T21:00+01:00")
        raise typer.Exit(2)
    try:
        groups = [g for g in load_stack(stack, project_dir).fleet().groups if g.off_hours is not None]
    except SpecError as exc:
        fail(exc)
        return
    table = Table(title=f"off-hours at {instant.isoformat()}")
    for column in ("group", "nodepool", "now", "next change"):
        table.add_column(column)
    for group in groups:
        assert group.off_hours is not None
        when, up_after = next_transition(group.off_hours, instant)
        state = "up" if is_up(group.off_hours, instant) else "down"
        table.add_row(group.name, group.nodepool_name, state, f"{'up' if up_after else 'down'} at {when.isoformat()}")
    Console(highlight=False, width=None if sys.stdout.isatty() else 160).print(table)


def _register_importer() -> None:
    from karpenter_infra.importer.command import import_helm_values_command

    app.command("import-helm-values")(import_helm_values_command)


_register_importer()
__import__("karpenter_infra.cli_catalog").cli_catalog.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
