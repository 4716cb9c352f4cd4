"""The instance-type catalog: which instance types each NodePool admits, and whether it can launch at all.

``model`` (the indexed catalog), ``evaluate`` (requirements -> admitted set) and ``summary`` know nothing of node
groups; ``view`` is how a backend's pools read against it (Auto Mode's keys, the types it launches), handed in by
the backend; ``checks`` and ``report`` read the rendered fleet against them; ``refresh`` and ``generate`` write catalog
files. Nothing here imports Pulumi, and no component reads the catalog.
"""

from karpenter_infra.catalog.evaluate import admitted_types
from karpenter_infra.catalog.model import Catalog, shipped_catalog
from karpenter_infra.catalog.warnings import CatalogWarning

__all__ = ["Catalog", "CatalogWarning", "admitted_types", "shipped_catalog"]
