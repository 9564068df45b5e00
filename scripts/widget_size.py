"""Print the raw and gzipped size of the embeddable chat widget (api/static/widget.js).

Usage: python3 scripts/widget_size.py [--max-gzip BYTES]
With --max-gzip it exits 1 when the gzipped size is over the budget.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

WIDGET = Path(__file__).resolve().parent.parent / "api" / "static" / "widget.js"


def sizes(path: Path = WIDGET) -> tuple[int, int]:
    """(raw bytes, gzipped bytes at level 9) of the file."""
    raw = path.read_bytes()
    return len(raw), len(gzip.compress(raw, compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-gzip", type=int, default=None, help="fail when the gzipped size exceeds this many bytes")
    args = parser.parse_args(argv)
    raw, gz = sizes()
    print(f"{WIDGET.relative_to(WIDGET.parent.parent.parent)}: raw {raw} bytes ({raw / 1024:.1f} KiB), "
          f"gzip {gz} bytes ({gz / 1024:.1f} KiB)")
    if args.max_gzip is not None and gz > args.max_gzip:
        print(f"over budget: gzip {gz} > {args.max_gzip} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
