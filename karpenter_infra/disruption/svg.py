"""The week as a picture: one row per pool and reason, hours along the axis, off-hours beside the budgets.

Built with the standard library's ``xml.etree.ElementTree``: well-formed by construction (it escapes every text and
attribute), deterministic (attributes in insertion order), and no new dependency for a few dozen rectangles. Every
drawn window carries its pool, reason, start, end and allowed number as ``data-*`` attributes, so a test (or a
reader's script) can check the picture against the computed windows.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from karpenter_infra.disruption.budgets import REASONS
from karpenter_infra.disruption.report import View
from karpenter_infra.disruption.text import when

LABEL_WIDTH = 230
HOUR_WIDTH = 6
ROW = 16
TOP = 58
COLOURS = {"blocked": "#c0392b", "limited": "#f39c12", "off-hours": "#5d6d7e", "free": "#eafaf1"}


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _x(view: View, instant: datetime) -> float:
    return LABEL_WIDTH + (instant - view.start) / timedelta(hours=1) * HOUR_WIDTH


def _text(parent: ET.Element, x: float, y: float, content: str, **attributes: str) -> None:
    element = ET.SubElement(parent, "text", {"x": f"{x:g}", "y": f"{y:g}", **attributes})
    element.text = content


def _rect(parent: ET.Element, x: float, y: float, width: float, height: float, **attributes: str) -> ET.Element:
    return ET.SubElement(
        parent, "rect", {"x": f"{x:g}", "y": f"{y:g}", "width": f"{width:g}", "height": f"{height:g}", **attributes}
    )


def _axis(svg: ET.Element, view: View, bottom: float) -> None:
    axis = ET.SubElement(svg, "g", {"class": "axis", "font-size": "10"})
    hour = view.start
    while hour <= view.end:
        x = _x(view, hour)
        if hour.hour == 0:
            ET.SubElement(
                axis, "line", {"x1": f"{x:g}", "y1": "30", "x2": f"{x:g}", "y2": f"{bottom:g}", "stroke": "#555"}
            )
            _text(axis, x + 2, 40, hour.strftime("%a %d %b"), **{"font-weight": "bold"})
        elif hour.hour % 6 == 0:
            ET.SubElement(
                axis, "line", {"x1": f"{x:g}", "y1": "44", "x2": f"{x:g}", "y2": f"{bottom:g}", "stroke": "#ccc"}
            )
            _text(axis, x + 1, 52, f"{hour.hour:02d}")
        hour += timedelta(hours=1)


def draw(view: View, stack: str) -> str:
    rows = sum(len(REASONS) + (p.off_hours is not None) for p in view.pools) + len(view.pools)
    height = TOP + rows * ROW + 50
    width = LABEL_WIDTH + 7 * 24 * HOUR_WIDTH + 20
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "font-family": "sans-serif",
            "font-size": "11",
        },
    )
    offset = view.at.strftime("%z")
    assumed = " (assumed)" if view.nodes_assumed else ""
    _text(
        svg,
        8,
        16,
        f"stack {stack}: disruption budgets, week from {when(view.start)}; hours in UTC (--at offset "
        f"{offset[:3]}:{offset[3:]}); {view.nodes} nodes per pool{assumed}",
        **{"font-size": "13", "font-weight": "bold"},
    )
    y = float(TOP)
    body = ET.SubElement(svg, "g", {"class": "rows"})
    for pool in view.pools:
        _text(body, 8, y + 12, f"{pool.name} (group {pool.group})", **{"font-weight": "bold"})
        y += ROW
        for reason in REASONS:
            _text(body, 20, y + 12, reason)
            _rect(body, LABEL_WIDTH, y + 2, 7 * 24 * HOUR_WIDTH, ROW - 4, fill=COLOURS["free"])
            for window in pool.week[reason]:
                if window.allowed is None:
                    continue
                kind = "blocked" if window.allowed == 0 else "limited"
                rect = _rect(
                    body,
                    _x(view, window.start),
                    y + 2,
                    _x(view, window.end) - _x(view, window.start),
                    ROW - 4,
                    fill=COLOURS[kind],
                    **{
                        "class": f"window {kind}",
                        "data-nodepool": pool.name,
                        "data-reason": reason,
                        "data-start": _iso(window.start),
                        "data-end": _iso(window.end),
                        "data-allowed": str(window.allowed),
                    },
                )
                title = ET.SubElement(rect, "title")
                title.text = f"{pool.name} {reason}: {window.allowed} from {when(window.start)} to {when(window.end)}"
            y += ROW
        if pool.off_hours is not None:
            _text(body, 20, y + 12, f"off-hours ({pool.off_hours.timezone})")
            for start, end in pool.scaled_down:
                rect = _rect(
                    body,
                    _x(view, start),
                    y + 2,
                    _x(view, end) - _x(view, start),
                    ROW - 4,
                    fill=COLOURS["off-hours"],
                    **{
                        "class": "off-hours",
                        "data-nodepool": pool.name,
                        "data-start": _iso(start),
                        "data-end": _iso(end),
                    },
                )
                title = ET.SubElement(rect, "title")
                title.text = f"{pool.name} scaled to zero from {when(start)} to {when(end)}"
            y += ROW
    _axis(svg, view, y)
    legend = ET.SubElement(svg, "g", {"class": "legend"})
    x = 8.0
    for kind, label in (
        ("blocked", "blocked (0)"),
        ("limited", "limited to k nodes"),
        ("free", "no limit"),
        ("off-hours", "scaled to zero (off-hours)"),
    ):
        _rect(legend, x, y + 16, 12, 12, fill=COLOURS[kind], stroke="#999")
        _text(legend, x + 16, y + 26, label)
        x += 170
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode", xml_declaration=False) + "\n"
