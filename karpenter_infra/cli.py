"""karpenter-infra: work with the stacks of a Karpenter fleet offline, without a Pulumi CLI, AWS or a cluster.

Bad input is one line naming the node group and the field, with exit status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from karpenter_infra.errors import SpecError
from karpenter_infra.render.files import to_yaml, write_tree
from karpenter_infra.stack import Stack, load_stack

if TYPE_CHECKING:
    from karpenter_infra.fleet import Fleet
    from karpenter_infra.plan.mocks import PlanResult

# Plain help (no rich panels): typer's rich help shows a `<bool>` value after every flag, which invites
# `--json true`, and renders docstrings' markup raw. Plain help shows flags as flags.
app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__, rich_markup_mode=None)
# soft_wrap: errors name files and fields; a line break inside a path breaks grep and CI log search.
err = Console(stderr=True, soft_wrap=True)

#: ``diff --exit-code`` exits with this when some NodePool or EC2NodeClass change replaces or removes nodes.
#: Not 1 (an unexpected crash) and not 2 (bad input), so CI tells the three apart.
EXIT_REPLACES_NODES = 3

StackOption = Annotated[str, typer.Option("--stack", "-s", help="Stack name: reads stacks/Pulumi.<stack>.yaml.")]
ProjectOption = Annotated[
    Path, typer.Option("--project-dir", help="Directory holding Pulumi.yaml and stacks/.", show_default=False)
]


def fail(exc: SpecError) -> None:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
    raise typer.Exit(2)


@contextmanager
def user_errors() -> Iterator[None]:
    """Every error in the user's input, wherever it surfaces (stack file, nodegroup module, program, components),
    ends here as one line and exit status 2."""
    from karpenter_infra.locate import located

    try:
        yield
    except SpecError as exc:
        fail(exc)
    except ValidationError as exc:  # a model the user's code built outside any module we load
        fail(located(exc, "program"))


def _directory(out: Path, command: str) -> None:
    if out.exists() and not out.is_dir():
        raise SpecError.one(command, "--out", f"{out} is a file; give a directory (it is created if missing)")


def warn(findings: Iterable[object]) -> None:
    for finding in findings:
        err.print(f"[yellow]warning:[/] {escape(str(finding))}", highlight=False)


def checked(loaded: Stack) -> Fleet:
    """The stack's fleet after every plan-time check (``checks.check``), its warnings printed once."""
    from karpenter_infra.checks import check

    fleet = loaded.fleet()
    warn(check(loaded.platform, fleet))
    return fleet


@app.command()
def render(
    stack: StackOption = "dev",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write one file per object and a kustomization here.")
    ] = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Print (or write) the stack's fleet manifests: NodePools, EC2NodeClasses and headroom."""
    with user_errors():
        if out is not None:
            _directory(out, "render")
        manifests = checked(load_stack(stack, project_dir)).manifests()
    if out is None:
        sys.stdout.write(to_yaml(manifests))
    else:
        written = write_tree(manifests, out)
        err.print(f"wrote {len(written)} objects and kustomization.yaml to {out}")


@app.command()
def plan(
    stack: StackOption = "dev",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every resource as {type, name, parent, inputs, depends_on}.")
    ] = False,
    program: Annotated[
        str | None,
        typer.Option(
            "--program",
            help="Run your own Pulumi program instead, given as module:function (e.g. shop_platform.program:main), "
            "with the config of the stack file Pulumi.<stack>.yaml (in --project-dir or its stacks/).",
            show_default=False,
        ),
    ] = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Run the Pulumi program offline under the mock runtime and show what it would create, and its outputs."""
    from karpenter_infra.plan.mocks import MOCK_ACCOUNT, run_program
    from karpenter_infra.plan.report import print_outputs, print_plan

    with user_errors():
        if program is None:
            from karpenter_infra.program import deploy

            loaded = load_stack(stack, project_dir)
            platform = loaded.platform
            result = run_program(
                lambda: deploy(loaded),
                stack=stack,
                region=platform.region or str(loaded.config.get("aws:region", "us-east-1")),
                partition=platform.partition or "aws",
                account_id=platform.account_id or MOCK_ACCOUNT,
                config=loaded.config,
            )
        else:
            result = _run_consumer_program(program, stack, project_dir)
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        # Wide enough for resource names when piped (CI logs); a terminal keeps its own width.
        console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
        print_plan(result, stack, console)
        print_outputs(result, console)
    # What the program logged (the platform logs each check's warning): printed once, here.
    warn(result.warnings)


def _run_consumer_program(reference: str, stack: str, project_dir: Path) -> PlanResult:
    from karpenter_infra.locate import located
    from karpenter_infra.plan.mocks import MOCK_ACCOUNT
    from karpenter_infra.stack import CONFIG_KEY, check_config_keys, read_config
    from karpenter_infra.testing import load_program, run

    candidates = [project_dir / f"Pulumi.{stack}.yaml", project_dir / "stacks" / f"Pulumi.{stack}.yaml"]
    path = next((c for c in candidates if c.is_file()), None)
    config = read_config(stack, path) if path is not None else {}
    check_config_keys(stack, config)
    try:
        function = load_program(reference, project_dir)
    except ValueError as exc:
        raise SpecError.one("plan", "--program", str(exc)) from None
    except ValidationError as exc:
        raise located(exc, f"program {reference!r}") from None
    except ImportError as exc:
        raise SpecError.one("plan", "--program", f"{reference!r}: {exc}") from None
    platform = config.get(CONFIG_KEY)
    settings = platform if isinstance(platform, dict) else {}
    return run(
        function,
        stack=stack,
        project=project_dir.resolve().name,
        region=str(settings.get("region") or config.get("aws:region") or "us-east-1"),
        partition=str(settings.get("partition") or "aws"),
        account_id=str(settings.get("account_id") or MOCK_ACCOUNT),
        config=config,
    )


@app.command()
def diff(
    stack: StackOption = "dev",
    base: Annotated[str, typer.Option("--base", help="Git revision to compare with.")] = "HEAD",
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help=f"Exit with status {EXIT_REPLACES_NODES} when a change replaces or removes nodes (0 otherwise), "
            "so CI can gate on it.",
        ),
    ] = False,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Per-object, per-field diff of the stack's manifests against a git revision, and which changes replace nodes."""
    from karpenter_infra.diff import diff_manifests, replaces_nodes, report
    from karpenter_infra.revision import render_at_revision

    with user_errors():
        loaded = load_stack(stack, project_dir)
        head = checked(loaded).manifests()
        before = render_at_revision(project_dir, base, stack)
    changes = diff_manifests(before, head, loaded.defaults.group_label_key)
    sys.stdout.write(report(changes))
    if exit_code and replaces_nodes(changes):
        raise typer.Exit(EXIT_REPLACES_NODES)


@app.command()
def dashboards(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the dashboard JSON files.")],
    datasource: Annotated[str, typer.Option(help="Grafana data source uid.")] = "prometheus",
) -> None:
    """Write the Grafana dashboards (per node group, controller) as JSON files, for provisioning or import."""
    import json

    from karpenter_infra.monitoring.dashboards import dashboards as build

    with user_errors():
        _directory(out, "dashboards")
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
        err.print(f"[bold red]error:[/] --at: {escape(repr(at))} is not an ISO 8601 instant")
        raise typer.Exit(2) from None
    if instant.tzinfo is None:
        err.print("[bold red]error:[/] --at: give the instant's UTC offset, e.g. 2026-11-23T21:00+01:00")
        raise typer.Exit(2)
    with user_errors():
        groups = [g for g in checked(load_stack(stack, project_dir)).groups if g.off_hours is not None]
    if not groups:
        typer.echo(f"stack {stack!r} schedules no node group: none sets off_hours")
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
