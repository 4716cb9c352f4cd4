"""Time ``simulate`` on the prod stack's fleet: 1,000 Deployments (1 to 4 replicas, a tenth of them on the tainted
workers pool) and 20 DaemonSets. Prints figures; asserts nothing. Run: `make bench`.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from karpenter_infra.catalog.model import shipped_catalog
from karpenter_infra.simulate import simulate
from karpenter_infra.stack import load_stack


def workloads(deployments: int = 1000, daemonsets: int = 20) -> list[dict[str, Any]]:
    rng = random.Random(1)
    found: list[dict[str, Any]] = []
    for n in range(deployments):
        requests = {
            "cpu": rng.choice(["100m", "250m", "500m", "1", "2"]),
            "memory": rng.choice(["256Mi", "1Gi", "4Gi"]),
        }
        spec: dict[str, Any] = {"containers": [{"name": "app", "resources": {"requests": requests}}]}
        if n % 10 == 0:
            spec["tolerations"] = [{"key": "dedicated", "value": "workers", "effect": "NoSchedule"}]
            spec["nodeSelector"] = {"nodegroup": "workers"}
        template = {"metadata": {"labels": {"app": f"app-{n}"}}, "spec": spec}
        found.append(
            {
                "kind": "Deployment",
                "metadata": {"name": f"app-{n}", "namespace": "bench"},
                "spec": {"replicas": rng.randint(1, 4), "template": template},
            }
        )
    for n in range(daemonsets):
        resources = {"requests": {"cpu": "10m", "memory": "32Mi"}}
        spec = {"tolerations": [{"operator": "Exists"}], "containers": [{"name": "agent", "resources": resources}]}
        found.append(
            {
                "kind": "DaemonSet",
                "metadata": {"name": f"agent-{n}", "namespace": "kube-system"},
                "spec": {"template": {"spec": spec}},
            }
        )
    return found


def main() -> None:
    shipped_catalog()
    manifests = load_stack("prod").fleet().manifests()
    objects = workloads()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        result = simulate(manifests, objects)
        times.append(time.perf_counter() - start)
    pods = sum(w.pods for w in result.workloads)
    nodes = sum(len(p.nodes) for p in result.nodepools)
    print(
        f"simulate, prod fleet, 1000 Deployments ({pods} pods) + 20 DaemonSets: {min(times):.3f} s best, "
        f"{statistics.median(times):.3f} s median; {nodes} nodes, ${result.hourly_cost_on_demand:.2f}/hour"
    )


if __name__ == "__main__":
    main()
