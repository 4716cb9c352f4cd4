"""mkdocs hooks (``mkdocs.yml``): a short stub for each page another helper owns and has not written yet.

Each page in ``STUB_PAGES`` is in the nav from the start, so links to it work and ``--strict`` passes; the stub only
exists in the built site, never in ``docs/``, and the owner's page replaces it simply by existing.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

#: page -> (title, one sentence on what it will hold)
STUB_PAGES: dict[str, tuple[str, str]] = {
    "simulate.md": ("Simulate", "Which node each of your workloads would land on, and what the fleet would cost."),
    "disruption.md": ("Disruption", "When Karpenter may disrupt nodes this week, and how a roll-out would proceed."),
    "security.md": ("Security model", "What the library trusts, what it refuses, and what it never prints."),
    "rules.md": ("Rules", "Every rule past the CRDs, generated from the rule ledger."),
    "real-parts.md": ("The real parts", "The checks that run against real Karpenter and a real cluster."),
    "consumer.md": ("Consumer programs", "Using the components in your own Pulumi program, and testing it offline."),
}


def stub_text(title: str, sentence: str) -> str:
    return f"# {title}\n\n{sentence} This page is being written.\n"


def on_files(files: Files, /, *, config: MkDocsConfig, **_: Any) -> Files:
    for page, (title, sentence) in STUB_PAGES.items():
        if files.get_file_from_path(page) is None:
            files.append(File.generated(config, page, content=stub_text(title, sentence)))
    return files
