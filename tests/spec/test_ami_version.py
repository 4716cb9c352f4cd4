"""``ami_version`` in each AMI family's own format, rendered into the alias as written."""

from __future__ import annotations

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError


def alias(family: str, version: str) -> str:
    fleet = Fleet(
        NodeGroupDefaults(cluster_name="c"),
        [NodeGroup(name="a", ami_family=family, ami_version=version)],
        node_role="R",
    )
    [nodeclass] = [m for m in fleet.manifests() if m["kind"] == "EC2NodeClass"]
    [term] = nodeclass["spec"]["amiSelectorTerms"]
    value: str = term["alias"]
    return value


@pytest.mark.parametrize(
    ("family", "version", "expected"),
    [
        ("AL2023", "v20251016", "al2023@v20251016"),
        ("AL2", "v20240807", "al2@v20240807"),
        ("Bottlerocket", "v1.57.0", "bottlerocket@v1.57.0"),
        ("Bottlerocket", "1.57.0", "bottlerocket@1.57.0"),
        ("Windows2022", "latest", "windows2022@latest"),
        ("Windows2025", "latest", "windows2025@latest"),
        ("Bottlerocket", "latest", "bottlerocket@latest"),
    ],
)
def test_each_familys_own_version_format_renders_as_written(family: str, version: str, expected: str) -> None:
    assert alias(family, version) == expected


@pytest.mark.parametrize(
    ("family", "version", "hint"),
    [
        ("AL2023", "1.57.0", "a release date like v20251016"),
        ("AL2023", "v1.57.0", "a release date like v20251016"),
        ("AL2", "1.2.3", "a release date like v20251016"),
        ("Bottlerocket", "v20251016", "a version like v1.57.0"),
        ("Windows2022", "v20251016", "only 'latest'"),
        ("Windows2019", "1.2.3", "only 'latest'"),
    ],
)
def test_another_familys_format_is_an_error_naming_the_family(family: str, version: str, hint: str) -> None:
    with pytest.raises(SpecError, match=rf"^nodegroup 'a': ami_version: '{version}' is not a {family} AMI version: "):
        alias(family, version)
    with pytest.raises(SpecError, match=hint):
        alias(family, version)


@pytest.mark.parametrize("version", ["v2025", "20251016", "V20251016", "1.2", "v1.2.3-rc1", "latest "])
def test_no_familys_format_is_refused_by_the_field(version: str) -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'a': ami_version: must be latest, a release date"):
        NodeGroup(name="a", ami_version=version)
