"""The consumer install: `pip install karpenter-infra` gets bounded runtime dependencies and no test tools."""

from __future__ import annotations

import tomllib
from importlib.metadata import requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

PROJECT = Path(__file__).resolve().parents[1]
TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "jsonschema", "cel-python", "mypy", "ruff", "types-pyyaml"}


def check_bounded(requirements: list[Requirement]) -> None:
    assert requirements
    for requirement in requirements:
        name = requirement.name.lower()
        assert name not in TEST_TOOLS, f"{name} is a test tool: it belongs in the dev extra"
        uppers = [s for s in requirement.specifier if s.operator in ("<", "<=", "~=", "==")]
        lowers = [s for s in requirement.specifier if s.operator in (">=", "~=", "==")]
        assert uppers and lowers, f"{requirement}: bound it above and below, e.g. '>=1.2,<2'"
        assert all(Version(lo.version) < Version(up.version) for lo in lowers for up in uppers if up.operator == "<")


def test_pyproject_runtime_dependencies_are_bounded_and_not_test_tools() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    check_bounded([Requirement(line) for line in project["dependencies"]])
    dev = {Requirement(line).name.lower() for line in project["optional-dependencies"]["dev"]}
    assert dev >= TEST_TOOLS - {"types-pyyaml"}


def test_the_installed_distribution_metadata_requires_no_test_tool_unconditionally() -> None:
    # Requires-Dist as the built distribution states it (the editable install of this checkout).
    lines = requires("karpenter-infra") or []
    unconditional = [Requirement(line) for line in lines if "extra ==" not in line]
    check_bounded(unconditional)
    extras = {Requirement(line).name.lower() for line in lines if 'extra == "dev"' in line}
    assert "pytest" in extras
