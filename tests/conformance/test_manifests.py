"""Everything we render or read, checked by Karpenter's own code (see oracle.py): 0 disagreements.

- every stack's render, through the CLI as a user runs it;
- every golden file;
- the importer's test values: the fleet it builds, and the chart's own objects (each with our verdict on whether the
  API server accepts it, which the migration report and ``ADOPT`` rely on);
- the mirror's hand-written cases (tests/karpenter): accepted by the mirror exactly when Karpenter accepts them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from karpenter_infra.importer.chart import ChartObject, render_chart
from karpenter_infra.importer.command import import_helm_values
from karpenter_infra.importer.values import load_values
from karpenter_infra.karpenter import ManifestError, validate_manifest
from tests.conformance.oracle import Manifest, Oracle, Verdict
from tests.karpenter.test_agreement_with_crds import CASES
from tests.karpenter.test_nodepool import Case

PROJECT = Path(__file__).resolve().parents[2]
GOLDENS = sorted((PROJECT / "tests" / "render" / "goldens").glob("*.yaml"))
IMPORTER_VALUES = PROJECT / "tests" / "importer" / "values" / "prod"
IMPORTER_FILES = [IMPORTER_VALUES / name for name in ("common.yaml", "nodegroups.yaml", "override.yaml")]


def refused(oracle: Oracle, manifests: list[Manifest]) -> list[str]:
    verdicts = [oracle.check(m) for m in manifests]
    assert any(v.accepted for v in verdicts), "no Karpenter object among the manifests"
    return [v.line() for v in verdicts if v.verdict == "refused"]


def render_cli(stack: str) -> list[Manifest]:
    cli = Path(sys.executable).with_name("karpenter-infra")
    text = subprocess.run(
        [str(cli), "render", "--stack", stack], cwd=PROJECT, check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(text) if doc]


@pytest.mark.parametrize("stack", ["dev", "prod", "auto"])
def test_every_stack_render_is_accepted(oracle: Oracle, stack: str) -> None:
    assert refused(oracle, render_cli(stack)) == []


@pytest.mark.parametrize("golden", GOLDENS, ids=[g.stem for g in GOLDENS])
def test_every_golden_is_accepted(oracle: Oracle, golden: Path) -> None:
    assert refused(oracle, [doc for doc in yaml.safe_load_all(golden.read_text()) if doc]) == []


def test_the_importers_fleet_is_accepted(oracle: Oracle) -> None:
    assert refused(oracle, import_helm_values(IMPORTER_FILES).manifests) == []


def chart_objects() -> list[ChartObject]:
    return [o for o in render_chart(load_values(IMPORTER_FILES)) if o.kind in {"NodePool", "EC2NodeClass"}]


def test_our_verdict_on_each_chart_object_is_karpenters(oracle: Oracle) -> None:
    objects = chart_objects()
    assert objects
    disagreements = []
    for obj in objects:
        verdict = oracle.check(obj.manifest)
        # The importer models what the API server refuses (the live release never has those objects).
        if (obj.rejected is None) != (not verdict.schema_errors):
            disagreements.append(f"{obj.kind}/{obj.name}: ours {obj.rejected or 'accepted'}; {verdict.line()}")
    assert disagreements == []


def ours(manifest: Manifest) -> list[Any]:
    try:
        validate_manifest(manifest)
    except ManifestError as exc:
        return list(exc.issues)
    return []


#: Case ids where the mirror refuses on purpose what Karpenter's code lets through, and why.
DELIBERATELY_STRICTER = {
    "name-over-63": "the name becomes a node label value (karpenter.sh/nodepool, karpenter.k8s.aws/ec2nodeclass), "
    "at most 63 characters: the API server stores the object, but no NodeClaim of it can be created",
}


def disagreement(manifest: Manifest, verdict: Verdict) -> str | None:
    """The mirror models the CRDs: it must refuse all the API server refuses, and refuse nothing Karpenter takes.

    What only Karpenter's runtime checks refuse is not the mirror's to catch: the fleet's rules refuse it before
    rendering, which test_fleets.py proves over generated fleets.
    """
    mine = ours(manifest)
    lets_through = bool(verdict.schema_errors) and not mine
    over_refuses = bool(mine) and verdict.accepted
    if not (lets_through or over_refuses):
        return None
    return f"mirror: {mine or 'accepted'}\nKarpenter: {verdict.line()}"


@pytest.mark.parametrize("case", CASES, ids=[f"{case.manifest['kind']}-{case.id}" for case in CASES])
def test_the_mirror_agrees_with_karpenter_on_each_hand_written_case(oracle: Oracle, case: Case) -> None:
    verdict = oracle.check(case.manifest)
    if case.crd_agrees and case.id not in DELIBERATELY_STRICTER:
        assert disagreement(case.manifest, verdict) is None
    else:  # deliberately stricter: keep proving Karpenter takes it and we do not
        assert ours(case.manifest) and verdict.accepted, verdict.line()


def test_an_alias_the_controller_exits_on_is_a_runtime_refusal_and_the_oracle_runs_on(oracle: Oracle) -> None:
    """The CRD admits 'al2023@@'; Karpenter's amiFamilyFromAlias calls log.Fatalf on it, which once killed the oracle
    mid-corpus. It is now a runtime refusal, and the next object is still checked."""
    from tests.karpenter import test_ec2nodeclass
    from tests.karpenter.test_nodepool import DELETE, edit

    alias = {"spec.amiSelectorTerms": [{"alias": "al2023@@"}], "spec.amiFamily": DELETE}
    broken = oracle.check(edit(test_ec2nodeclass.MINIMAL, alias))
    assert not broken.accepted and not broken.schema_errors, broken.line()
    assert any("amiFamilyFromAlias" in error for error in broken.errors), broken.line()
    assert oracle.check(test_ec2nodeclass.MINIMAL).accepted
