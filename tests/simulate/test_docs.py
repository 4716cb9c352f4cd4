"""docs/simulate.md shows what simulate prints, and lists everything the output says it does not model."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from karpenter_infra.cli.simulate import render
from karpenter_infra.simulate import load_workloads, simulate
from karpenter_infra.simulate.result import NOT_MODELLED
from karpenter_infra.stack import load_stack

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs/simulate.md").read_text()


def _block(after: str, fence: str) -> str:
    return PAGE.split(after, 1)[1].split(fence, 1)[1].split("```", 1)[0]


def test_the_prod_example_is_what_simulate_prints() -> None:
    result = simulate(load_stack("prod", ROOT).fleet().manifests(), load_workloads([ROOT / "examples/workloads/prod"]))
    console = Console(width=120, record=True, highlight=False, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    render(result, console)
    printed = console.export_text().split("\nnot modelled:")[0]
    expected = "\n".join(line.rstrip() for line in printed.splitlines()) + "\n"
    assert _block("--workloads examples/workloads/prod\n```", "```text\n") == expected


def test_every_not_modelled_item_is_documented() -> None:
    for item in NOT_MODELLED:
        assert item[0].upper() + item[1:] in PAGE


def test_the_json_example_has_the_document_keys() -> None:
    document = json.loads(_block("## The `--json` document (version 1)", "```json\n"))
    assert list(document) == [
        "version",
        "workloads",
        "daemonsets",
        "nodepools",
        "hourly_cost_on_demand",
        "skipped_kinds",
        "not_modelled",
    ]
