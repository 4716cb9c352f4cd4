"""Property: for any values set the import accepts, adopting the release replaces no node and recreates nothing.

The values vary where adoption is easy to get wrong: zeros and ``false`` printed through ``x | default y``, volume
fields the chart leaves out, headroom selectors and namespaces. The live side is the chart model.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karpenter_infra.importer.command import import_helm_values
from karpenter_infra.importer.report import Status

from .support import BASE, harmless, write

_size = {"volumeSize": st.sampled_from(["20Gi", "100Gi"])}
_flags = {"encrypted": st.booleans(), "deleteOnTermination": st.booleans()}
# Only volumes EC2 launches: gp2 takes no iops, io2 requires them (karpenter_infra/rules/ebs.py refuses the rest).
ebs = st.one_of(
    st.fixed_dictionaries(_size, optional=_flags),
    st.fixed_dictionaries({**_size, "volumeType": st.just("gp3")}, optional={**_flags, "iops": st.just(3000)}),
    st.fixed_dictionaries({**_size, "volumeType": st.just("gp2")}, optional=_flags),
    st.fixed_dictionaries({**_size, "volumeType": st.just("io2"), "iops": st.just(3000)}, optional=_flags),
)
headroom = st.fixed_dictionaries(
    {"size": st.sampled_from(["small", "medium"]), "nameSpaces": st.lists(st.sampled_from(["web", "db"]), max_size=2)},
    optional={
        "count": st.integers(0, 3),
        "antiAffinitySpec": st.lists(
            st.one_of(
                st.fixed_dictionaries(
                    {"key": st.just("app"), "operator": st.sampled_from(["In", "NotIn"]), "values": st.just(["x", "y"])}
                ),
                st.fixed_dictionaries(
                    {"key": st.just("tier"), "operator": st.sampled_from(["Exists", "DoesNotExist"])}
                ),
            ),
            min_size=1,
            max_size=2,
        ),
    },
)
group_settings = st.fixed_dictionaries(
    {"instances": st.just(dict[str, Any]())},
    optional={
        "kubeletPodsPerCore": st.sampled_from([0, 4]),
        "kubeletImageGCLowThresholdPercent": st.sampled_from([0, 40]),
        "kubeletCpuCFSQuota": st.booleans(),
        "detailedMonitoring": st.booleans(),
        "associatePublicIPAddress": st.booleans(),
        "blockDeviceMappings": st.lists(
            st.fixed_dictionaries({"deviceName": st.sampled_from(["/dev/xvda", "/dev/xvdb"]), "ebs": ebs}),
            min_size=1,
            max_size=2,
            unique_by=lambda d: str(d["deviceName"]),
        ),
        "headRoom": st.lists(headroom, min_size=1, max_size=2, unique_by=lambda h: str(h["size"])),
    },
)
top_level = st.fixed_dictionaries(
    {},
    optional={
        "kubeletPodsPerCore": st.sampled_from([0, 2]),
        "kubeletCpuCFSQuota": st.booleans(),
        "detailedMonitoring": st.booleans(),
        "headRoomNamespace": st.sampled_from(["capacity", "karpenter"]),
    },
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=st.dictionaries(st.sampled_from(["a", "b", "c"]), group_settings, min_size=1), top=top_level)
def test_adoption_replaces_no_node_and_recreates_nothing(groups: dict[str, Any], top: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "values.yaml", {**BASE, **top, "nodeGroups": groups})
        result = import_helm_values([path], report=True)
    for report in result.report:
        assert report.status in (Status.IDENTICAL, Status.IN_PLACE, Status.NEVER_LIVE), report
        assert all(harmless(f.path, f.before, f.after) for f in report.fields), report
        if report.status is Status.NEVER_LIVE:  # the fix of a refused object always comes with its warning
            assert any(w.group is not None and f"{w.group}-" in report.name for w in result.warnings), report
