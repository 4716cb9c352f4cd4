"""``explain``: what each NodePool of a fleet admits, as plain data (for ``--json``) and as rich tables."""

from __future__ import annotations

from typing import Any

from karpenter_infra.catalog.report import CatalogReport, PoolReport


def _pool(pool: PoolReport, report: CatalogReport) -> dict[str, Any]:
    s = pool.summary
    return {
        "nodepool": pool.nodepool,
        "group": pool.group,
        "count": s.count,
        "instance_types": sorted(report.catalog.names_of(pool.bits)),
        "families": list(s.families),
        "vcpu": {"min": s.vcpus[0], "max": s.vcpus[1]},
        "memory_mib": {"min": s.memory_mib[0], "max": s.memory_mib[1]},
        "max_pods": {"min": s.pods[0], "max": s.pods[1]},
        "on_demand_price_per_hour": None if s.price is None else {"min": s.price[0], "max": s.price[1]},
        "cheapest_per_vcpu": [
            {"instance_type": name, "price_per_vcpu_hour": round(price, 6)} for name, price in s.cheapest_per_vcpu
        ],
        "warnings": [w.message for w in pool.warnings],
        "silenced_warnings": [{"kind": str(w.kind), "message": w.message} for w in pool.silenced],
    }


def explain_data(report: CatalogReport, group: str | None = None) -> dict[str, Any]:
    pools = [p for name, p in sorted(report.pools.items()) if group is None or name == group]
    names = {p.nodepool for p in pools}
    catalog = report.catalog
    return {
        "catalog": {
            "region": catalog.region,
            "source": catalog.source,
            "types": len(catalog),
            # The backend that launches the pools (``null``: self-managed Karpenter, which launches every type).
            "backend": report.view.backend,
            "launchable_types": report.view.launchable(catalog).bit_count(),
        },
        "nodepools": [_pool(p, report) for p in pools],
        "twins": [
            {"nodepools": list(t.nodepools), "why": t.why, "same_shapes": t.same_shapes, "differing": t.differing}
            for t in report.twins
            if names & set(t.nodepools)
        ],
    }


def _range(low: float, high: float, unit: str = "") -> str:
    return f"{low:g}{unit}" if low == high else f"{low:g}-{high:g}{unit}"


def _families(families: list[str], limit: int = 8) -> str:
    shown = ", ".join(families[:limit])
    return shown + (f" +{len(families) - limit}" if len(families) > limit else "")


def render(data: dict[str, Any], console: Any) -> None:
    """Print ``explain_data`` as a table per fleet, then warnings and twins (``console`` is a rich Console)."""
    from rich.table import Table

    catalog = data["catalog"]
    title = f"instance types each NodePool admits ({catalog['region']} catalog, {catalog['types']} types)"
    if catalog.get("backend"):
        title = (
            f"instance types each NodePool admits on {catalog['backend']} ({catalog['region']} catalog, "
            f"{catalog['launchable_types']} of its {catalog['types']} types launchable there)"
        )
    table = Table(title=title)
    for column in ("nodepool", "types", "families", "vCPU", "memory GiB", "max pods", "$/hour", "cheapest $/vCPU-h"):
        table.add_column(column, justify="right" if column in {"types", "vCPU", "max pods"} else "left")
    for pool in data["nodepools"]:
        price = pool["on_demand_price_per_hour"]
        memory = pool["memory_mib"]
        table.add_row(
            pool["nodepool"],
            str(pool["count"]),
            _families(pool["families"]),
            _range(pool["vcpu"]["min"], pool["vcpu"]["max"]),
            _range(round(memory["min"] / 1024, 1), round(memory["max"] / 1024, 1)),
            _range(pool["max_pods"]["min"], pool["max_pods"]["max"]),
            "-" if price is None else f"{price['min']:.3f}-{price['max']:.2f}",
            "\n".join(f"{c['instance_type']} {c['price_per_vcpu_hour']:.4f}" for c in pool["cheapest_per_vcpu"]),
        )
    console.print(table)
    for pool in data["nodepools"]:
        for warning in pool["warnings"]:
            console.print(f"[yellow]warning:[/] {pool['nodepool']}: {warning}", soft_wrap=True)
        for silenced in pool["silenced_warnings"]:
            console.print(f"silenced ({silenced['kind']}): {pool['nodepool']}: {silenced['message']}", soft_wrap=True)
    for twin in data["twins"]:
        verdict = "same instance shapes" if twin["same_shapes"] else "DIFFERENT instance shapes"
        console.print(f"twins ({twin['why']}): {' + '.join(twin['nodepools'])}: {verdict}", soft_wrap=True)
