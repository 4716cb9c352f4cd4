"""The CRDs that Karpenter's Go modules embed are the mirror's source of truth.

`make conformance` writes them (`conformance crds`) and then runs the mirror's own tests (tests/karpenter,
tests/test_crd_validator.py) with ``KARPENTER_REFERENCE_DIR`` pointing at them; this module checks that the
hand-kept copies in ../shared/reference agree with the modules byte for byte, so the fast suite reads the same text.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.conformance.oracle import CRDS_ENV
from tests.crd_validator import REFERENCE_DIR_ENV, reference_dir


def module_crds() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(Path(os.environ[CRDS_ENV]).glob("*.yaml"))}


def test_the_modules_embed_the_five_crds_the_mirror_covers() -> None:
    assert sorted(module_crds()) == [
        "autoscaling.x-k8s.io_capacitybuffers.yaml",
        "karpenter.k8s.aws_ec2nodeclasses.yaml",
        "karpenter.sh_nodeclaims.yaml",
        "karpenter.sh_nodeoverlays.yaml",
        "karpenter.sh_nodepools.yaml",
    ]


def test_the_hand_kept_copies_are_the_modules_crds() -> None:
    # Under `make conformance` the mirror tests read the module's CRDs; this compares them with the shared copies.
    shared = Path(__file__).resolve().parents[3] / "shared" / "reference" / "karpenter-v1.14" / "crds"
    if os.environ.get(REFERENCE_DIR_ENV):
        assert reference_dir() / "crds" == Path(os.environ[CRDS_ENV])
    copies = {path.name: path.read_bytes() for path in sorted(shared.glob("*.yaml"))}
    assert copies == module_crds()
