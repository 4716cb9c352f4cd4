"""This repository's own Pulumi program: `pulumi up -s dev` deploys stacks/Pulumi.dev.yaml."""

from pathlib import Path

from karpenter_infra.program import main

main(Path(__file__).resolve().parent.parent)
