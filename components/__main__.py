"""Host the karpenter-infra components for other Pulumi languages, with the schema generated from the models."""

import sys

from pulumi.provider import main

from karpenter_infra.multilang import KarpenterInfraProvider

if __name__ == "__main__":
    main(KarpenterInfraProvider(), sys.argv[1:])
