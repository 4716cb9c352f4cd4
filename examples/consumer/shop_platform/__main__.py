"""What `pulumi up` runs (Pulumi.yaml: `main: shop_platform/`)."""

from shop_platform.program import main

main()
