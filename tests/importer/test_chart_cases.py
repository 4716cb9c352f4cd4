"""What the chart renders fine imports fine: each case the issue names, on the minimal values set."""

from __future__ import annotations

from pathlib import Path

import pytest

from karpenter_infra.errors import SpecError

from .support import BASE, cli, deep_merge, one, run, warnings_of, with_base, write

HEADROOM = "headroom-ng-amd64-small"


def _terms(result: object) -> list[dict[str, object]]:
    deployment = one(result, "Deployment", HEADROOM)  # type: ignore[arg-type]
    terms: list[dict[str, object]] = deployment["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]
    return terms


def test_top_level_keys_the_chart_never_reads_are_warnings(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"environment": "prod", "amiFamilly": "AL2", "labels": {"team": "a"}})
    assert warnings_of(result) == [
        "values: amiFamilly: the chart never reads this top-level key; ignored; did you mean 'amiFamily'?",
        "values: environment: the chart never reads this top-level key; ignored",
        "values: labels: the chart reads this key only per node group (under nodeGroups.<name>); ignored here",
    ]


@pytest.mark.parametrize("name", ["Prod_EKS", "custom_ci-cluster", "1st"])
def test_cluster_names_follow_the_eks_rule(tmp_path: Path, name: str) -> None:
    result = with_base(tmp_path, {"clusterName": name})
    assert result.defaults.cluster_name == name
    assert one(result, "NodePool", "ng-amd64")["spec"]["template"]["metadata"]["labels"]["cluster"] == name


@pytest.mark.parametrize("name", ["_prod", "prod.eks", "a" * 101])
def test_names_eks_refuses_are_errors(tmp_path: Path, name: str) -> None:
    with pytest.raises(SpecError, match=r"clusterName: .* is not a valid EKS cluster name"):
        with_base(tmp_path, {"clusterName": name})


def test_a_user_data_error_does_not_make_its_keys_unknown(tmp_path: Path) -> None:
    template = "#!/bin/bash\n{{ range .value.mirrors }}{{ . }}{{ end }} {{ $.Values.proxyHost }}\n"
    values = deep_merge(BASE, {"proxyHost": "proxy", "nodeGroups": {"ng": {"mirrors": ["a"], "userData": template}}})
    result = cli("-f", str(write(tmp_path, "values.yaml", values)))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "nodegroup 'ng': userData: `{{ range" in errors[0], errors
    assert "unknown key" not in result.stderr


def test_anti_affinity_spec_imports_verbatim_for_any_valid_requirement(tmp_path: Path) -> None:
    spec = [
        {"key": "app", "operator": "In", "values": ["db", "cache"]},
        {"key": "tier", "operator": "NotIn", "values": ["batch"]},
        {"key": "critical", "operator": "Exists"},
        {"key": "spot-only", "operator": "DoesNotExist"},
    ]
    entry = {"size": "small", "antiAffinitySpec": spec, "nameSpaces": ["data", "web"]}
    result = with_base(tmp_path, {"nodeGroups": {"ng": {"headRoom": [entry]}}})
    (term,) = _terms(result)
    assert term["labelSelector"] == {
        "matchExpressions": [{"key": "k8s-app", "operator": "In", "values": [HEADROOM]}, *spec]
    }
    assert term["namespaces"] == ["karpenter", "data", "web"]  # the chart's: its namespace first, then nameSpaces


def test_an_invalid_requirement_is_an_error_naming_it(tmp_path: Path) -> None:
    entry = {"size": "small", "antiAffinitySpec": [{"key": "app", "operator": "In"}], "nameSpaces": []}
    with pytest.raises(SpecError, match=r"headRoom\[0\]\.antiAffinitySpec\[0\]: In needs at least one value"):
        with_base(tmp_path, {"nodeGroups": {"ng": {"headRoom": [entry]}}})


def test_anti_affinity_spec_without_namespaces_is_the_charts_term_without_the_map(tmp_path: Path) -> None:
    entry = {"size": "small", "antiAffinitySpec": [{"key": "app", "operator": "Exists"}]}
    result = with_base(tmp_path, {"nodeGroups": {"ng": {"headRoom": [entry]}}})
    (term,) = _terms(result)
    assert "namespaces" not in term and "namespaceSelector" not in term
    assert term["labelSelector"]["matchExpressions"][1] == {"key": "app", "operator": "Exists"}  # type: ignore[index]
    warning = next(w for w in warnings_of(result) if "nameSpaces: missing" in w)
    assert "never ran" in warning
    assert [r.status.value for r in result.report if r.kind == "Deployment"] == ["never live"]


def test_count_zero_renders_the_one_replica_the_chart_runs(tmp_path: Path) -> None:
    result = with_base(
        tmp_path, {"nodeGroups": {"ng": {"headRoom": [{"size": "small", "count": 0, "nameSpaces": []}]}}}
    )
    assert one(result, "Deployment", HEADROOM)["spec"]["replicas"] == 1
    assert any(
        "headRoom[0].count: '0': the chart's `count | default 1` renders 1 replica" in w for w in warnings_of(result)
    )


def test_a_group_nulled_in_a_later_file_is_removed(tmp_path: Path) -> None:
    first = deep_merge(BASE, {"nodeGroups": {"b": {"instances": {}}}})
    result = run(tmp_path, first, {"nodeGroups": {"b": None}})
    assert [g.name for g in result.nodegroups] == ["ng"]
    assert [r.name for r in result.report if r.kind == "NodePool"] == ["ng-amd64"]


def test_a_group_zero_with_no_top_level_value_prints_nothing(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"nodeGroups": {"ng": {"kubeletPodsPerCore": 0}}})
    assert "podsPerCore" not in one(result, "EC2NodeClass", "ng-amd64")["spec"]["kubelet"]
    assert any(w.startswith("nodegroup 'ng': kubeletPodsPerCore: the chart treats") for w in warnings_of(result))


def test_a_top_level_false_the_chart_prints_is_kept_without_a_warning(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"kubeletCpuCFSQuota": False})
    assert one(result, "EC2NodeClass", "ng-amd64")["spec"]["kubelet"]["cpuCFSQuota"] is False
    assert warnings_of(result) == []


def test_modernize_encrypts_the_chart_default_volume(tmp_path: Path) -> None:
    values = write(tmp_path, "values.yaml", BASE)
    result = cli("-f", str(values), "--modernize", "--render")
    assert result.exit_code == 0, result.stderr
    assert (
        "modernize: EC2NodeClass ng-amd64: spec.blockDeviceMappings[/dev/xvda].ebs.encrypted: False -> True  "
        "(replaces nodes)" in result.stderr.splitlines()
    )


def test_when_the_chart_cannot_render_the_values_nothing_is_live(tmp_path: Path) -> None:
    # The boolean true makes the chart's `eq` fail: helm template renders nothing, so every object is created.
    result = with_base(tmp_path, {"autoTaint": True})
    assert "autoTaint" in result.chart_failure
    assert {r.status.value for r in result.report} == {"created"}
    assert result.adopt == {}
    report = cli("-f", str(write(tmp_path, "v.yaml", deep_merge(BASE, {"autoTaint": True}))), "--report")
    assert report.stdout.startswith("the chart cannot render the live values (")


def test_modernize_and_report_agree_on_an_object_that_was_never_live(tmp_path: Path) -> None:
    """--modernize called "recreated" a Deployment that --report calls "never live"."""
    entry = {"size": "small", "antiAffinitySpec": [{"key": "app", "operator": "Exists"}]}
    values = write(tmp_path, "values.yaml", deep_merge(BASE, {"nodeGroups": {"ng": {"headRoom": [entry]}}}))
    report = cli("-f", str(values), "--report").stdout
    assert "never live        Deployment karpenter/headroom-ng-amd64-small" in report
    modernize = [
        line for line in cli("-f", str(values), "--modernize").stderr.splitlines() if "modernize: Deploy" in line
    ]
    assert modernize == [
        "modernize: Deployment karpenter/headroom-ng-amd64-small: not live today, so created as modernized "
        "(nothing recreated)"
    ]
