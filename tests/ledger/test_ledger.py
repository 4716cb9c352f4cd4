"""The rule ledger: every rule has a source, the generated table is current, and the runner collects."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import karpenter_infra
from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError
from karpenter_infra.ledger import RULES, Severity, Stage
from karpenter_infra.ledger.registry import RULE_MODULES, all_rules
from karpenter_infra.ledger.table import page

ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_has_an_id_a_source_and_a_summary() -> None:
    rules = all_rules()
    assert len(rules) >= 20
    for rule in rules.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert len(rule.source) > 20, f"rule {rule.id!r} has no source"
        assert rule.summary, f"rule {rule.id!r} says nothing"
        assert rule.stage in Stage and rule.severity in Severity


def test_the_registry_lists_every_module_that_registers_rules() -> None:
    """A rule registered in a module the registry does not import would be missing from the table and the ids."""
    for module in pkgutil.walk_packages(karpenter_infra.__path__, "karpenter_infra."):
        if ".cli" not in module.name and "__main__" not in module.name:
            importlib.import_module(module.name)
    modules = {rule.function.__module__ for rule in RULES.values() if rule.runs}
    modules |= {m for m in RULE_MODULES if any(r.function.__module__ == m for r in RULES.values())}
    assert modules <= set(RULE_MODULES), sorted(modules - set(RULE_MODULES))
    assert set(RULES) == set(all_rules())


def test_the_rules_page_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == page(), "run `make rules`"


KUBELET_HIGH = {"image_gc_high_threshold_percent": 50}
KUBELET_LOW = {"image_gc_low_threshold_percent": 60}


def test_every_problem_of_every_group_is_reported_at_once() -> None:
    defaults = NodeGroupDefaults.model_validate({"cluster_name": "c", "kubelet": KUBELET_HIGH})
    groups = [
        NodeGroup.model_validate({"name": "b", "kubelet": KUBELET_LOW}),
        NodeGroup(name="a", node_class="zz"),
        NodeGroup(name="c", expire_after="1h", consolidate_after="2h"),
    ]
    with pytest.raises(SpecError) as caught:
        Fleet(defaults, groups, node_role="R")
    lines = str(caught.value).splitlines()
    assert [line.split(": ", 2)[:2] for line in lines] == [
        ["nodegroup 'a'", "node_class"],
        ["nodegroup 'b'", "kubelet.image_gc_low_threshold_percent"],
    ]


def test_group_rules_report_every_group() -> None:
    defaults = NodeGroupDefaults.model_validate({"cluster_name": "c", "kubelet": KUBELET_HIGH})
    groups = [NodeGroup.model_validate({"name": n, "kubelet": KUBELET_LOW}) for n in ("a", "b")]
    with pytest.raises(SpecError) as caught:
        Fleet(defaults, groups, node_role="R")
    assert [line.split(": ", 1)[0] for line in str(caught.value).splitlines()] == ["nodegroup 'a'", "nodegroup 'b'"]


def test_an_unknown_warning_id_is_refused_with_a_suggestion() -> None:
    with pytest.raises(SpecError, match=r"warnings_off\[0\]: .*'spread-without-twn' is no warning's id.*did you mean"):
        NodeGroupDefaults.model_validate({"cluster_name": "c", "warnings_off": ["spread-without-twn"]})


def test_an_error_id_cannot_be_switched_off() -> None:
    with pytest.raises(SpecError, match="is no warning's id"):
        NodeGroup.model_validate({"name": "a", "warnings_off": ["zone-name"]})
