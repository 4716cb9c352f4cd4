"""The documentation's pages and their fenced code blocks, for the tests that check them.

Every fenced block of README.md and of every page under docs/ is checked by ``test_code_blocks.py``, by its language:
python runs, shell is parsed and its ``make``/``karpenter-infra`` commands must exist, YAML/JSON/TOML parse,
TypeScript may only construct resources the package schema has. A block whose language has no checker, or one to be
checked another way, says how in an HTML comment on the line before its fence:

- ``<!-- docs-test: compile -->``: python that needs more than this process (a Pulumi engine, your own modules) is
  compiled, not run;
- ``<!-- docs-test: excerpt-of PATH -->``: the block is an excerpt of the repository file PATH, line for line;
- ``<!-- docs-test: checked-by PATH -->``: the test file PATH checks this block (it must name this page);
- ``<!-- docs-test: illustrative -->``: shown, not checked (say why in the text around it).

A new page is covered as soon as it exists: nothing to register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>[^`\n]*)$")
_MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<kind>[\w-]+)\s*(?P<argument>[^\s>]*)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    language: str
    text: str
    marker: str | None
    argument: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def blocks(page: Path) -> list[Block]:
    lines = page.read_text().split("\n")
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            body.append(lines[end][len(indent) :] if lines[end].startswith(indent) else lines[end])
            end += 1
        marker = _MARKER.match(lines[index - 1]) if index > 0 else None
        found.append(
            Block(
                page=page,
                line=index + 1,
                language=opening["info"].strip().split(" ")[0].lower(),
                text="\n".join(body) + "\n",
                marker=marker["kind"] if marker else None,
                argument=marker["argument"] if marker else "",
            )
        )
        index = end + 1
    return found


def all_blocks() -> list[Block]:
    return [block for page in pages() for block in blocks(page)]


def block_after(page: Path, text: str) -> str:
    """The body of the first fenced block after ``text`` on ``page``."""
    content = page.read_text()
    position = content.index(text) + len(text)
    line = content[:position].count("\n") + 1
    return next(block.text for block in blocks(page) if block.line >= line)
