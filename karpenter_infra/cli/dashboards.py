"""``karpenter-infra dashboards``: the Grafana dashboards as JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from karpenter_infra.cli.common import directory, err, user_errors


def dashboards(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the dashboard JSON files.")],
    datasource: Annotated[str, typer.Option(help="Grafana data source uid.")] = "prometheus",
) -> None:
    """Write the Grafana dashboards (per node group, controller) as JSON files, for provisioning or import."""
    import json

    from karpenter_infra.monitoring.dashboards import dashboards as build

    with user_errors():
        directory(out, "dashboards")
    out.mkdir(parents=True, exist_ok=True)
    for file_name, dashboard in build(datasource_uid=datasource).items():
        (out / file_name).write_text(json.dumps(dashboard, indent=2, sort_keys=True) + "\n")
        err.print(f"wrote {out / file_name}")
