"""``karpenter-infra dashboards``: the Grafana dashboards as JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from karpenter_infra.cli.common import note, user_errors


def dashboards(
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Directory for the dashboard JSON files.")],
    datasource: Annotated[str, typer.Option(metavar="UID", help="Grafana data source uid.")] = "prometheus",
) -> None:
    """Write the Grafana dashboards (per node group, controller) as JSON files, for provisioning or import."""
    import json

    from karpenter_infra.monitoring.dashboards import dashboards as build
    from karpenter_infra.paths import make_dir, output_dir, output_file, write_text

    with user_errors():
        output_dir(out, "dashboards", "--out")
        make_dir(out, "dashboards", "--out")
        for file_name, dashboard in build(datasource_uid=datasource).items():
            path = output_file(out / file_name, "dashboards", "--out")
            write_text(path, json.dumps(dashboard, indent=2, sort_keys=True) + "\n", "dashboards", "--out")
            note(f"wrote {path}")
