"""``karpenter-infra schedule``: which scheduled groups are up or down at an instant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from karpenter_infra.cli.common import ProgramOption, ProjectOption, StackOption, stdout_console, user_errors, warn


def schedule(
    stack: StackOption = "dev",
    at: Annotated[
        str | None,
        typer.Option(
            "--at", metavar="INSTANT", help="ISO 8601 instant with offset (default: now), e.g. 2026-11-23T21:00+01:00."
        ),
    ] = None,
    program: ProgramOption = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Which scheduled groups are up or down at an instant, and when each changes next (what the CronJobs do)."""
    from datetime import UTC, datetime

    from rich.table import Table

    from karpenter_infra.cli.target import resolve
    from karpenter_infra.errors import SpecError
    from karpenter_infra.schedule import is_up, next_transition

    with user_errors():
        try:
            instant = datetime.fromisoformat(at) if at else datetime.now(UTC)
        except ValueError:
            raise SpecError.one("schedule", "--at", f"{at!r} is not an ISO 8601 instant") from None
        if instant.tzinfo is None:
            raise SpecError.one("schedule", "--at", "give the instant's UTC offset, e.g. 2026-11-23T21:00+01:00")
        if not 1970 <= instant.year <= 9000:  # the next change is searched for up to weeks ahead: year 9999 overflows
            raise SpecError.one("schedule", "--at", f"{at!r} is out of range: give a year from 1970 to 9000")
        target = resolve(stack, program, project_dir, command="schedule")
        groups = [g for g in target.require_fleet("schedule").groups if g.off_hours is not None]
    warn(target.warnings)
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
    stdout_console().print(table)
