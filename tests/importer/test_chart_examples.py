"""Values of our own in the shape of the karpenter_nodes chart's examples (common.yaml + nodegroups.yaml) import.

The chart's own example files cannot be fetched here, so these stand in for them: the four shapes that used to stop
the import (issue 21) are all in one run, which must exit 0 with warnings, each naming its group.
"""

from __future__ import annotations

from pathlib import Path

from .support import cli, write

COMMON = """\
clusterName: eks-example
subnetSelectorTerms: [{tags: {Name: private}}]
securityGroupSelectorTerms: [{tags: {Name: nodes}}]
availabilityZones: [eu-west-1a, eu-west-1b]
excludeFamilies: [zz9]
instances:
  capacityType: [on-demand]
"""

NODEGROUPS = """\
nodeGroups:
  nodes-workers:
    nodeGroupLabel: nodes-workers
    instances:
      categories: [m, r]
    capacitySpread: {start: 1, end: 5}
  nodes-workers-c:
    nodeGroupLabel: nodes-workers
    instances:
      categories: [c]
    capacitySpread: {start: 1, end: 5}
  nodes-spot-a:
    nodeGroupLabel: nodes-spot
    instances:
      capacityType: [spot]
    capacitySpread: {start: 1, end: 3}
  nodes-spot-b:
    nodeGroupLabel: nodes-spot
    instances:
      capacityType: [spot]
    capacitySpread: {start: 1, end: 3}
  nodes-tainted:
    autoTaint: true
    instances: {}
"""


def test_the_example_shapes_import_with_warnings_in_one_run(tmp_path: Path) -> None:
    result = cli(
        "-f", str(write(tmp_path, "common.yaml", COMMON)), "-f", str(write(tmp_path, "nodegroups.yaml", NODEGROUPS))
    )
    assert result.exit_code == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert all(line.startswith("warning: ") for line in warnings), warnings

    def about(group: str, rule_text: str) -> list[str]:
        return [w for w in warnings if f"nodegroup '{group}'" in w and rule_text in w]

    # overlapping spreads that differ by instance shape (m, r against c) are legitimate: no overlap warning
    assert not [w for w in warnings if "nodes-workers" in w and "overlaps" in w], warnings
    assert 'name="nodes-workers-c"' in result.stdout
    # spot twins sharing a spread run, with a warning naming the group
    assert about("nodes-spot-a", "capacity_spread") or about("nodes-spot-b", "capacity_spread"), warnings
    # an unknown family in the shared excludeFamilies changes nothing in Karpenter: a warning naming common.yaml
    assert about("nodes-tainted", "instances.exclude_families (from common.yaml): 'zz9'"), warnings
    # the boolean autoTaint the chart cannot compare is imported as meant, with a warning
    assert about("nodes-tainted", "autoTaint"), warnings
    assert "auto_taint=True" in result.stdout
