"""The one scheduling algebra, modelled on Karpenter's ``pkg/scheduling``: requirements, taints, quantities and the
well-known label keys. Catalog selection, the rules, ``diff`` and ``simulate`` all use it.
"""

from karpenter_infra.scheduling.quantity import QuantityError, parse_quantity, parse_quantity_suffix
from karpenter_infra.scheduling.requirement import Requirement, RequirementError
from karpenter_infra.scheduling.requirements import Requirements, pod_requirements, required_terms
from karpenter_infra.scheduling.taints import tolerates, tolerates_taint

__all__ = [
    "QuantityError",
    "Requirement",
    "RequirementError",
    "Requirements",
    "parse_quantity",
    "parse_quantity_suffix",
    "pod_requirements",
    "required_terms",
    "tolerates",
    "tolerates_taint",
]
