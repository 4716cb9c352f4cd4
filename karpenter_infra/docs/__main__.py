"""``python -m karpenter_infra.docs [DOCS_DIR]``: regenerate the reference pages (``make reference``)."""

from __future__ import annotations

import sys
from pathlib import Path

from karpenter_infra.docs.pages import write_reference


def main() -> None:
    docs_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    for path in write_reference(docs_dir):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
