"""The panel builders both dashboards are made of, and the step that turns a dashboard into a plain dict.

Every panel goes through these few functions, so the two dashboards share one look: table legends with last and
max, a multi-series tooltip, and a row layout with ids numbered in reading order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from grafana_foundation_sdk.builders import bargauge, prometheus, stat, timeseries
from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard as builders
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as models

TAGS = ["karpenter", "karpenter-infra"]
RATE = "$__rate_interval"

Panel = timeseries.Panel | stat.Panel | bargauge.Panel
Rows = Sequence[tuple[str, Sequence[Panel]]]
# (PromQL expression, legend format)
Query = tuple[str, str]


def query(expr: str, legend: str, ref_id: str) -> prometheus.Dataquery:
    return prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref_id).range()


def targets(queries: Sequence[Query]) -> list[cogbuilder.Builder[cogvariants.Dataquery]]:
    return [query(expr, legend, chr(ord("A") + index)) for index, (expr, legend) in enumerate(queries)]


def timeseries_panel(
    title: str,
    description: str,
    unit: str,
    queries: Sequence[Query],
    *,
    stacked: bool = False,
    bars: bool = False,
    threshold: float | None = None,
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .unit(unit)
        .min(0)
        .height(8)
        .span(8)
        .targets(targets(queries))
        .legend(
            common_builders.VizLegendOptions()
            .display_mode(common.LegendDisplayMode.TABLE)
            .placement(common.LegendPlacement.BOTTOM)
            .show_legend(True)
            .calcs(["lastNotNull", "max"])
        )
        .tooltip(
            common_builders.VizTooltipOptions().mode(common.TooltipDisplayMode.MULTI).sort(common.SortOrder.DESCENDING)
        )
        .fill_opacity(30 if stacked else 10)
        .draw_style(common.GraphDrawStyle.BARS if bars else common.GraphDrawStyle.LINE)
        .stacking(
            common_builders.StackingConfig().mode(common.StackingMode.NORMAL if stacked else common.StackingMode.NONE)
        )
    )
    if threshold is not None:
        panel = panel.thresholds(thresholds([(threshold, "red")])).thresholds_style(
            common_builders.GraphThresholdsStyleConfig().mode(common.GraphTresholdsStyleMode.DASHED)
        )
    return panel


def thresholds(steps: Sequence[tuple[float, str]]) -> builders.ThresholdsConfig:
    return (
        builders.ThresholdsConfig()
        .mode(models.ThresholdsMode.ABSOLUTE)
        .steps(
            [
                models.Threshold(value=None, color="green"),
                *(models.Threshold(value=v, color=c) for v, c in steps),
            ]
        )
    )


def stat_panel(title: str, description: str, expr: str, legend: str, *, red_below: float | None) -> stat.Panel:
    steps = [(red_below, "green")] if red_below is not None else []
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .unit("short")
        .height(4)
        .span(6)
        .targets([query(expr, legend, "A")])
        .reduce_options(common_builders.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .graph_mode(common.BigValueGraphMode.NONE)
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .text_mode(common.BigValueTextMode.VALUE if red_below is not None else common.BigValueTextMode.NAME)
        .thresholds(
            builders.ThresholdsConfig()
            .mode(models.ThresholdsMode.ABSOLUTE)
            .steps(
                [models.Threshold(value=None, color="red" if red_below is not None else "blue")]
                + [models.Threshold(value=v, color=c) for v, c in steps]
            )
        )
    )


def assemble(title: str, uid: str, description: str, datasource_uid: str, rows: Rows) -> builders.Dashboard:
    datasource = models.DataSourceRef(type_val="prometheus", uid=datasource_uid)
    dashboard = (
        builders.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(TAGS)
        .editable()
        .time("now-24h", "now")
        .refresh("1m")
        .timezone("browser")
        .tooltip(models.DashboardCursorSync.CROSSHAIR)
    )
    panel_id = 0
    for row_title, panels in rows:
        panel_id += 1
        dashboard = dashboard.with_row(builders.Row(row_title).id(panel_id))
        for panel in panels:
            panel_id += 1
            dashboard = dashboard.with_panel(panel.id(panel_id).datasource(datasource))
    return dashboard


def to_dict(dashboard: builders.Dashboard) -> dict[str, Any]:
    # The SDK's models serialise through to_json(); a JSON round trip turns them into plain, key-sorted dicts.
    result: dict[str, Any] = json.loads(json.dumps(dashboard.build(), cls=JSONEncoder, sort_keys=True))
    return result
