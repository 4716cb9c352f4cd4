"""The site's structure: the generated reference is current, every page is in the nav, stubs fill only gaps."""

from __future__ import annotations

from pathlib import Path

import yaml

from docs_hooks import STUB_PAGES, stub_text
from karpenter_infra.docs.pages import REFERENCE_DIR, reference_pages, write_reference
from tests.docs.pages import DOCS, ROOT

#: The page names every helper writes into (COORD.md): fixed, so links to them never break.
FIXED_PAGES = {
    "index.md",
    "getting-started.md",
    "nodegroups.md",
    "stacks.md",
    "consumer.md",
    "explain.md",
    "simulate.md",
    "disruption.md",
    "diff-and-ci.md",
    "migrating.md",
    "auto-mode.md",
    "other-languages.md",
    "security.md",
    "rules.md",
    "real-parts.md",
    "development.md",
}


def _nav_pages(entries: list[object]) -> list[str]:
    found: list[str] = []
    for entry in entries:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            found.extend(_nav_pages(value) if isinstance(value, list) else [str(value)])
    return found


def test_the_generated_reference_is_current() -> None:
    for relative, content in reference_pages().items():
        path = DOCS / relative
        assert path.is_file() and path.read_text() == content, f"docs/{relative} is stale: run `make reference`"
    generated = {DOCS / relative for relative in reference_pages()}
    assert set((DOCS / REFERENCE_DIR).glob("*.md")) == generated, "docs/reference/ holds a page nothing generates"


def test_make_reference_writes_only_what_changed(tmp_path: Path) -> None:
    assert len(write_reference(tmp_path)) == len(reference_pages())
    (tmp_path / REFERENCE_DIR / "models.md").write_text("stale\n")
    assert write_reference(tmp_path) == [tmp_path / REFERENCE_DIR / "models.md"]


def test_the_reference_documents_every_public_model_and_component() -> None:
    import karpenter_infra

    models = reference_pages()[f"{REFERENCE_DIR}/models.md"]
    for name in ("NodeGroup", "NodeGroupDefaults", "Instances", "Budget", "CapacityType"):
        assert f"\n## {name}\n" in models
    assert "| `min_generation` |" in models
    components = reference_pages()[f"{REFERENCE_DIR}/components.md"]
    for name in ("KarpenterPlatform", "NodePoolSet", "KarpenterIam", "InterruptionQueue"):
        assert f"\n## {name}\n" in components
    assert "karpenter-infra:index:NodePoolSet" in components
    assert "Fleet" in karpenter_infra.__all__


def test_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    nav = _nav_pages(config["nav"])
    assert len(nav) == len(set(nav))
    on_disk = {str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md")}
    assert on_disk <= set(nav), f"pages missing from mkdocs.yml's nav: {sorted(on_disk - set(nav))}"
    assert set(nav) <= on_disk | set(STUB_PAGES), f"nav entries with no page: {sorted(set(nav) - on_disk)}"
    assert set(nav) >= FIXED_PAGES


def test_a_stub_fills_a_missing_page_and_never_replaces_a_written_one(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    config = load_config(str(ROOT / "mkdocs.yml"))
    (tmp_path / "simulate.md").write_text("# Simulate\n\nThe real page.\n")
    written = File("simulate.md", src_dir=str(tmp_path), dest_dir=str(tmp_path / "site"), use_directory_urls=True)
    # Through mkdocs' own event dispatch: mkdocs.yml's `hooks:` entry is what loads on_files.
    files = config.plugins.on_files(Files([written]), config=config)
    assert files.get_file_from_path("simulate.md") is written
    security = files.get_file_from_path("security.md")
    assert security is not None
    assert security.content_string == stub_text(*STUB_PAGES["security.md"])
