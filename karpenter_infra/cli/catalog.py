"""``karpenter-infra catalog refresh``: a region's instance-type catalog from the EC2 and Pricing APIs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from karpenter_infra.cli.common import error, note, warn

catalog_app = typer.Typer(no_args_is_help=True, add_completion=False, help="The instance-type catalog.")


@catalog_app.command("refresh")
def refresh(
    region: Annotated[
        str, typer.Option("--region", "-r", metavar="REGION", help="AWS region to describe, e.g. eu-west-1.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", metavar="FILE", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write the region's catalog from EC2 DescribeInstanceTypes and the Pricing API (needs AWS credentials)."""
    from karpenter_infra.catalog.data_format import dump
    from karpenter_infra.catalog.model import shipped_catalog
    from karpenter_infra.catalog.refresh import RefreshError, check_region
    from karpenter_infra.catalog.refresh import refresh as build
    from karpenter_infra.errors import SpecError
    from karpenter_infra.paths import output_file, write_text

    try:
        check_region(region)
        if out is not None:
            output_file(out, "catalog refresh", "--out")
    except RefreshError as exc:
        error(f"catalog refresh: --region: {exc}")
        raise typer.Exit(2) from None
    except SpecError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        error("catalog refresh needs boto3: pip install 'karpenter-infra[refresh]'")
        raise typer.Exit(2) from None
    # The Pricing API is served from a few regions only; us-east-1 answers for every region.
    try:
        ec2 = boto3.client("ec2", region_name=region)
        pricing = boto3.client("pricing", region_name="us-east-1")
        data, notes = build(region, ec2, pricing, shipped_catalog(), price_error=(BotoCoreError, ClientError))
    except (BotoCoreError, ClientError) as exc:
        error(f"catalog refresh: ec2 DescribeInstanceTypes in {region}: {str(exc).strip().splitlines()[0][:300]}")
        raise typer.Exit(1) from None
    except RefreshError as exc:
        error(f"catalog refresh: {exc}")
        raise typer.Exit(1) from None
    warn(notes)
    text = dump(data)
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            write_text(out, text, "catalog refresh", "--out")
        except SpecError as exc:
            error(str(exc))
            raise typer.Exit(2) from None
        note(f"wrote {len(data.types)} instance types for {region} to {out}")
