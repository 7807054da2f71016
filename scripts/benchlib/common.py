"""Names and constants every side of the benchmark shares: where the repository and the
entry point are, the seeded user, projects and artifacts, the worker's result marker."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent.parent
ROOT = SCRIPTS.parent
#: The entry point; workers run it again with ``--worker``.
BENCH_SCRIPT = SCRIPTS / "bench.py"
PYTHON = sys.executable
API_KEY = "bench" + "0" * 35
ENTITY = "demo"
RUNS_PROJECT = "bench-runs"
HISTORY_PROJECT = "bench-history"
#: ``runs.histories()``: a project of HISTORIES_RUNS runs with HISTORIES_ROWS rows each.
HISTORIES_PROJECT = "bench-histories"
HISTORIES_RUNS = 100
HISTORIES_ROWS = 200
RESULT_MARK = "@@bench-result@@ "
ARTIFACTS_PROJECT = "bench-artifacts"
DOWNLOAD_ARTIFACT = "bench-data"
VERSIONS_ARTIFACT = "bench-versions"
MB = 1024 * 1024

Json = dict[str, Any]
