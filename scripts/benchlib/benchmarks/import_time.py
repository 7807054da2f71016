"""The ``import`` benchmark: whole-process time and peak RSS of importing each client
(and constructing its ``Api``), against a bare interpreter and ``import httpx, pydantic``."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time

from ..common import API_KEY, PYTHON
from ..driver import Context
from ..report import Section, Target, fs, fx


def bench_import(ctx: Context) -> Section:
    """Whole-process import time and peak RSS, each variant in a fresh interpreter
    (round 0 warms the caches)."""
    variants = [
        ("bare interpreter: `pass`", "pass"),
        ("`import httpx, pydantic`", "import httpx, pydantic"),
        ("`import wandb_typed; wandb_typed.Api()`", "import wandb_typed; wandb_typed.Api()"),
        ("`import wandb`", "import wandb"),
        (
            "`import wandb; wandb.Api(...)` (viewer query to the local server)",
            f"import wandb; wandb.Api(api_key={API_KEY!r}, overrides={{'base_url': {ctx.url!r}}})",
        ),
    ]
    env = {**ctx.env, "WANDB_API_KEY": API_KEY}
    walls: dict[str, list[float]] = {label: [] for label, _ in variants}
    rss: dict[str, list[float]] = {label: [] for label, _ in variants}
    cpu: dict[str, list[float]] = {label: [] for label, _ in variants}
    for round_no in range(ctx.sizes.import_repeats + 1):  # round 0 warms the caches
        for label, code in variants:
            with tempfile.TemporaryFile() as err:
                t0 = time.perf_counter()
                proc = subprocess.Popen([PYTHON, "-c", code], env=env, stderr=err)
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - t0
                proc.returncode = os.waitstatus_to_exitcode(status)
                if proc.returncode != 0:
                    err.seek(0)
                    raise RuntimeError(f"{code!r} failed: {err.read().decode()[-2000:]}")
            if round_no:
                walls[label].append(wall)
                rss[label].append(usage.ru_maxrss / 1024)
                cpu[label].append(usage.ru_utime + usage.ru_stime)
    med = {label: statistics.median(v) for label, v in walls.items()}
    med_cpu = {label: statistics.median(v) for label, v in cpu.items()}
    labels = [label for label, _ in variants]
    base, ours, official_import, official_api = (med[label] for label in labels[1:])
    section = Section(
        f"Import (whole process, median of {ctx.sizes.import_repeats})",
        ("command", "wall", "min-max", "CPU", "max RSS (python)", "ours ÷ this"),
    )
    for label in labels:
        section.rows.append(
            (
                label,
                fs(med[label]),
                f"{fs(min(walls[label]))}-{fs(max(walls[label]))}",
                fs(med_cpu[label]),
                f"{statistics.median(rss[label]):.0f} MB",
                fx(ours / med[label]),
            )
        )
    ratio = ours / base
    section.targets.append(
        Target("import + Api() ≤ 1.3x `import httpx, pydantic`", ratio <= 1.3, f"{fx(ratio)}")
    )
    cpu_ratio = med_cpu[labels[2]] / med_cpu[labels[1]]
    section.notes.append(
        f"By CPU time (user + system, median; less sensitive than wall time to other load "
        f"on the machine): ours {fx(cpu_ratio)} `import httpx, pydantic`."
    )
    section.notes.append(
        f"Ours is {fx(official_import / ours)} faster than `import wandb` and "
        f"{fx(official_api / ours)} faster than `import wandb` + `wandb.Api(...)` "
        "(which starts the wandb-core sidecar and queries the viewer)."
    )
    return section
