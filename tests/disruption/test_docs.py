"""docs/disruption.md: its command outputs are what the commands print, and its SVG is current."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from karpenter_infra.cli import app
from tests.docs.pages import DOCS, ROOT, Block, blocks
from tests.test_diff import git_repo

PAGE = DOCS / "disruption.md"  # the page whose `checked-by tests/disruption/test_docs.py` blocks this file checks
SVG = DOCS / "disruption-dev.svg"
SVG_COMMAND = ["disruption", "--stack", "dev", "--at", "2026-12-07T00:00Z", "--svg"]
README = ROOT / "README.md"  # its disruption showcase is checked here too
CHECKED = [
    b
    for page in (PAGE, README)
    for b in blocks(page)
    if b.marker == "checked-by" and b.argument == "tests/disruption/test_docs.py"
]


def output_of(command: str, tmp_path: Path) -> str:
    words = shlex.split(command.removeprefix("$ "), comments=True)
    assert words[0] == "karpenter-infra"
    project = ROOT
    if words[1] == "diff":  # the AMI bump the page describes, against a commit of the stacks as they are
        project, _ = git_repo(tmp_path)
        prod = project / "stacks" / "nodegroups" / "prod.py"
        prod.write_text(prod.read_text().replace('AMI_VERSION = "v20251016"', 'AMI_VERSION = "v20251120"'))
    result = CliRunner().invoke(app, [*words[1:], "--project-dir", str(project)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("block", CHECKED, ids=[b.id for b in CHECKED])
def test_the_page_shows_what_the_command_prints(block: Block, tmp_path: Path) -> None:
    command, *shown = block.text.rstrip("\n").split("\n")
    printed = [line.rstrip() for line in output_of(command, tmp_path).rstrip("\n").split("\n")]
    assert shown == printed


def test_three_outputs_are_checked() -> None:
    assert len(CHECKED) == 3


def test_the_svg_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.svg"
    result = CliRunner().invoke(app, [*SVG_COMMAND, str(fresh), "--project-dir", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert fresh.read_text() == SVG.read_text(), "regenerate: karpenter-infra " + " ".join(SVG_COMMAND) + f" {SVG}"
    assert " ".join(SVG_COMMAND) in PAGE.read_text()
