"""The kinds of plan-time catalog warnings, each of which a group can switch off (``catalog_warnings_off``)."""

from __future__ import annotations

from enum import StrEnum


class CatalogWarning(StrEnum):
    #: A spot pool admitting fewer than ``SPOT_MIN_TYPES`` types: AWS advises diversifying spot across many types
    #: (EC2 User Guide, "Best practices for EC2 Spot": be flexible about instance types).
    SPOT_DIVERSITY = "spot-diversity"
    #: Only previous-generation or Xen types: slower, often dearer, and the first AWS retires.
    PREVIOUS_GENERATION = "previous-generation"
    #: Retired: on-demand prices spanning many times fired on ordinary pools (Karpenter picks the cheapest type that
    #: fits, so a wide range is how it is meant to work). Still accepted in ``catalog_warnings_off``; never raised.
    PRICE_SPREAD = "price-spread"
    #: Twins (one group label, or a capacity-spread pair) that admit different instance shapes.
    TWIN_SHAPES = "twin-shapes"
    #: A headroom pod that fits the largest admitted node only within the margin of the reference's allocatable.
    HEADROOM_EDGE = "headroom-edge"
    #: A requirement value no instance type in the catalog carries (a typo, or a type of another region), next to
    #: values that do, or in a ``NotIn``: Karpenter ignores it.
    UNKNOWN_VALUE = "unknown-value"
    #: A limit on an extended resource (``nvidia.com/gpu``) that no admitted type offers: it bounds nothing.
    LIMIT_NOT_OFFERED = "limit-not-offered"


SPOT_MIN_TYPES = 15
