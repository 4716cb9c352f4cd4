"""Every workload simulate places fits its first instance type, by arithmetic done here from the catalog."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from karpenter_infra.catalog.model import shipped_catalog
from tests.simulate.support import deployment, node_pool, run, types

CATALOG = shipped_catalog()
FLEET = [node_pool("general", types("c7i.large", "m7i.large", "m7i.xlarge", "r7i.large", "m7g.large"))]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4000), st.integers(1, 16000), st.integers(0, 4)), min_size=1, max_size=4))
def test_placed_workloads_fit_their_first_type(shapes: list[tuple[int, int, int]]) -> None:
    workloads = [
        deployment(f"w{n}", cpu=f"{cpu}m", memory=f"{mib}Mi", replicas=replicas)
        for n, (cpu, mib, replicas) in enumerate(shapes)
    ]
    result = run(FLEET, workloads).to_dict()
    for (cpu, mib, replicas), workload in zip(shapes, result["workloads"], strict=True):
        if not workload["placements"]:
            assert workload["pending"] == replicas
            continue
        i = CATALOG.ids[workload["instance_types"][0]]
        assert cpu <= CATALOG.resources["cpu"][i] and mib <= CATALOG.resources["memory"][i]
        assert CATALOG.resources["pods"][i] >= 1
    for node in result["nodepools"][0]["nodes"]:
        assert node["pods"] <= CATALOG.resources["pods"][CATALOG.ids[node["instance_type"]]]
