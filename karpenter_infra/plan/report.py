"""A plan as a reviewer reads it: the resource tree grouped by component, with counts."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from karpenter_infra.plan.mocks import PlanResult, Registration


def _label(reg: Registration, children: int) -> str:
    short_type = reg.type.split(":")[-1] if reg.type.startswith("karpenter-infra:") else reg.type
    count = f" [dim]({children} resources)[/]" if children else ""
    style = "bold cyan" if not reg.custom else "white"
    return f"[{style}]{short_type}[/] {reg.name}{count}"


def _descendants(urn: str, by_parent: dict[str | None, list[Registration]]) -> int:
    return sum(1 + _descendants(child.urn, by_parent) for child in by_parent.get(urn, []))


def print_plan(result: PlanResult, stack: str, console: Console) -> None:
    by_parent: dict[str | None, list[Registration]] = defaultdict(list)
    known = {r.urn for r in result.registrations}
    for reg in result.registrations:
        parent = reg.parent if reg.parent in known else None
        by_parent[parent].append(reg)
    for children in by_parent.values():
        children.sort(key=lambda r: (r.custom, r.type, r.name))

    root = Tree(f"[bold]stack {stack}[/]: {len(result.registrations)} resources (offline, Pulumi mock runtime)")

    def add(node: Tree, parent: str | None) -> None:
        for reg in by_parent.get(parent, []):
            add(node.add(_label(reg, _descendants(reg.urn, by_parent))), reg.urn)

    add(root, None)
    console.print(root)
    table = Table(title="resources by type", show_edge=False)
    table.add_column("type")
    table.add_column("count", justify="right")
    for type_, count in sorted(Counter(r.type for r in result.registrations).items()):
        table.add_row(type_, str(count))
    console.print(table)


def print_outputs(result: PlanResult, console: Console) -> None:
    """The stack outputs the program exports, as ``pulumi stack output`` would show them; secrets masked."""
    if not result.outputs:
        return
    table = Table(title="stack outputs", show_edge=False)
    table.add_column("output")
    table.add_column("value", overflow="fold")
    for name, value in sorted(result.outputs.items()):
        shown = (
            "[secret]" if name in result.secret_outputs else json.dumps(value) if not isinstance(value, str) else value
        )
        table.add_row(name, escape(shown))
    console.print(table)
