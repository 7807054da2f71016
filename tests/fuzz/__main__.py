"""``python -m tests.fuzz [--long] [--examples N] [--seed S] [--budget SECONDS] [--only
Type.field ...]``: fuzz a demo-seeded local server; exit 1 on any finding."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from .harness import CI, LONG, fuzz


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/fuzz", description=__doc__)
    parser.add_argument("--long", action="store_true", help=f"{LONG.examples} examples a field")
    parser.add_argument("--examples", type=int, help=f"examples per root field (CI: {CI.examples})")
    parser.add_argument("--seed", type=int, help=f"hypothesis seed (default {CI.seed})")
    parser.add_argument("--budget", type=float, help="seconds after which no example starts")
    parser.add_argument("--only", nargs="+", metavar="TYPE.FIELD", help="only these root fields")
    args = parser.parse_args(argv)
    setting = LONG if args.long else CI
    changes = {k: v for k in ("examples", "seed", "budget") if (v := getattr(args, k)) is not None}
    setting = dataclasses.replace(setting, **changes)
    report = fuzz(setting, set(args.only) if args.only else None)
    print(report.summary())
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
