"""The README's claims that code can check: the field table is generated, the commands exist."""

from __future__ import annotations

from pathlib import Path

from karpenter_infra.docs import with_fields_table

ROOT = Path(__file__).resolve().parents[1]


def test_field_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text()
    assert with_fields_table(readme) == readme, "run `make readme` to regenerate the field table"


def test_the_two_commands_are_documented_and_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("plan", "test"):
        assert f"make {target}" in readme
        assert f"\n{target}:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()
