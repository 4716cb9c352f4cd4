"""The terminal views of ``karpenter-infra disruption``: plain text, deterministic, one concern per function."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from karpenter_infra.disruption.budgets import REASONS, Budget, Decision
from karpenter_infra.disruption.forecast import Forecast
from karpenter_infra.disruption.report import PoolView, View
from karpenter_infra.disruption.windows import Window

HOUR = timedelta(hours=1)
#: One character per hour of the week: blocked, limited to 1-9, limited to 10 or more, no limit, scaled to zero.
BLOCKED, MANY, FREE, DOWN = "0", "+", ".", "z"


def when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%a %Y-%m-%d %H:%M UTC")


def _allowed(value: int | None) -> str:
    return "no limit" if value is None else str(value)


def _decider(pool: PoolView, decision: Decision) -> str:
    if decision.error:
        return f"budget {decision.budget} cannot be evaluated: Karpenter fails closed"
    if decision.budget is None:
        return "no active budget"
    return _budget_text(pool.budgets[decision.budget])


def _budget_text(budget: Budget) -> str:
    window = f", '{budget.schedule}' for {budget.duration}" if budget.scheduled else ""
    return f"budget {budget.index} (nodes {budget.nodes}{window})"


def header(view: View, stack: str) -> str:
    assumed = " (assumed; set --nodes)" if view.nodes_assumed else ""
    offset = view.at.strftime("%z")
    shown = f"{offset[:3]}:{offset[3:]}" if offset else "+00:00"
    return (
        f"stack {stack}: disruption budgets at {when(view.at)} (--at offset {shown}), "
        f"{view.nodes} node(s) per pool{assumed}\n"
    )


def now(view: View) -> str:
    lines = []
    for pool in view.pools:
        lines.append(f"{pool.name} (group {pool.group})")
        for reason in REASONS:
            if reason in pool.unused:
                lines.append(f"  {reason:<14}{'-':>9}  never used here: {pool.unused[reason]}")
                continue
            decision, change = pool.now[reason], pool.next_change[reason]
            later = (
                "no change within 7 days" if change is None else f"{_allowed(change.allowed)} from {when(change.start)}"
            )
            lines.append(f"  {reason:<14}{_allowed(decision.allowed):>9}  {_decider(pool, decision)}; next: {later}")
    return "\n".join(lines) + "\n"


def _cell(found: list[Window], start: datetime) -> str:
    """The tightest limit within the hour from ``start``."""
    values = [w.allowed for w in found if w.start < start + HOUR and w.end > start]
    limited = [v for v in values if v is not None]
    if not limited:
        return FREE
    tightest = min(limited)
    return BLOCKED if tightest == 0 else (str(tightest) if tightest < 10 else MANY)


def _strip(cells: list[str]) -> str:
    return "|".join("".join(cells[day * 24 : day * 24 + 24]) for day in range(7))


def timeline(view: View) -> str:
    """The week, one character per hour, a ``|`` between days (days start at the hour of ``--at``)."""
    hours = [view.start + i * HOUR for i in range(7 * 24)]
    label = 16
    days = "|".join(f"{(view.start + timedelta(days=d)).strftime('%a %d %H:00'):<24}" for d in range(7))
    lines = [
        f"week from {when(view.start)}, one character per hour: {BLOCKED} blocked, 1-9 at most that many nodes, "
        f"{MANY} 10 or more, {FREE} no limit, {DOWN} scaled to zero by off-hours",
        f"{'':<{label}}{days}".rstrip(),
    ]
    for pool in view.pools:
        lines.append(f"{pool.name} (group {pool.group})")
        for reason in REASONS:
            lines.append(f"  {reason:<{label - 2}}{_strip([_cell(pool.week[reason], h) for h in hours])}")
        if pool.off_hours is not None:
            down = [DOWN if any(s < h + HOUR and e > h for s, e in pool.scaled_down) else FREE for h in hours]
            lines.append(f"  {'off-hours':<{label - 2}}{_strip(down)}")
        for reason in REASONS:
            blocked = blocked_spans(pool.week[reason])
            if blocked:
                shown = ", ".join(f"{s:%a %H:%M}-{e:%a %H:%M}" for s, e in blocked[:7])
                more = f" and {len(blocked) - 7} more" if len(blocked) > 7 else ""
                lines.append(f"    {reason} blocked: {shown}{more}")
    return "\n".join(lines) + "\n"


def blocked_spans(found: list[Window]) -> list[tuple[datetime, datetime]]:
    """The windows that allow 0, adjacent ones merged (whichever budget decides each)."""
    spans: list[tuple[datetime, datetime]] = []
    for window in found:
        if window.allowed != 0:
            continue
        if spans and spans[-1][1] == window.start:
            spans[-1] = (spans[-1][0], window.end)
        else:
            spans.append((window.start, window.end))
    return spans


def rollout(result: Forecast, pool: str) -> str:
    assumed = f"{result.replace_minutes} min per replacement"
    if result.done is None:
        return f"{pool}: {result.drifted} drifted node(s) of {result.nodes}: not done within 30 days: {result.why}\n"
    taken = result.done - result.start
    return (
        f"{pool}: {result.drifted} drifted node(s) of {result.nodes}: last replaced {when(result.done)} "
        f"({_duration(taken)} after --at; {assumed})\n"
    )


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d"] if days else []
    return " ".join([*parts, f"{hours}h{minutes:02d}m"])


def estimate(result: Forecast) -> str:
    """The forecast as ``diff`` shows it beside a pool whose nodes a change replaces."""
    head = f"estimate for {result.drifted} nodes"
    if result.done is None:
        return f"{head}: not done within 30 days: {result.why}"
    return (
        f"{head}: last replaced {when(result.done)} ({_duration(result.done - result.start)} after --at; "
        f"{result.replace_minutes} min per replacement)"
    )
