"""The Kubernetes minor versions an EKS cluster can run, as of the date below.

Source: Amazon EKS User Guide, "Understand the Kubernetes version lifecycle on EKS"
(https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html): 14 months of standard support, then
12 of extended support, after which EKS upgrades the cluster itself and creates no new one at that version. The
versions must also be in Karpenter v1.14's compatibility matrix (aws/karpenter-provider-aws
``hack/docs/compatibilitymatrix_gen/compatibility.yaml``: 1.14.x runs Kubernetes 1.26 to 1.36).

The table is data, not today's date: a plan gives the same answer every day. When EKS ends a version or adds one,
change the table and its date.
"""

from __future__ import annotations

from typing import NamedTuple

from karpenter_infra.safe_text import quoted

#: The day the table below was last checked against the EKS page.
AS_OF = "2026-12-01"


class EksVersion(NamedTuple):
    minor: str
    #: End of extended support: after this EKS runs no cluster at this version. ``None``: not yet announced.
    end_of_extended_support: str | None


#: Versions whose extended support ends after ``AS_OF`` (1.31's ended 2026-11-26, so it is gone).
EKS_VERSIONS = (
    EksVersion("1.32", "2027-03-23"),
    EksVersion("1.33", "2027-07-29"),
    EksVersion("1.34", "2027-12-02"),
    EksVersion("1.35", "2028-03-27"),
    # In Karpenter v1.14's matrix; its EKS dates were not yet on the page the table was checked against.
    EksVersion("1.36", None),
)
SUPPORTED_MINORS = tuple(v.minor for v in EKS_VERSIONS)


def kubernetes_version_problem(version: str) -> str | None:
    if version in SUPPORTED_MINORS:
        return None
    supported = ", ".join(SUPPORTED_MINORS)
    return f"{quoted(version)} is not a Kubernetes version EKS runs (as of {AS_OF}: {supported})"
