"""``python -m karpenter_infra.cli``: what ``revision.py`` runs in a checkout of the base revision."""

from karpenter_infra.cli import main

main()
