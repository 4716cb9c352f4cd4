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


def _block(readme: str, after: str, fence: str) -> str:
    return readme.split(after + fence, 1)[1].split("```", 1)[0]


def test_the_nodegroup_example_renders_the_objects_it_names() -> None:
    from karpenter_infra import Fleet

    namespace: dict[str, object] = {}
    exec(_block((ROOT / "README.md").read_text(), "## A nodegroup list\n\n", "```python\n"), namespace)
    fleet = Fleet(namespace["DEFAULTS"], namespace["NODEGROUPS"], node_role="KarpenterNodeRole-karpenter-prod")  # type: ignore[arg-type]
    assert {(m["kind"], m["metadata"]["name"]) for m in fleet.manifests()} == {
        ("NodePool", "default-amd64"),
        ("EC2NodeClass", "default-amd64"),
        ("NodePool", "default-od-amd64"),
        ("NodePool", "gpu-amd64"),
        ("EC2NodeClass", "gpu-amd64"),
        ("PriorityClass", "karpenter-headroom"),
        ("Namespace", "karpenter-headroom"),
        ("Deployment", "headroom-default-amd64-medium"),
    }


def test_the_explain_example_is_what_explain_prints_for_prod() -> None:
    from typer.testing import CliRunner

    from karpenter_infra.cli import app

    result = CliRunner().invoke(app, ["explain", "--stack", "prod", "--project-dir", str(ROOT)])
    assert result.exit_code == 0, result.output
    shown = _block((ROOT / "README.md").read_text(), "For the `prod` stack:\n\n", "```\n")
    assert result.stdout == shown, "paste `karpenter-infra explain --stack prod` into the README"


def test_the_first_error_examples_are_the_errors_we_give() -> None:
    import pytest

    from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError

    readme = (ROOT / "README.md").read_text()
    defaults = NodeGroupDefaults(cluster_name="c")
    with pytest.raises(SpecError) as weight:
        NodeGroup(name="web", weight=120)
    with pytest.raises(SpecError) as label:
        Fleet(defaults, [NodeGroup(name="a", labels={"karpenter.sh/x": "y"})], node_role="r")
    assert f"```\n{weight.value}\n{label.value}\n```" in readme
