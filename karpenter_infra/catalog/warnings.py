"""The kinds of plan-time catalog warnings, each of which a group can switch off (``catalog_warnings_off``)."""

from __future__ import annotations

from enum import StrEnum


class CatalogWarning(StrEnum):
    #: A spot pool admitting fewer than ``SPOT_MIN_TYPES`` types: AWS advises diversifying spot across many types
    #: (EC2 User Guide, "Best practices for EC2 Spot": be flexible about instance types).
    SPOT_DIVERSITY = "spot-diversity"
    #: Only previous-generation or Xen types: slower, often dearer, and the first AWS retires.
    PREVIOUS_GENERATION = "previous-generation"
    #: On-demand prices spanning more than ``PRICE_SPREAD`` times: usually a missing size bound.
    PRICE_SPREAD = "price-spread"
    #: Twins (one group label, or a capacity-spread pair) that admit different instance shapes.
    TWIN_SHAPES = "twin-shapes"
    #: A headroom pod that fits the largest admitted node only within the margin of the reference's allocatable.
    HEADROOM_EDGE = "headroom-edge"


SPOT_MIN_TYPES = 15
PRICE_SPREAD = 20.0
