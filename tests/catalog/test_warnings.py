"""Plan-time warnings: they never block, each names the group, and each can be switched off per group."""

from __future__ import annotations

from karpenter_infra import CapacitySpread, Headroom, Instances, NodeGroup
from karpenter_infra.checks import check
from karpenter_infra.spec.platform import PlatformSpec
from tests.catalog.support import fleet, warnings_of

FOUR_SPOT = Instances(capacity_types=["spot"], instance_types=["m7i.large", "m7i.xlarge", "c7i.large", "r7i.large"])


def test_a_spot_pool_of_fewer_than_15_types() -> None:
    built = fleet(
        NodeGroup(name="s", instances=FOUR_SPOT),
        NodeGroup(name="od", instances=FOUR_SPOT.model_copy(update={"capacity_types": ["on-demand"]})),
    )
    assert warnings_of(built, "s") == [
        "spot-diversity: spot pool admits 4 instance types (fewer than 15): one spot price or capacity event can "
        "take them all; admit more families or sizes"
    ]
    assert warnings_of(built, "od") == []
    wide = fleet(NodeGroup(name="s", instances=Instances(capacity_types=["spot"], cores=[4])))
    assert warnings_of(wide, "s") == []


def test_only_previous_generation_or_xen_types() -> None:
    built = fleet(NodeGroup(name="old", instances=Instances(instance_types=["c4.large", "m4.large", "t2.micro"])))
    assert warnings_of(built, "old") == [
        "previous-generation: admits only previous-generation or Xen instance types (c4, m4, t2): raise "
        "instances.min_generation or name current families"
    ]
    mixed = fleet(NodeGroup(name="mixed", instances=Instances(instance_types=["c4.large", "c7i.large"])))
    assert warnings_of(mixed, "mixed") == []


def test_a_wide_price_range_is_no_warning() -> None:
    """Retired: it fired on every unbounded pool (Karpenter picks the cheapest type that fits; that is the design)."""
    built = fleet(NodeGroup(name="wide"), NodeGroup(name="bounded", instances=Instances(cores=[4, 8, 16])))
    assert warnings_of(built, "wide") == warnings_of(built, "bounded") == []
    fleet(NodeGroup(name="old", catalog_warnings_off=["price-spread"]))  # still accepted


def test_headroom_that_fits_only_within_the_margin() -> None:
    built = fleet(NodeGroup(name="edge", instances=Instances(cores=[8]), headroom=[Headroom(cpu="8", memory="1Gi")]))
    assert warnings_of(built, "edge") == [
        "headroom-edge: headroom pods of size 8cpu-1gi fit the largest admitted node only within the 5% margin of "
        "its allocatable resources: they may stay pending"
    ]


def test_twins_that_admit_other_shapes() -> None:
    spot = NodeGroup(name="sp", capacity_spread=CapacitySpread(start=1, end=5), instances=Instances(cores=[4, 8]))
    twin = NodeGroup(name="sp-od", group_label="sp", node_class="sp", capacity_spread=CapacitySpread(start=6, end=6))
    same = fleet(spot, twin.model_copy(update={"instances": Instances(cores=[4, 8])}))
    assert [(t.nodepools, t.same_shapes) for t in same.catalog_report.twins] == [(("sp-amd64", "sp-od-amd64"), True)]
    assert warnings_of(same, "sp-od") == []
    different = fleet(spot, twin.model_copy(update={"instances": Instances(cores=[4])}))
    assert [(t.nodepools, t.same_shapes) for t in different.catalog_report.twins] == [
        (("sp-amd64", "sp-od-amd64"), False)
    ]
    assert warnings_of(different, "sp-od") == [
        "twin-shapes: differs from its twin sp-amd64 (group label 'sp') in 9 instance shapes (vCPU, memory, arch): "
        "the twins would run different hardware"
    ]
    assert warnings_of(different, "sp") == []


def test_each_warning_switches_off_per_group_and_is_inherited_from_the_defaults() -> None:
    quiet = NodeGroup(name="q", instances=FOUR_SPOT, catalog_warnings_off=["spot-diversity"])
    loud = NodeGroup(name="l", instances=FOUR_SPOT)
    built = fleet(quiet, loud)
    assert warnings_of(built, "q") == []
    assert [w.kind for w in built.catalog_report.pools["q"].silenced] == ["spot-diversity"]
    assert len(warnings_of(built, "l")) == 1
    inherited = fleet(loud, catalog_warnings_off=["spot-diversity"])
    assert warnings_of(inherited, "l") == []
    # A group's own list replaces the defaults' (lists replace, as everywhere).
    own = fleet(
        NodeGroup(name="l", instances=FOUR_SPOT, catalog_warnings_off=[]), catalog_warnings_off=["spot-diversity"]
    )
    assert len(warnings_of(own, "l")) == 1
    by_id = fleet(NodeGroup(name="l", instances=FOUR_SPOT, warnings_off=["spot-diversity"]))
    assert warnings_of(by_id, "l") == []


def test_catalog_warnings_are_plan_findings() -> None:
    platform = PlatformSpec.model_validate(
        {
            "nodegroups": "x",
            "cluster": {"name": "c", "vpc_id": "vpc-0a", "private_subnet_ids": ["subnet-0a", "subnet-0b"]},
        }
    )
    findings = [str(f) for f in check(platform, fleet(NodeGroup(name="s", instances=FOUR_SPOT)))]
    assert findings == [
        "nodegroup 's': instances: spot pool admits 4 instance types (fewer than 15): one spot price or capacity "
        "event can take them all; admit more families or sizes"
    ]
