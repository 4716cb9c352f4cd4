"""Reading any dashboard JSON back (ours or one a user brings): its queries and its panel layout."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def _panels(panels: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels") or [])


def dashboard_queries(dashboard: Mapping[str, Any]) -> list[str]:
    """Every PromQL query of a dashboard's panels and query variables (any dashboard JSON, not only ours)."""
    queries = [
        target["expr"]
        for panel in _panels(dashboard.get("panels") or [])
        for target in panel.get("targets") or []
        if target.get("expr")
    ]
    for variable in (dashboard.get("templating") or {}).get("list") or []:
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        if isinstance(query, Mapping):
            query = query.get("query")
        if isinstance(query, str) and query:
            queries.append(query)
    return queries


def panel_titles_by_row(dashboard: Mapping[str, Any]) -> dict[str, list[str]]:
    """Panel titles under the row they sit in; panels above the first row sit under ``""``."""
    rows: dict[str, list[str]] = {}
    current = ""
    for panel in dashboard.get("panels") or []:
        if panel.get("type") == "row":
            current = panel["title"]
            rows.setdefault(current, [])
            rows[current].extend(child["title"] for child in panel.get("panels") or [])
        else:
            rows.setdefault(current, []).append(panel["title"])
    return rows
