"""``karpenter-infra explain`` and ``karpenter-infra catalog refresh``: the instance-type catalog on the command line.

Everything heavy is imported inside the commands: ``explain`` must answer within a second, start-up included.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

catalog_app = typer.Typer(no_args_is_help=True, add_completion=False, help="The instance-type catalog.")


def explain(
    stack: Annotated[str, typer.Option("--stack", "-s", help="Stack name: reads stacks/Pulumi.<stack>.yaml.")] = "dev",
    group: Annotated[str | None, typer.Option("--group", "-g", help="Only this node group.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    project_dir: Annotated[
        Path, typer.Option("--project-dir", help="Directory holding Pulumi.yaml and stacks/.", show_default=False)
    ] = Path("."),
) -> None:
    """Per NodePool: the instance types it admits, their sizes and prices, the three cheapest per vCPU, warnings."""
    import json

    from rich.console import Console

    from karpenter_infra.catalog.explain import explain_data, render
    from karpenter_infra.checks import check
    from karpenter_infra.cli import user_errors
    from karpenter_infra.errors import SpecError
    from karpenter_infra.stack import load_stack

    with user_errors():  # one line, exit 2, the message printed as written (never read as console markup)
        loaded = load_stack(stack, project_dir)
        fleet = loaded.fleet()
        # The one validation path: what plan refuses (a fleet for another cluster...) explain refuses too. Its
        # warnings are plan's to print; the catalog's own are in the table.
        check(loaded.platform, fleet)
        report = fleet.catalog_report
        if group is not None and group not in report.pools:
            raise SpecError.one(f"stack {stack!r}", "--group", f"no node group {group!r}: {', '.join(report.pools)}")
    data = explain_data(report, group)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
    else:
        render(data, Console(highlight=False, width=None if sys.stdout.isatty() else 160))


@catalog_app.command("refresh")
def refresh(
    region: Annotated[str, typer.Option("--region", "-r", help="AWS region to describe, e.g. eu-west-1.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Write the region's catalog from EC2 DescribeInstanceTypes and the Pricing API (needs AWS credentials)."""
    from rich.console import Console
    from rich.markup import escape

    from karpenter_infra.catalog.data_format import dump
    from karpenter_infra.catalog.model import shipped_catalog
    from karpenter_infra.catalog.refresh import refresh as build

    err = Console(stderr=True, soft_wrap=True)
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        err.print("[bold red]error:[/] catalog refresh needs boto3: pip install 'karpenter-infra[refresh]'")
        raise typer.Exit(2) from None
    # The Pricing API is served from a few regions only; us-east-1 answers for every region.
    ec2 = boto3.client("ec2", region_name=region)
    pricing = boto3.client("pricing", region_name="us-east-1")
    try:
        data, notes = build(region, ec2, pricing, shipped_catalog(), price_error=(BotoCoreError, ClientError))
    except (BotoCoreError, ClientError) as exc:
        err.print(f"[bold red]error:[/] ec2 DescribeInstanceTypes in {region}: {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    for note in notes:
        err.print(f"[yellow]warning:[/] {escape(note)}", highlight=False)
    text = dump(data)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text)
        err.print(f"wrote {len(data.types)} instance types for {region} to {out}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)
    app.add_typer(catalog_app, name="catalog")
