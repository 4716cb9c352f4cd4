"""Every fenced code block of the README and of every docs page is run or checked (see ``tests/docs/pages.py``)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import tomllib
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import yaml

from tests.docs.pages import ROOT, Block, all_blocks

BLOCKS = all_blocks()
SHELL = {"sh", "bash", "shell", "console"}


@cache
def make_targets() -> frozenset[str]:
    makefile = (ROOT / "Makefile").read_text()
    return frozenset(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", makefile, flags=re.MULTILINE)) - {".PHONY"}


@cache
def cli_commands() -> dict[str, frozenset[str]]:
    """``karpenter-infra``'s commands, each with its subcommands (empty for a plain command)."""
    import typer

    from karpenter_infra.cli import app

    group: Any = typer.main.get_command(app)
    return {name: frozenset(getattr(command, "commands", {})) for name, command in group.commands.items()}


def shell_commands(text: str) -> Iterator[list[str]]:
    """Each simple command of a shell block, as words, without comments, prompts and variable assignments."""
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.strip().removeprefix("$ ")
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"&&|\|\||;|\|", line):
            try:
                words = shlex.split(part, comments=True)
            except ValueError:
                words = part.split()
            while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
                words = words[1:]
            if words:
                yield words


def check_shell(block: Block) -> None:
    parsed = subprocess.run(["bash", "-n"], input=block.text, text=True, capture_output=True, check=False)
    assert parsed.returncode == 0, f"{block.id}: not valid shell: {parsed.stderr}"
    for words in shell_commands(block.text):
        program = words[0].rsplit("/", 1)[-1]
        arguments = [word for word in words[1:] if not word.startswith("-")]
        if program == "make":
            for target in arguments:
                if "=" not in target:
                    assert target in make_targets(), f"{block.id}: `make {target}`: no such target in the Makefile"
        elif program == "karpenter-infra" and arguments:
            commands = cli_commands()
            assert arguments[0] in commands, f"{block.id}: `karpenter-infra {arguments[0]}`: no such command"
            if commands[arguments[0]] and len(arguments) > 1:
                assert arguments[1] in commands[arguments[0]], (
                    f"{block.id}: `karpenter-infra {arguments[0]} {arguments[1]}`: no such command"
                )


def check_typescript(block: Block) -> None:
    schema = json.loads((ROOT / "components" / "schema.json").read_text())
    constructed = re.findall(r"new karpenter\.(\w+)\(", block.text)
    assert constructed, f"{block.id}: a TypeScript block constructs no karpenter-infra resource"
    for name in constructed:
        assert f"karpenter-infra:index:{name}" in schema["resources"], f"{block.id}: no resource {name} in the schema"


def check_excerpt(block: Block) -> None:
    source = ROOT / block.argument
    assert source.is_file(), f"{block.id}: excerpt-of {block.argument}: no such file"

    def lines(text: str) -> str:
        return "\n".join(line.strip() for line in text.splitlines() if line.strip())

    assert lines(block.text) in lines(source.read_text()), f"{block.id}: not an excerpt of {block.argument}"


def check_marked(block: Block) -> None:
    if block.marker == "compile":
        assert block.language == "python", f"{block.id}: only python blocks are compiled"
        compile(block.text, block.id, "exec")
    elif block.marker == "excerpt-of":
        check_excerpt(block)
    elif block.marker == "checked-by":
        test = ROOT / block.argument
        assert test.is_file(), f"{block.id}: checked-by {block.argument}: no such file"
        page = str(block.page.relative_to(ROOT))
        assert page in test.read_text(), f"{block.id}: {block.argument} does not mention {page}"
    elif block.marker != "illustrative":
        raise AssertionError(f"{block.id}: unknown docs-test marker {block.marker!r}")


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_block(block: Block) -> None:
    if block.marker is not None:
        check_marked(block)
    elif block.language == "python":
        exec(compile(block.text, block.id, "exec"), {"__name__": "docs_block"})
    elif block.language in SHELL:
        check_shell(block)
    elif block.language in ("yaml", "yml"):
        list(yaml.safe_load_all(block.text))
    elif block.language == "json":
        json.loads(block.text)
    elif block.language == "toml":
        tomllib.loads(block.text)
    elif block.language == "typescript":
        check_typescript(block)
    else:
        raise AssertionError(
            f"{block.id}: a ```{block.language} block needs a `<!-- docs-test: ... -->` line before it saying how it "
            "is checked (see tests/docs/pages.py)"
        )


def test_the_harness_finds_blocks_on_every_page_that_has_them() -> None:
    pages_with_fences = {block.page for block in BLOCKS}
    assert ROOT / "README.md" in pages_with_fences
    assert len(pages_with_fences) >= 5


def test_shell_commands_are_split_and_unknown_ones_fail() -> None:
    assert list(shell_commands("X=1 make plan && karpenter-infra plan --stack dev  # offline\n")) == [
        ["make", "plan"],
        ["karpenter-infra", "plan", "--stack", "dev"],
    ]
    bad = Block(ROOT / "README.md", 1, "sh", "karpenter-infra plam --stack dev\n", None, "")
    with pytest.raises(AssertionError, match="no such command"):
        check_shell(bad)
    with pytest.raises(AssertionError, match="no such target"):
        check_shell(Block(ROOT / "README.md", 1, "sh", "make nosuchtarget\n", None, ""))
