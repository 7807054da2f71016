"""How much data the benchmarks seed and measure (``Sizes``, from the command line),
and the names derived from it: shared by the seeding, the workers and the benchmarks."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from .common import MB


@dataclass(frozen=True)
class Sizes:
    """The data and repeat sizes of one benchmark run (full or ``--quick``, with
    overrides)."""

    runs: int
    history_rows: int
    official_history_rows: int
    official_lazy_runs: int
    import_repeats: int
    repeats: int
    artifact_files: int = 1_000
    artifact_mb: int = 500
    artifact_versions: int = 10_000
    #: The round trip the ``latency`` benchmark's proxy adds to every request, ms.
    rtt_ms: float = 50.0

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Sizes:
        """From the command line: ``--quick`` picks the smaller defaults, and each size
        flag overrides its own."""
        runs = args.runs or (1_000 if args.quick else 10_000)
        rows = args.history_rows or (100_000 if args.quick else 1_000_000)
        return cls(
            runs=runs,
            history_rows=rows,
            official_history_rows=min(rows, args.official_history_rows or rows),
            official_lazy_runs=min(runs, args.official_lazy_runs or runs),
            import_repeats=args.import_repeats or (3 if args.quick else 15),
            repeats=args.repeats or (1 if args.quick else 3),
            artifact_files=args.artifact_files or (200 if args.quick else 1_000),
            artifact_mb=args.artifact_mb or (100 if args.quick else 500),
            artifact_versions=args.artifact_versions or (2_000 if args.quick else 10_000),
            rtt_ms=args.rtt_ms if args.rtt_ms is not None else 50.0,
        )


def history_run_name(rows: int) -> str:
    """The name of the seeded history run with ``rows`` rows."""
    return f"h{rows}"


def artifact_file_size(sizes: Sizes) -> int:
    """Bytes of each file of the downloaded artifact."""
    return sizes.artifact_mb * MB // sizes.artifact_files


def download_goal(sizes: Sizes) -> int:
    """The download target, official ÷ ours: 3x for the full artifact (1,000 files),
    2x for the quick one."""
    return 3 if sizes.artifact_files >= 1_000 else 2


def cli_small_rows(sizes: Sizes) -> int:
    """The shorter run the ``cli`` benchmark compares with: a tenth of the long one."""
    return max(1, sizes.history_rows // 10)
