"""The blocks that show output (marked ``checked-by tests/docs/test_examples.py``) are the output we give, and the
README is the landing page it promises to be: README.md, docs/explain.md, docs/nodegroups.md, docs/development.md,
docs/stacks.md, docs/other-languages.md.
"""

from __future__ import annotations

import re

import pytest

from tests.docs.pages import DOCS, ROOT, block_after

README = ROOT / "README.md"


def test_the_two_commands_are_documented_and_exist() -> None:
    readme = README.read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("plan", "test"):
        assert f"make {target}" in readme
        assert f"\n{target}:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_is_a_landing_page() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) <= 170, f"README.md has {len(lines)} lines: move the detail into docs/"
    for heading in ("## Simulate", "## Disruption", "## Security model"):
        assert any(line.startswith(heading) for line in lines), f"README.md: no {heading!r} section"


def test_the_nodegroup_example_renders_the_objects_it_names() -> None:
    from karpenter_infra import Fleet

    namespace: dict[str, object] = {}
    exec(block_after(README, "## A nodegroup list\n"), namespace)
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
    shown = block_after(DOCS / "explain.md", "For the `prod` stack:\n")
    assert result.stdout == shown, "paste `karpenter-infra explain --stack prod` into docs/explain.md"


def _spec_errors() -> tuple[str, str]:
    from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError

    defaults = NodeGroupDefaults(cluster_name="c")
    with pytest.raises(SpecError) as weight:
        NodeGroup(name="web", weight=120)
    with pytest.raises(SpecError) as label:
        Fleet(defaults, [NodeGroup(name="a", labels={"karpenter.sh/x": "y"})], node_role="r")
    return str(weight.value), str(label.value)


def test_the_first_error_examples_are_the_errors_we_give() -> None:
    weight, label = _spec_errors()
    assert block_after(DOCS / "nodegroups.md", "name the node group and the field, for example:\n") == (
        f"{weight}\n{label}\n"
    )
    assert block_after(README, "before any resource is registered:\n") == f"{weight}\n"


def test_the_layout_names_paths_that_exist() -> None:
    layout = block_after(DOCS / "development.md", "## Layout\n")
    paths = [line.split()[0] for line in layout.splitlines() if line.strip()]
    assert len(paths) >= 10
    missing = [path for path in paths if not (ROOT / path.replace("*", "")).exists() and not list(ROOT.glob(path))]
    assert missing == [], f"docs/development.md's layout names paths that do not exist: {missing}"


def test_readme_links_into_the_site_resolve() -> None:
    from docs_hooks import STUB_PAGES

    links = re.findall(r"\]\((docs/[^)#]+)(?:#[^)]*)?\)", README.read_text())
    assert links
    for link in links:
        page = link.removeprefix("docs/")
        assert (ROOT / link).is_file() or page in STUB_PAGES, f"README.md links to {link}, which does not exist"


def test_the_stack_file_example_is_a_valid_platform() -> None:
    import yaml

    from karpenter_infra.spec.platform import PlatformSpec

    shown = yaml.safe_load(block_after(DOCS / "stacks.md", "A small one, for an existing VPC:\n"))
    platform = PlatformSpec.model_validate(shown["config"]["karpenter-infra:platform"])
    assert platform.cluster.name == "karpenter-dev"
    assert platform.nodegroups == "stacks.nodegroups.dev"


def test_the_other_language_errors_are_the_errors_the_provider_gives() -> None:
    from karpenter_infra.errors import SpecError
    from karpenter_infra.multilang import decode_inputs
    from karpenter_infra.wire.components import BY_NAME

    inputs = {
        "kubeconfig": "{}",
        "nodeRole": "r",
        "nodegroupDefaults": {"clusterName": "c"},
        "nodegroups": [{"name": "web", "instances": {"capacityTipes": ["spot"]}}],
    }
    with pytest.raises(SpecError) as caught:
        decode_inputs(BY_NAME["NodePoolSet"], inputs)
    assert block_after(DOCS / "other-languages.md", "the property the way you wrote it:\n") == f"{caught.value}\n"


def test_development_says_what_every_dependency_is_for() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *(d for extra in project["optional-dependencies"].values() for d in extra)]
    names = {re.split(r"[<>=!\[ ]", requirement, maxsplit=1)[0].lower() for requirement in declared}
    page = (DOCS / "development.md").read_text()
    table = page[page.index("| package | for |") :].split("\n\n", 1)[0]
    listed = {
        word.strip().split(" ")[0].lower()
        for row in table.splitlines()[2:]
        for word in row.strip("|").split("|", 1)[0].split(",")
    }
    assert names <= listed, f"docs/development.md: say what {sorted(names - listed)} is for"
