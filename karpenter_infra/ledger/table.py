"""``docs/rules.md``: the ledger as a table, generated (``python -m karpenter_infra.ledger.table docs/rules.md``).

A test fails when the page is stale, so the documentation cannot drift from the rules.
"""

from __future__ import annotations

import sys
from pathlib import Path

from karpenter_infra.ledger.core import Rule, Severity, Stage
from karpenter_infra.ledger.registry import all_rules

_INTRO = """\
# What we refuse beyond the CRDs, and why

<!-- Generated from the rule ledger (karpenter_infra/ledger) by `make rules`; do not edit by hand. -->

The manifests are checked against the Karpenter v1.14 CRDs (their schemas and CEL rules) before anything is
registered. The rules below are what the library checks **beyond** the CRDs.

The principle: a node group is **refused** (an error, exit 2, nothing registered) only when Karpenter, EC2, the
kubelet or the API server would refuse it, when its pool provably can never launch a node, or when two of our own
fields contradict each other. Everything else that looks wrong is a **warning** that names the group and says what to
do. Every problem is reported in one run, one line each.

Switch a warning off by its id: `warnings_off: [<id>, ...]` on a group, or on the defaults for every group (a
group's own list replaces the defaults'). Warnings not about one group (the platform's) are switched off by the
defaults' list. `catalog_warnings_off` still works for the catalog's warnings.

Stages: **model** rules see the settings of one layer (a group's or the defaults') as written, when the model is
built; **group** rules see one group with its defaults merged in; **fleet** rules see all groups; **platform** rules
see the fleet with the stack's platform (cluster, Karpenter chart, IAM); **catalog** rules see each NodePool against
the instance-type catalog.
"""


def _row(rule: Rule) -> str:
    cells = (f"`{rule.id}`", rule.stage.value, rule.summary, rule.source, f"`{rule.where}`")
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def page() -> str:
    rules = sorted(all_rules().values(), key=lambda r: (list(Stage).index(r.stage), r.id))
    lines = [_INTRO]
    for severity, title in ((Severity.ERROR, "Refused (errors)"), (Severity.WARNING, "Warnings (switchable by id)")):
        lines += [
            f"## {title}",
            "",
            "| id | stage | what | source | where |",
            "| --- | --- | --- | --- | --- |",
            *(_row(r) for r in rules if r.severity == severity),
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path("docs/rules.md")
    target.write_text(page(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
