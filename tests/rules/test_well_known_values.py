"""A value outside a well-known key's defined set: refused when nothing can ever match, else a warning."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError

DEFAULTS = NodeGroupDefaults(cluster_name="c")


def _fleet(**settings: Any) -> Fleet:
    return Fleet(DEFAULTS, [NodeGroup.model_validate({"name": "web", **settings})], node_role="R")


def _term(key: str, operator: str, *values: str) -> dict[str, Any]:
    return {"additional_requirements": [{"key": key, "operator": operator, "values": list(values)}]}


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        (
            _term("karpenter.k8s.aws/instance-hypervisor", "In", "kvm"),
            "additional_requirements[0].values",
            "karpenter.k8s.aws/instance-hypervisor In ['kvm'] names none of its values ('', 'nitro', 'xen')",
        ),
        (
            _term("karpenter.k8s.aws/instance-capability-flex", "In", "yes"),
            "additional_requirements[0].values",
            "names none of its values ('false', 'true')",
        ),
        (
            {"labels": {"karpenter.k8s.aws/instance-encryption-in-transit-supported": "True"}},
            "labels['karpenter.k8s.aws/instance-encryption-in-transit-supported']",
            "'True' is none of karpenter.k8s.aws/instance-encryption-in-transit-supported's values ('false', 'true') "
            "(did you mean 'true'?): the label becomes a requirement no instance type meets",
        ),
        (
            {"labels": {"karpenter.k8s.aws/instance-tenancy": "host"}},
            "labels['karpenter.k8s.aws/instance-tenancy']",
            "'host' is none of karpenter.k8s.aws/instance-tenancy's values ('dedicated', 'default')",
        ),
        (
            {"labels": {"kubernetes.io/os": "darwin"}},
            "labels['kubernetes.io/os']",
            "'darwin' is none of kubernetes.io/os's values ('linux', 'windows')",
        ),
        (
            _term("topology.kubernetes.io/zone", "In", "euw1-az1"),
            "additional_requirements[0].values",
            "'euw1-az1' is a zone ID; give the zone name",
        ),
        (
            _term("topology.k8s.aws/zone-id", "In", "eu-west-1a"),
            "additional_requirements[0].values",
            "'eu-west-1a' is a zone name; give its zone ID (like euw1-az1)",
        ),
        (
            {"labels": {"topology.kubernetes.io/zone": "eu-west"}},
            "labels['topology.kubernetes.io/zone']",
            "'eu-west' is not a zone name like eu-west-1a",
        ),
    ],
)
def test_a_value_that_can_never_match_is_refused(settings: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        _fleet(**settings)
    [line] = str(caught.value).splitlines()
    assert line.startswith(f"nodegroup 'web': {field}: ") and message in line, line


@pytest.mark.parametrize(
    "settings",
    [
        {"instances": {"capacity_types": ["spot"]}, **_term("karpenter.sh/capacity-type", "In", "spot", "xspot")},
        _term("karpenter.k8s.aws/instance-tenancy", "NotIn", "xdedicated"),
        _term("karpenter.k8s.aws/instance-tenancy", "In", "default", "shared"),
    ],
)
def test_a_value_karpenter_ignores_is_a_warning_that_can_be_switched_off(settings: dict[str, Any]) -> None:
    [warning] = [w for w in _fleet(**settings).warnings if w.rule == "well-known-value-ignored"]
    assert warning.located == "additional_requirements[0].values" and "Karpenter ignores it" in warning.message
    quiet = _fleet(**settings, warnings_off=["well-known-value-ignored"])
    assert not [w for w in quiet.warnings if w.rule == "well-known-value-ignored"]


def test_defined_values_are_accepted() -> None:
    fleet = _fleet(
        labels={"karpenter.k8s.aws/instance-hypervisor": "nitro", "topology.k8s.aws/zone-id": "euw1-az1"},
        **_term("karpenter.k8s.aws/instance-encryption-in-transit-supported", "In", "true"),
    )
    assert not [w for w in fleet.warnings if w.rule == "well-known-value-ignored"]
