"""``karpenter-infra simulate``: where the workloads land on the stack's fleet, what it costs, what stays pending."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from karpenter_infra.cli.common import (
    ProgramOption,
    ProjectOption,
    StackOption,
    stdout_console,
    user_errors,
    warn,
)

if TYPE_CHECKING:
    from rich.console import Console

    from karpenter_infra.catalog.model import Catalog
    from karpenter_infra.simulate import Simulation

WorkloadsOption = Annotated[
    list[Path],
    typer.Option(
        "--workloads",
        "-w",
        metavar="PATH",
        help="A multi-document YAML file, or a directory of them (*.yaml, *.yml, recursively). Repeatable.",
    ),
]

#: Exit status when some pod would stay pending (``--exit-code``).
PENDING_EXIT = 4


def stack_fleet(stack: str, program: str | None, project_dir: Path) -> tuple[list[dict[str, Any]], Catalog | None]:
    """The rendered fleet of ``--stack`` (or ``--program``, through the shared target resolution) and the catalog
    the stack names (``None``: the shipped one)."""
    from karpenter_infra.cli.target import resolve

    resolved = resolve(stack, program, project_dir, command="simulate")
    warn(resolved.warnings)
    return list(resolved.manifests), resolved.catalog


def simulate(
    workloads: WorkloadsOption,
    stack: StackOption = "dev",
    program: ProgramOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (version 1).")] = False,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help=f"Exit {PENDING_EXIT} when any pod would stay pending.")
    ] = False,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Simulate Karpenter's scheduler on the stack's fleet (no nodes yet): pools, nodes, cost and pending pods."""
    import json

    from karpenter_infra.simulate import load_workloads
    from karpenter_infra.simulate import simulate as run

    with user_errors():
        loaded = load_workloads(workloads)
        manifests, catalog = stack_fleet(stack, program, project_dir)
        result = run(manifests, loaded, catalog=catalog)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        render(result, stdout_console())
    if exit_code and result.pending:
        raise typer.Exit(PENDING_EXIT)


def _types(names: list[str], shown: int = 3) -> str:
    if not names:
        return "-"
    more = f" (+{len(names) - shown})" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def render(result: Simulation, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    workloads = Table(title="Workloads", title_justify="left")
    for column in ("workload", "pool", "instance types", "pods", "pending", "reason"):
        workloads.add_column(column, justify="right" if column in ("pods", "pending") else "left")
    for w in result.workloads:
        pools = ", ".join(f"{pool} ({pods})" if len(w.placements) > 1 else pool for pool, pods in w.placements)
        reason = ""
        if w.pending:
            # Taints are the commonest and least interesting reason: the others first, two shown, --json has all.
            used = {pool for pool, _ in w.placements}
            ranked = sorted(
                w.reasons.items(),
                key=lambda item: (
                    item[0] not in used,
                    item[1].startswith("did not tolerate"),
                    item[1].startswith("incompatible requirements"),
                    item[0],
                ),
            )
            reason = "; ".join(f"{pool}: {why}" for pool, why in ranked[:2])
            reason += f" (+{len(ranked) - 2} pools, see --json)" if len(ranked) > 2 else ""
        workloads.add_row(
            escape(f"{w.kind} {w.namespace}/{w.name}"),
            escape(pools or "-"),
            escape(_types(w.instance_types)),
            str(w.pods),
            str(w.pending),
            escape(reason),
            style="bold red" if w.pending else None,
        )
    console.print(workloads)
    pool_table = Table(title="NodePools", title_justify="left")
    for column in ("pool", "pods", "nodes", "types", "$/hour (on-demand)"):
        pool_table.add_column(column, justify="left" if column in ("pool", "types") else "right")
    for p in result.nodepools:
        counts: dict[str, int] = {}
        for node in p.nodes:
            label = f"{node.instance_type} {node.capacity_type}"
            counts[label] = counts.get(label, 0) + 1
        kinds = ", ".join(f"{n}x {label}" for label, n in sorted(counts.items()))
        pool_table.add_row(
            escape(p.name), str(p.pods), str(len(p.nodes)), escape(kinds or "-"), f"{p.hourly_cost_on_demand:.4f}"
        )
    console.print(pool_table)
    console.print(
        f"total: ${result.hourly_cost_on_demand:.4f}/hour at on-demand prices (an upper bound for spot nodes)"
    )
    if result.pending:
        console.print(f"[bold red]{result.pending} pod(s) would stay pending[/]")
    if result.skipped_kinds:
        skipped = ", ".join(f"{kind} {n}" for kind, n in sorted(result.skipped_kinds.items()))
        console.print(f"skipped (not workloads): {escape(skipped)}")
    console.print("not modelled: " + escape("; ".join(result.not_modelled)), style="dim")
