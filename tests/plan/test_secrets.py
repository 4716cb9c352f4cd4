"""``plan --json`` prints secrets as ``[secret]``: what Pulumi marks secret, and a kubeconfig whatever its marking."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.plan.mocks import masked, run_program

CONSUMER = Path(__file__).resolve().parents[2] / "examples" / "consumer"


def test_secret_inputs_are_masked_in_json_and_plain_for_tests() -> None:
    def program() -> None:
        k8s.core.v1.ConfigMap(
            "cm",
            data={"token": pulumi.Output.secret("hunter2"), "plain": "visible"},
            metadata={"name": "cm", "labels": {"a": "b"}},
        )
        k8s.Provider("p", kubeconfig="apiVersion: v1  # given as plain text")

    result = run_program(program)
    config_map = result.one("kubernetes:core/v1:ConfigMap", "cm")
    assert config_map.inputs["data"] == {"plain": "visible", "token": "hunter2"}  # tests still read plain values
    assert config_map.secret_inputs == {"data"}
    text = result.to_json()
    assert "hunter2" not in text and "apiVersion: v1" not in text
    rows = {row["name"]: row["inputs"] for row in json.loads(text)}
    assert rows["cm"]["data"] == "[secret]"
    assert rows["cm"]["metadata"]["labels"] == {"a": "b"}
    assert rows["p"]["kubeconfig"] == "[secret]"


def test_masked_finds_credential_keys_at_any_depth() -> None:
    inputs = {"values": {"cluster": {"kubeconfig": "x", "name": "c"}}, "list": [{"kubeconfig": "y"}]}
    assert masked(inputs) == {
        "values": {"cluster": {"kubeconfig": "[secret]", "name": "c"}},
        "list": [{"kubeconfig": "[secret]"}],
    }


def test_plan_program_json_never_prints_the_kubeconfig() -> None:
    args = ["plan", "-s", "prod", "--program", "shop_platform.program:main", "--project-dir", str(CONSUMER), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "certificate-authority-data" not in result.stdout
    providers = [r for r in json.loads(result.stdout) if r["type"] == "pulumi:providers:kubernetes"]
    assert providers and all(r["inputs"]["kubeconfig"] == "[secret]" for r in providers)
