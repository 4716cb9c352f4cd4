"""Our label sets (karpenter_infra/rules/names.py) are the ones Karpenter's RuntimeValidate reads, exactly."""

from __future__ import annotations

import json
import subprocess

from karpenter_infra.rules.names import KARPENTER_DOMAINS, RESTRICTED_LABELS, WELL_KNOWN_LABELS
from tests.conformance.oracle import binary


def karpenters() -> dict[str, list[str]]:
    out = subprocess.run([str(binary()), "labels"], check=True, capture_output=True, text=True).stdout
    result: dict[str, list[str]] = json.loads(out)
    return result


def test_well_known_labels_are_karpenters() -> None:
    assert sorted(WELL_KNOWN_LABELS) == karpenters()["wellKnown"]


def test_restricted_domains_and_labels_are_karpenters() -> None:
    labels = karpenters()
    assert sorted(KARPENTER_DOMAINS) == labels["restrictedDomains"]
    assert sorted(RESTRICTED_LABELS) == labels["restricted"]
