"""Names AWS defines, checked with AWS's own rules so the library neither refuses valid names nor accepts bad ones."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

#: EKS CreateCluster: ``name`` matches ``^[0-9A-Za-z][A-Za-z0-9\-_]*`` and is 1-100 characters (EKS API reference,
#: CreateCluster, request parameter ``name``). Upper case and ``_`` are allowed, unlike a Kubernetes DNS label.
#: What derives from it still holds: IAM role names allow ``\w+=,.@-`` (``KarpenterNodeRole-<cluster>``), SQS queue
#: names ``A-Za-z0-9_-`` (the interruption queue is named after the cluster), and the discovery tag is a tag value.
EKS_CLUSTER_NAME = r"^[0-9A-Za-z][A-Za-z0-9_-]*$"

ClusterName = Annotated[str, Field(pattern=EKS_CLUSTER_NAME, min_length=1, max_length=100)]
