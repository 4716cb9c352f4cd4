"""`--help` reads as a user writes the command: placeholders are words (`--out DIR`), never Python type reprs."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from karpenter_infra.cli import app

runner = CliRunner()

#: What leaks when a placeholder is derived from the annotation: `<list[Path]>`, `<class 'int'>`, `<str>`,
#: `<int range>`. Click's own brackets (`[OPTIONS]`, `[default: dev; x>=1]`) are not type reprs.
TYPE_REPR = re.compile(
    r"\b(list|dict|set|tuple|type|Optional|Union|Literal|Annotated)\[|\b(Path|str|int|float|bool)\]|<class|NoneType"
    r"|<(str|int|float|bool|path|list|dict|text|integer|datetime)\b"
)


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """The command tree as typer builds it (its click is vendored, so by shape: a group has ``commands``)."""
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"render", "plan", "diff", "simulate", "disruption", "import-helm-values", "catalog refresh"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=lambda p: " ".join(p) if isinstance(p, tuple) else "")
def test_help_shows_no_type_repr(path: tuple[str, ...], command: Any) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert not TYPE_REPR.search(result.output), TYPE_REPR.search(result.output)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=lambda p: " ".join(p) if isinstance(p, tuple) else "")
def test_every_value_option_names_its_value_in_words(path: tuple[str, ...], command: Any) -> None:
    """`--stack NAME`, `--out DIR`, `--at INSTANT`: an upper-case word (or `MODULE:FUNCTION`), as click's own do."""
    options = [p for p in command.params if p.param_type_name == "option" and not p.is_flag]
    for option in options:
        assert option.metavar and re.fullmatch(r"[A-Z]+(:[A-Z]+)?", option.metavar), (option.opts, option.metavar)


def test_the_test_would_catch_the_old_placeholder() -> None:
    assert TYPE_REPR.search("-w, --workloads <list[Path]>  A multi-document YAML file")
    assert TYPE_REPR.search("--nodes <int range>")
    assert TYPE_REPR.search("--at <class 'str'>")
    assert not TYPE_REPR.search("Usage: karpenter-infra [OPTIONS] COMMAND [ARGS]...")
    assert not TYPE_REPR.search("-s, --stack NAME  Stack name: reads Pulumi.<stack>.yaml  [default: dev; x>=1]")


def test_render_help_names_the_off_hours_objects() -> None:
    listing = " ".join(runner.invoke(app, ["--help"]).output.split())
    assert re.search(r"render The fleet's manifests [^.]*off-hours CronJobs", listing), listing
    own = " ".join(runner.invoke(app, ["render", "--help"]).output.split())
    assert "off-hours objects (CronJobs, their ConfigMap and RBAC)" in own
