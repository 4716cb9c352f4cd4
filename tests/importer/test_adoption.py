"""Adoption: a live release imported from realistic values replaces no node, recreates nothing, creates nothing.

The values are three layered files of a production cluster (tests/importer/values/prod): the last one nulls a group
and zeroes kubelet settings; a Windows group brings its own volumes. What the chart renders for them comes from the
chart model (``importer.chart``), whose fidelity the parity tests check against hand-written chart output.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from karpenter_infra import Fleet
from karpenter_infra.importer.chart import render_chart
from karpenter_infra.importer.command import ImportResult, import_helm_values
from karpenter_infra.importer.report import Status
from karpenter_infra.importer.values import load_values

from .support import cli, harmless, one, warnings_of
from .test_codegen import PYPROJECT, RUFF, execute

PROD = Path(__file__).resolve().parent / "values" / "prod"
FILES = [PROD / "common.yaml", PROD / "nodegroups.yaml", PROD / "override.yaml"]
NC, NP = "EC2NodeClass", "NodePool"


@pytest.fixture(scope="module")
def adopted() -> ImportResult:
    return import_helm_values(FILES, report=True)


def test_every_live_object_is_adopted_field_for_field(adopted: ImportResult) -> None:
    by_status: dict[Status, list[str]] = {}
    for report in adopted.report:
        by_status.setdefault(report.status, []).append(f"{report.kind} {report.name}")
    assert Status.REPLACES_NODES not in by_status
    assert Status.RECREATED not in by_status
    assert Status.CREATED not in by_status  # no Namespace, nothing the chart did not own
    assert Status.LEFT_ALONE not in by_status
    assert by_status[Status.NEVER_LIVE] == ["NodePool batch-amd64"]  # its "true" label is a boolean to the API
    assert by_status[Status.IDENTICAL] == [
        "Deployment capacity/headroom-batch-amd64-xlarge",
        "Deployment capacity/headroom-general-amd64-large",
        "Deployment capacity/headroom-general-amd64-small",
        "PriorityClass karpenter-headroom",
    ]
    for report in adopted.report:
        unexplained = [f.path for f in report.fields if not harmless(f.path, f.before, f.after)]
        if report.kind == NP and report.name == "arm-arm64":
            # Declared: the chart's NotIn with no values (excludeFamilies: []) is left out; it widens nothing.
            assert unexplained and all("instance-family" in p for p in unexplained)
            assert any("arm': excludeFamilies: empty exclude list" in w for w in warnings_of(adopted))
        else:
            assert unexplained == [], (report.kind, report.name, unexplained)


def test_each_refused_object_is_rendered_fixed_with_a_warning(adopted: ImportResult) -> None:
    assert one(adopted, NP, "batch-amd64")["spec"]["template"]["metadata"]["labels"]["spot-ok"] == "true"
    assert any(w.startswith("nodegroup 'batch': labels.spot-ok:") for w in warnings_of(adopted))


def test_zeros_the_chart_prints_are_kept_and_a_dropped_false_stays_dropped(adopted: ImportResult) -> None:
    general = one(adopted, NC, "general-amd64")["spec"]["kubelet"]
    assert general["imageGCLowThresholdPercent"] == 0  # zeroed by the override file: `0 | default` prints 0
    assert general["podsPerCore"] == 0
    batch = one(adopted, NC, "batch-amd64")["spec"]["kubelet"]
    assert "cpuCFSQuota" not in batch  # the group's false prints as nothing in the chart
    assert any("'batch': kubeletCpuCFSQuota:" in w and "--modernize" in w for w in warnings_of(adopted))


def test_a_nulled_group_is_removed_as_helm_merges(adopted: ImportResult) -> None:
    assert "legacy" not in {g.name for g in adopted.nodegroups}
    assert not [m for m in adopted.manifests if m["metadata"]["name"].startswith("legacy")]
    assert any(
        w.startswith("nodegroup 'legacy': (group): null in ") and "override.yaml" in w for w in warnings_of(adopted)
    )


def test_windows_volumes_are_imported_verbatim(adopted: ImportResult) -> None:
    spec = one(adopted, NC, "windows-amd64")["spec"]
    assert spec["blockDeviceMappings"] == [
        {"deviceName": "/dev/sda1", "rootVolume": True, "ebs": {"volumeSize": "120Gi", "volumeType": "gp3"}},
        {
            "deviceName": "/dev/xvdf",
            "ebs": {
                "volumeSize": "500Gi",
                "volumeType": "io2",
                "iops": 8000,
                "kmsKeyID": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "encrypted": True,
                "deleteOnTermination": False,
            },
        },
    ]
    # Karpenter wraps Windows user data in <powershell> itself (karpenter_infra/rules/userdata.py refuses the tags).
    assert spec["userData"] == 'Set-TimeZone -Id "UTC"\n'
    assert spec["instanceProfile"] == "KarpenterWindowsProfile"


def test_an_external_node_class_is_referenced_not_rendered(adopted: ImportResult) -> None:
    pool = one(adopted, NP, "shared-platform-amd64")
    assert pool["spec"]["template"]["spec"]["nodeClassRef"] == {
        "group": "karpenter.k8s.aws",
        "kind": "EC2NodeClass",
        "name": "platform-default",
    }
    assert not [m for m in adopted.manifests if m["metadata"]["name"] == "platform-default"]
    group = next(g for g in adopted.nodegroups if g.name == "shared-platform")
    assert group.existing_node_class == "platform-default"


def test_headroom_keeps_the_charts_selector_terms_and_namespaces(adopted: ImportResult) -> None:
    assert not [m for m in adopted.manifests if m["kind"] == "Namespace"]  # `capacity` is referenced
    large = one(adopted, "Deployment", "headroom-general-amd64-large")
    assert large["metadata"]["namespace"] == "capacity"
    assert large["spec"]["selector"] == {"matchLabels": {"k8s-app": "headroom-general-amd64-large"}}
    (term,) = large["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]
    assert term["labelSelector"]["matchExpressions"] == [
        {"key": "k8s-app", "operator": "In", "values": ["headroom-general-amd64-large"]},
        {"key": "app.kubernetes.io/name", "operator": "In", "values": ["checkout", "cart"]},
        {"key": "latency-critical", "operator": "Exists"},
    ]
    assert term["namespaces"] == ["capacity", "shop", "payments"]
    small = one(adopted, "Deployment", "headroom-general-amd64-small")
    assert small["spec"]["replicas"] == 1  # count: 0 renders 1 in the chart
    assert any("headRoom[1].count: '0'" in w for w in warnings_of(adopted))
    assert "preemptionPolicy" not in one(adopted, "PriorityClass", "karpenter-headroom")


def test_import_ids_name_every_live_object_and_only_those(adopted: ImportResult) -> None:
    live = {(o.kind, o.manifest["metadata"].get("namespace"), o.name) for o in render_chart(load_values(FILES))}
    assert adopted.adopt["deployment-capacity-headroom-general-amd64-large"] == "capacity/headroom-general-amd64-large"
    assert adopted.adopt["ec2nodeclass-windows-amd64"] == "windows-amd64"
    assert "nodepool-batch-amd64" not in adopted.adopt  # refused by the API: nothing to adopt
    assert len(adopted.adopt) == len(live) - 1


def test_the_module_builds_the_same_fleet_and_is_lint_clean(tmp_path: Path) -> None:
    module = import_helm_values(FILES).output
    assert "ADOPT: dict[str, str] = {" in module
    defaults, nodegroups = execute(module)
    assert Fleet(defaults, nodegroups).manifests() == import_helm_values(FILES, render=True).manifests
    if RUFF.exists():
        path = tmp_path / "imported.py"
        path.write_text(module)
        for command in (["check"], ["format", "--check"]):
            done = subprocess.run(
                [str(RUFF), *command, "--config", str(PYPROJECT), str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, done.stdout + done.stderr


def test_modernize_lists_each_change_with_its_effect() -> None:
    result = import_helm_values(FILES, modernize=True)
    lines = result.modernized
    assert (
        "EC2NodeClass general-amd64: spec.blockDeviceMappings[/dev/xvda].ebs.encrypted: False -> True  (replaces nodes)"
        in lines
    )
    assert "EC2NodeClass batch-amd64: spec.kubelet.cpuCFSQuota: (absent) -> False  (replaces nodes)" in lines
    assert "PriorityClass karpenter-headroom: preemptionPolicy: (absent) -> 'Never'  (recreates the object)" in lines
    assert any(
        line.startswith("Deployment capacity/headroom-general-amd64-large: spec.selector.matchLabels.k8s-app:")
        and line.endswith("(recreates the object)")
        for line in lines
    )
    deployment = one(result, "Deployment", "headroom-general-amd64-large")
    assert deployment["spec"]["template"]["spec"]["automountServiceAccountToken"] is False
    assert not [m for m in result.manifests if m["kind"] == "Namespace"]  # modernized or not, never taken over


def test_the_report_names_what_the_first_up_does_to_each_live_object(tmp_path: Path) -> None:
    changed = tmp_path / "changed.yaml"
    changed.write_text("nodeGroups:\n  general:\n    kubeletMaxPods: 58\n  new:\n    instances: {}\n  arm: null\n")
    result = cli(
        *("-f", str(FILES[0]), "-f", str(FILES[1]), "-f", str(FILES[2]), "-f", str(changed)),
        *("--live-values", str(FILES[0]), "--live-values", str(FILES[1]), "--live-values", str(FILES[2])),
        "--modernize",
    )
    assert result.exit_code == 0, result.stderr
    lines: list[str] = result.stdout.splitlines()

    def status(kind: str, name: str) -> str:
        (line,) = [line for line in lines if f" {kind} {name}" in line and not line.startswith(" ")]
        return line

    assert status(NC, "general-amd64").startswith("replaces nodes")
    assert "hashed: spec.blockDeviceMappings[/dev/xvda].ebs.encrypted, spec.kubelet.maxPods" in status(
        NC, "general-amd64"
    )
    assert status(NP, "new-amd64").startswith("created")
    assert status(NC, "arm-arm64").startswith("left alone")
    assert status("PriorityClass", "karpenter-headroom").startswith("recreated")
    assert "immutable: preemptionPolicy" in status("PriorityClass", "karpenter-headroom")
    assert status(NP, "batch-amd64").startswith("never live")
    assert status(NP, "general-od-amd64").startswith("changes in place")
    assert "2 created" in lines[-1] and "2 left alone" in lines[-1]  # the new group and arm, pool and class each
