"""karpenter-infra: work with the stacks of a Karpenter fleet offline, without a Pulumi CLI, AWS or a cluster.

Bad input is one line naming the node group and the field, with exit status 2.
"""

from __future__ import annotations

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

# One line per command, in the order `--help` lists them.
app.command("render")(render.render)
app.command("plan")(plan.plan)
app.command("diff")(diff.diff)
app.command("dashboards")(dashboards.dashboards)
app.command("schedule")(schedule.schedule)
app.command("import-helm-values")(importer.import_helm_values_command)
app.command("explain")(explain.explain)
app.command("simulate")(simulate.simulate)
app.command("disruption")(disruption.disruption)
app.add_typer(catalog.catalog_app, name="catalog")


def main() -> None:
    app()
