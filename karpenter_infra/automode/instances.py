"""Which instance types EKS Auto Mode launches, and how its NodePools read against the catalog.

Source: AWS, "Learn about Amazon EKS Auto Mode Managed instances", section "EKS Auto Mode supported instance
reference" (https://docs.aws.amazon.com/eks/latest/userguide/automode-learn-instances.html#auto-supported-instances,
read 2026-12): Auto Mode "only creates instances of supported types, and that meet a minimum size requirement". The
supported types are given by family (below, as AWS lists them); the minimum is "more than 1 CPU" and a size other
than nano, micro or small. "Create a Node Pool for EKS Auto Mode" points at that section for the instance limits.
A family AWS adds later is refused here until this list learns it: the catalog then errs on the side AWS documents.
"""

from __future__ import annotations

from typing import Final

from karpenter_infra.automode.labels import LABELS
from karpenter_infra.catalog.model import CPU_LABEL, FAMILY_LABEL
from karpenter_infra.catalog.view import CatalogView

SIZE_LABEL: Final = "karpenter.k8s.aws/instance-size"

#: The families of AWS's table, by its rows: C, M, R, T, high memory, storage, accelerated, HPC/X2.
SUPPORTED_FAMILIES: Final = frozenset(
    {
        *("c9g", "c8a", "c8g", "c8gb", "c8gd", "c8gn", "c8i", "c8i-flex", "c8id", "c7a", "c7g", "c7gd", "c7gn"),
        *("c7i", "c7i-flex", "c6a", "c6g", "c6gd", "c6gn", "c6i", "c6id", "c6in", "c5", "c5a", "c5ad", "c5d"),
        *("c5n", "c4"),
        *("m9gd", "m8a", "m8azn", "m8g", "m8gb", "m8gd", "m8gn", "m8i", "m8i-flex", "m8id", "m7a", "m7g", "m7gd"),
        *("m7i", "m7i-flex", "m6a", "m6g", "m6gd", "m6i", "m6id", "m6idn", "m6in", "m5", "m5a", "m5ad", "m5d"),
        *("m5dn", "m5n", "m5zn", "m4"),
        *("r8a", "r8g", "r8gb", "r8gd", "r8gn", "r8i", "r8i-flex", "r8id", "r7a", "r7g", "r7gd", "r7i", "r7iz"),
        *("r6a", "r6g", "r6gd", "r6i", "r6id", "r6idn", "r6in", "r5", "r5a", "r5ad", "r5b", "r5d", "r5dn", "r5n"),
        *("r4",),
        *("t4g", "t3", "t3a", "t2"),
        *("z1d", "x8aedz", "x8g", "x8i", "x2gd"),
        *("i8g", "i8ge", "i7i", "i7ie", "i4g", "is4gen", "im4gn", "i4i", "i3", "i3en", "d3", "d3en"),
        *("trn2", "trn1", "trn1n", "p6-b200", "p6-b300", "p5", "p5e", "p5en", "p4d", "p4de", "p3", "p3dn"),
        *("inf2", "inf1", "g7e", "g6", "gr6", "g6e", "g5", "g5g", "g4ad", "g4dn"),
        *("x2idn", "x2iedn", "x2iezn", "hpc8a"),
    }
)
#: Sizes AWS names as below Auto Mode's minimum.
TOO_SMALL_SIZES: Final = ("micro", "nano", "small")

#: Auto Mode's pools in the catalog's keys: the one translation table (``labels.LABELS``), read backwards.
AUTO_MODE: Final = CatalogView(
    backend="EKS Auto Mode",
    keys={auto_mode: karpenter for karpenter, auto_mode in LABELS.items()},
    supported=(
        (
            {"key": FAMILY_LABEL, "operator": "In", "values": sorted(SUPPORTED_FAMILIES)},
            "family {value} is not in AWS's list",
        ),
        ({"key": CPU_LABEL, "operator": "Gt", "values": ["1"]}, "{value} vCPU, it needs more than 1"),
        (
            {"key": SIZE_LABEL, "operator": "NotIn", "values": list(TOO_SMALL_SIZES)},
            "size {value} is below its minimum",
        ),
    ),
)
