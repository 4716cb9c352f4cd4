"""karpenter-infra: work with the stacks of a Karpenter fleet offline, without a Pulumi CLI, AWS or a cluster.

Bad input is one line naming the node group and the field, with exit status 2.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from karpenter_infra.cli import (
    catalog,
    dashboards,
    diff,
    disruption,
    explain,
    importer,
    plan,
    render,
    schedule,
    simulate,
)

# Plain help (no rich panels): typer's rich help shows a `<bool>` value after every flag, which invites
# `--json true`, and renders docstrings' markup raw. Plain help shows flags as flags.
app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__, rich_markup_mode=None)

#: One row per command, in the order `--help` lists them, with the line that list shows: left to click, each
#: docstring's first sentence is cut at 45 characters ("Print (or write) the stack's fleet manifests:...").
COMMANDS: list[tuple[str, Callable[..., None], str]] = [
    (
        "render",
        render.render,
        "The fleet's manifests as YAML: pools, node classes, headroom, off-hours CronJobs, RBAC.",
    ),
    ("plan", plan.plan, "Run the Pulumi program offline (mock runtime): what it would create, its outputs."),
    ("diff", diff.diff, "Per-field diff against a git revision, and which changes replace nodes."),
    ("dashboards", dashboards.dashboards, "Write the Grafana dashboards as JSON files."),
    ("schedule", schedule.schedule, "Which off-hours groups are up or down at an instant, and when that changes."),
    (
        "import-helm-values",
        importer.import_helm_values_command,
        "The karpenter_nodes chart's values as a nodegroup list.",
    ),
    ("explain", explain.explain, "Per NodePool: the instance types it admits, their sizes and prices."),
    ("simulate", simulate.simulate, "Where workloads would land on the fleet, what it costs, what stays pending."),
    (
        "disruption",
        disruption.disruption,
        "How many nodes Karpenter may disrupt per pool: now, over the week, in a drift.",
    ),
]
for name, command, summary in COMMANDS:
    app.command(name, short_help=summary)(command)
app.add_typer(catalog.catalog_app, name="catalog")


def main() -> None:
    app()
