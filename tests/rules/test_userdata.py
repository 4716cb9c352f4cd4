"""User data: EC2's 16 KB, Bottlerocket TOML, bare PowerShell for Windows; errors say which line."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra.rules.userdata import user_data_problem
from tests.rules.support import accepted, refused_group

TOML = '[settings.kubernetes]\nmax-pods = 110\n[settings.kubernetes.node-labels]\n"example.com/team" = "web"\n'


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"user_data": "#!/bin/bash\n" + "#" * 16_400}, "EC2 takes at most 16384"),
        ({"ami_family": "Bottlerocket", "user_data": "[settings.kubernetes]\nmax-pods = \n"}, "line 2"),
        ({"ami_family": "Bottlerocket", "user_data": "#!/bin/bash\necho hi\n"}, "must be TOML"),
        ({"ami_family": "Windows2022", "user_data": "Write-Host hi\n<powershell>\n"}, "line 2: '<powershell>'"),
        ({"ami_family": "Windows2022", "user_data": "#!/bin/bash\necho hi\n"}, "line 1"),
    ],
)
def test_refused(settings: dict[str, Any], words: str) -> None:
    refused_group("user_data", words, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        {"user_data": "#!/bin/bash\n" + "#" * 16_000},
        {"ami_family": "Bottlerocket", "user_data": TOML},
        {"ami_family": "Windows2022", "user_data": "Write-Host 'joining {{ cluster_name }}'\n"},
    ],
)
def test_accepted(settings: dict[str, Any]) -> None:
    accepted(**settings)


def test_the_size_is_counted_in_bytes_as_ec2_counts_it() -> None:
    assert user_data_problem("AL2023", "\u00e9" * 8192) is None  # 16,384 bytes exactly
    assert user_data_problem("AL2023", "\u00e9" * 8193) is not None
