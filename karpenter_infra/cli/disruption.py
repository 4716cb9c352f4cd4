"""``karpenter-infra disruption``: the stack's disruption budgets now, over the week, and a drift roll-out forecast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from karpenter_infra.cli.common import ProgramOption, ProjectOption, StackOption, note, user_errors, warn

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from typing import Any

    from karpenter_infra.disruption.report import PoolInput
    from karpenter_infra.spec.resolved import ResolvedNodeGroup

    Manifest = dict[str, Any]

#: The pool size shown when --nodes is not given (the output says it was assumed).
ASSUMED_NODES = 10


def parse_at(at: str | None, command: str) -> datetime:
    """``--at``: an ISO 8601 instant with its offset (default: now); one line and exit 2 otherwise."""
    from datetime import UTC, datetime

    from karpenter_infra.disruption.budgets import require_aware
    from karpenter_infra.errors import SpecError

    try:
        instant = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError:
        raise SpecError.one(command, "--at", f"{at!r} is not an ISO 8601 instant like 2026-11-23T21:00+01:00") from None
    if instant.tzinfo is None:
        raise SpecError.one(command, "--at", f"give the instant's UTC offset, e.g. {at}+01:00 or {at}Z")
    try:
        require_aware(instant)
    except ValueError as exc:
        raise SpecError.one(command, "--at", str(exc)) from None
    return instant


def select(groups: Sequence[ResolvedNodeGroup], manifests: Sequence[Manifest], group: str | None) -> list[PoolInput]:
    """The stack's NodePools with their groups, or only ``group``'s (an unknown name is bad input)."""
    from karpenter_infra.disruption.report import PoolInput
    from karpenter_infra.errors import SpecError

    by_pool = {g.nodepool_name: g for g in groups if g.renders_nodepool}
    if group is not None and group not in {g.name for g in by_pool.values()}:
        names = ", ".join(sorted(g.name for g in by_pool.values()))
        raise SpecError.one("disruption", "--group", f"no node group {group!r} renders a NodePool; groups: {names}")
    found = []
    for manifest in manifests:
        owner = by_pool.get(str(manifest["metadata"]["name"])) if manifest.get("kind") == "NodePool" else None
        if owner is not None and group in (None, owner.name):
            found.append(PoolInput(manifest, owner.name, owner.off_hours))
    return found


def disruption(
    stack: StackOption = "dev",
    group: Annotated[
        str | None, typer.Option("--group", "-g", metavar="GROUP", help="Only this node group's pools.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", metavar="INSTANT", help="ISO 8601 instant with offset (default: now), e.g. 2026-11-23T21:00+01:00."
        ),
    ] = None,
    nodes: Annotated[
        int | None,
        typer.Option(
            "--nodes",
            metavar="N",
            min=0,
            help=f"Nodes per pool to scale percentages against (default: {ASSUMED_NODES}).",
        ),
    ] = None,
    week: Annotated[bool, typer.Option("--week", help="Show the seven days from --at as a text timeline.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the version 1 JSON document instead.")] = False,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg", metavar="FILE", help="Write the week as an SVG picture to this file.", show_default=False
        ),
    ] = None,
    rollout: Annotated[
        int | None,
        typer.Option(
            "--rollout", metavar="N", min=0, help="Forecast replacing this many drifted nodes per pool from --at."
        ),
    ] = None,
    replace_minutes: Annotated[
        int,
        typer.Option(
            "--replace-minutes",
            metavar="MINUTES",
            min=1,
            help="Minutes one replacement takes (launch to old node gone).",
        ),
    ] = 5,
    program: ProgramOption = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """How many nodes Karpenter may disrupt per pool and reason: now, over the week, and how long a drift takes."""
    import json

    from karpenter_infra.cli.target import resolve
    from karpenter_infra.disruption import text
    from karpenter_infra.disruption.report import build, document
    from karpenter_infra.disruption.svg import draw
    from karpenter_infra.errors import SpecError
    from karpenter_infra.paths import output_file, write_text

    with user_errors():
        instant = parse_at(at, "disruption")
        size = ASSUMED_NODES if nodes is None else nodes
        if rollout is not None and rollout > size:
            raise SpecError.one(
                "disruption", "--rollout", f"{rollout} drifted nodes exceed the pool size {size}; raise --nodes"
            )
        target = resolve(stack, program, project_dir, command="disruption")
        warn(target.warnings)
        inputs = select(target.require_fleet("disruption").groups, target.manifests, group)
        try:
            view = build(
                inputs, instant, size, nodes_assumed=nodes is None, rollout=rollout, replace_minutes=replace_minutes
            )
        except (ValueError, OverflowError) as exc:
            raise SpecError.one("disruption", "--at", f"{at!r}: {exc}") from None
        if svg is not None:
            write_text(output_file(svg, "disruption", "--svg"), draw(view, stack), "disruption", "--svg")
            note(f"wrote {svg}")
    if as_json:
        sys.stdout.write(json.dumps(document(view, stack), indent=2, sort_keys=True) + "\n")
        return
    out = [text.header(view, stack), text.now(view)]
    if week:
        out.append(text.timeline(view))
    if rollout is not None:
        out.append(
            f"roll-out of {rollout} drifted node(s), {replace_minutes} min per replacement (--replace-minutes):\n"
        )
        out.append("".join(text.rollout(p.rollout, p.name) for p in view.pools if p.rollout is not None))
    sys.stdout.write("\n".join(out))
