"""How long a drift roll-out takes under a pool's budgets: a minute-by-minute simulation.

The model, and what it leaves out:

- The pool has ``nodes`` initialized nodes, ``drifted`` of them drifted. Karpenter counts the pool as its
  initialized, non-terminating nodes, and a node being replaced uses up the allowance until its replacement is
  ready (kubernetes-sigs/karpenter ``pkg/controllers/disruption/helpers.go``, ``BuildDisruptionBudgetMapping``:
  a node marked for deletion counts as disrupting, an uninitialized replacement does not count). A replacement
  launches, initializes and drains the old node in ``replace_minutes``; then the old node terminates and the new one
  counts. The pool size therefore stays ``nodes`` throughout.
- Drift makes one decision per node (``Drift.ComputeCommands`` returns one candidate per command) and the
  controller loops again at once after a command (``Controller.Reconcile``), so within one minute decisions follow
  one another until the Drifted allowance at that minute is used.
- Left out: pods that cannot be rescheduled (Karpenter then skips the node), other disruption reasons competing for
  the same nodes, launch failures, and nodes Karpenter is already replacing when the roll-out starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from karpenter_infra.disruption.budgets import require_aware
from karpenter_infra.disruption.windows import Window, windows

HORIZON = timedelta(days=30)
DEFAULT_REPLACE_MINUTES = 5
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Forecast:
    start: datetime
    nodes: int
    drifted: int
    replace_minutes: int
    starts: tuple[datetime, ...]  # when each replacement was decided, in order
    done: datetime | None  # the last replacement ready; None when not within the horizon
    why: str  # one sentence: how it went, or why it does not finish


def forecast(
    nodepool: Mapping[str, Any],
    start: datetime,
    nodes: int,
    drifted: int,
    replace_minutes: int = DEFAULT_REPLACE_MINUTES,
) -> Forecast:
    require_aware(start)
    if not 0 <= drifted <= nodes:
        raise ValueError(f"drifted nodes must be between 0 and the pool's {nodes} nodes, got {drifted}")
    if replace_minutes < 1:
        raise ValueError(f"a replacement takes at least a minute, got {replace_minutes}")
    end = start + HORIZON
    found = windows(nodepool, start, end, nodes)["Drifted"]
    step = timedelta(minutes=replace_minutes)
    in_flight: list[datetime] = []  # when each replacement in progress is ready
    starts: list[datetime] = []
    cursor, now = 0, start
    while len(starts) < drifted and now < end:
        while found[cursor].end <= now:
            cursor += 1
        in_flight = [ready for ready in in_flight if ready > now]
        allowed = found[cursor].allowed
        room = drifted - len(starts) if allowed is None else max(allowed - len(in_flight), 0)
        for _ in range(min(room, drifted - len(starts))):
            starts.append(now)
            in_flight.append(now + step)
        now += _MINUTE
    done = starts[-1] + step if len(starts) == drifted and drifted and starts[-1] + step <= end else None
    if drifted == 0:
        done = start
    return Forecast(start, nodes, drifted, replace_minutes, tuple(starts), done, _why(found, starts, drifted, done))


def _why(found: list[Window], starts: list[datetime], drifted: int, done: datetime | None) -> str:
    if done is not None:
        return f"{drifted} node(s) replaced"
    errors = {w.error for w in found if w.error}
    if errors:
        return f"Karpenter cannot evaluate the budgets and allows 0 ({sorted(errors)[0]})"
    if all(w.allowed == 0 for w in found):
        deciders = sorted({w.budget for w in found if w.budget is not None})
        named = ", ".join(f"budget {i}" for i in deciders)
        return f"drift is blocked for all of the next 30 days ({named})"
    open_hours = sum((w.end - w.start for w in found if w.allowed != 0), timedelta()) / timedelta(hours=1)
    return (
        f"only {len(starts)} of {drifted} replacement(s) start within 30 days: drift is allowed in "
        f"{open_hours:.0f} h of them"
    )
