"""The benchmarks, one module per benchmark or family: each ``bench_*`` function takes
the driver's ``Context`` and returns a report ``Section``. ``BENCHMARKS`` is the order
they run in (and the names ``--only`` accepts)."""

from __future__ import annotations

from collections.abc import Callable

from ..driver import Context
from ..report import Section
from .artifacts import bench_artifacts
from .downloads import bench_downloads
from .failures import bench_faults, bench_refused
from .history import bench_cli, bench_history
from .import_time import bench_import
from .latency import bench_latency
from .listings import bench_light, bench_runs
from .replay import bench_replay

__all__ = ["BENCHMARKS", "BENCH_FUNCS"]

BENCHMARKS = (
    "import",
    "runs",
    "light",
    "replay",
    "history",
    "cli",
    "refused",
    "faults",
    "artifacts",
    "latency",
    "downloads",
)

BENCH_FUNCS: dict[str, Callable[[Context], Section]] = {
    "artifacts": bench_artifacts,
    "import": bench_import,
    "runs": bench_runs,
    "light": bench_light,
    "replay": bench_replay,
    "history": bench_history,
    "cli": bench_cli,
    "refused": bench_refused,
    "faults": bench_faults,
    "latency": bench_latency,
    "downloads": bench_downloads,
}
