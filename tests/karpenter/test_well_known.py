"""The well-known keys' values are generated from the reference and the source's enumerations, and current."""

from __future__ import annotations

from karpenter_infra.karpenter import well_known
from karpenter_infra.karpenter.well_known_gen import DEFINED, TARGET, module, read, reference_values
from tests.catalog.support import REFERENCE

INSTANCE_TYPES = REFERENCE / "instance-types.md"


def test_the_generated_module_matches_the_reference() -> None:
    assert TARGET.read_text(encoding="utf-8") == module(read(INSTANCE_TYPES)), "run `make catalog`"


def test_every_value_an_instance_type_of_the_reference_carries_is_a_defined_value() -> None:
    seen = reference_values(read(INSTANCE_TYPES), DEFINED)
    # The reference carries most of the keys (not tenancy or capacity type: they are offerings, not type labels).
    assert {key for key, values in seen.items() if values} >= {
        "kubernetes.io/arch",
        "kubernetes.io/os",
        "karpenter.k8s.aws/instance-hypervisor",
        "karpenter.k8s.aws/instance-encryption-in-transit-supported",
        "karpenter.k8s.aws/instance-capability-flex",
    }
    for key, values in seen.items():
        assert values <= set(well_known.DEFINED_VALUES[key]), key


def test_the_source_enumerations_are_in_and_each_has_its_citation() -> None:
    assert well_known.DEFINED_VALUES["karpenter.sh/capacity-type"] == ("on-demand", "reserved", "spot")
    assert well_known.DEFINED_VALUES["karpenter.k8s.aws/instance-tenancy"] == ("dedicated", "default")
    assert "" in well_known.DEFINED_VALUES["karpenter.k8s.aws/instance-hypervisor"]  # bare-metal types carry ""
    for key, (_, source) in DEFINED.items():
        assert source.startswith(("core ", "provider ")) and ".go " in source, key
