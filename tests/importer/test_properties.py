"""Property: for any values set the import accepts, the generated module, ``--render`` and the fleet with nothing
hoisted are the same manifests.

Hoisting is where a lossy bug would hide (a value moved to the defaults that one group must not inherit), so the
generated groups vary in the keys whose inheritance differs: scalars, lists, key-by-key maps and the AMI.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karpenter_infra import Fleet
from karpenter_infra.importer.command import import_helm_values

from .support import BASE, explicit_fleet, write

group_settings = st.fixed_dictionaries(
    {},
    optional={
        "weight": st.integers(1, 4),
        "expireAfter": st.sampled_from(["720h", "Never", "24h"]),
        "amiFamily": st.sampled_from(["AL2", "AL2023", "Bottlerocket"]),
        "labels": st.dictionaries(st.sampled_from(["team", "tier"]), st.sampled_from(["a", "b"]), max_size=2),
        "nodeTags": st.dictionaries(st.sampled_from(["team", "cost"]), st.sampled_from(["x", "y"]), min_size=1),
        "kubeletMaxPods": st.sampled_from([58, 110]),
        "instances": st.fixed_dictionaries(
            {},
            optional={
                "capacityType": st.sampled_from([["spot"], ["on-demand"], ["spot", "on-demand"]]),
                "architecture": st.sampled_from(["amd64", "arm64"]),
            },
        ),
        "detailedMonitoring": st.booleans(),
        "instanceStorePolicy": st.just("RAID0"),
    },
)
values_sets = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), group_settings, min_size=1)


def module_fleet(module: str) -> Fleet:
    namespace: dict[str, Any] = {}
    exec(compile(module, "imported.py", "exec"), namespace)
    return Fleet(namespace["DEFAULTS"], namespace["NODEGROUPS"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=values_sets, global_weight=st.integers(1, 4))
def test_the_module_renders_what_render_prints(groups: dict[str, dict[str, Any]], global_weight: int) -> None:
    for settings_ in groups.values():
        settings_.setdefault("instances", {})
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "values.yaml", {**BASE, "weight": global_weight, "nodeGroups": groups})
        rendered = import_helm_values([path], render=True)
        module = import_helm_values([path]).output
        explicit = explicit_fleet([path]).manifests()
    assert module_fleet(module).manifests() == rendered.manifests
    assert rendered.manifests == explicit
