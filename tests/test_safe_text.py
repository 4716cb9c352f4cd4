"""Echoed text is terminal-safe and short: one place (``safe_text``), used by ``SpecError`` and the console."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.errors import SpecError
from karpenter_infra.safe_text import printable, quoted, shorten
from karpenter_infra.spec.platform import PlatformSpec


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, unicode é ü 日本", "plain text, unicode é ü 日本"),
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b[2J clear", "\\x1b[2J clear"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x7f\x9b", "\\x7f\\x9b"),
        ("admin\u202e\u2066txt", "admin\\u202e\\u2066txt"),
        ("line\u2028sep", "line\\u2028sep"),
        ("\udcff", "\\udcff"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_shorten_keeps_both_ends() -> None:
    text = "a" * 100 + "b" * 100
    short = shorten(text, 40)
    assert len(short) <= 40 and short.startswith("aaa") and short.endswith("bbb") and " ... " in short


def test_quoted_gives_the_shape_of_a_mapping_never_its_content() -> None:
    assert quoted({"extra_values": {"token": "hunter2"}}) == "a mapping of 1 key"
    assert quoted([{"token": "hunter2"}, 1]) == "a list of 2 items"
    assert quoted(["a", 1]) == "['a', 1]"
    assert quoted("x" * 500).endswith("xx'") and len(quoted("x" * 500)) <= 80
    assert quoted(10**5000) == "an integer of 16610 bits"
    assert quoted("\x1b[2J") == "'\\x1b[2J'"


def test_spec_error_lines_are_escaped_one_per_problem() -> None:
    error = SpecError("nodegroup 'we\x1bb'", [("ta\x07g", "bad\nvalue"), ("x", "y")])
    assert str(error).splitlines() == ["nodegroup 'we\\x1bb': ta\\x07g: bad\\nvalue", "nodegroup 'we\\x1bb': x: y"]


def test_an_error_at_the_root_does_not_print_the_config() -> None:
    with pytest.raises(SpecError) as caught:  # the platform's own one-line error
        PlatformSpec.model_validate([{"extra_values": {"token": "hunter2"}}])
    [(_, problem)] = caught.value.issues
    assert "hunter2" not in problem and problem.endswith("got a list of 1 item")


def test_the_console_escapes_what_it_echoes(tmp_path: object) -> None:
    from pathlib import Path

    project = Path(str(tmp_path))
    (project / "stacks").mkdir()
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (project / "stacks" / "Pulumi.bad.yaml").write_text('config:\n  "karpenter-infra:platfo\\e]0;pwned\\arm": 1\n')
    result = CliRunner().invoke(app, ["render", "-s", "bad", "--project-dir", str(project)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "karpenter-infra:platfo\\x1b]0;pwned\\x07rm: unknown config key" in result.output
