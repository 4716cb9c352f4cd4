"""Disruption budgets made visible: Karpenter's arithmetic, the week's windows, a roll-out forecast, and drawing.

Pure: reads rendered NodePool manifests, never Pulumi.
"""

from karpenter_infra.disruption.budgets import REASONS, BudgetError, Decision, allowed_disruptions, decide

__all__ = ["REASONS", "BudgetError", "Decision", "allowed_disruptions", "decide"]
