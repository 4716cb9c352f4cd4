"""``karpenter-infra explain``: per NodePool, the instance types it admits, their sizes and prices."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from karpenter_infra.cli.common import ProgramOption, ProjectOption, StackOption, stdout_console, user_errors


def explain(
    stack: StackOption = "dev",
    group: Annotated[str | None, typer.Option("--group", "-g", metavar="GROUP", help="Only this node group.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    program: ProgramOption = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Per NodePool: the instance types it admits, their sizes and prices, the three cheapest per vCPU, warnings."""
    import json

    from karpenter_infra.catalog.explain import explain_data, render
    from karpenter_infra.cli.target import resolve
    from karpenter_infra.errors import SpecError

    with user_errors():  # one line, exit 2, the message printed as written (never read as console markup)
        # The one validation path: what plan refuses (a fleet for another cluster...) explain refuses too. Its
        # warnings are plan's to print; the catalog's own are in the table.
        report = resolve(stack, program, project_dir, command="explain").require_fleet("explain").catalog_report
        if group is not None and group not in report.pools:
            raise SpecError.one(f"stack {stack!r}", "--group", f"no node group {group!r}: {', '.join(report.pools)}")
    data = explain_data(report, group)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
    else:
        render(data, stdout_console())
