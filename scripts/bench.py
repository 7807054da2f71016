#!/usr/bin/env python
"""Benchmark wandb-typed against the official client (wandb==0.31.0), side by side.

    .venv/bin/python scripts/bench.py                    # full sizes (10k runs, 1M history rows)
    .venv/bin/python scripts/bench.py --quick            # 1k runs, 100k rows, fewer repeats
    .venv/bin/python scripts/bench.py --only runs,replay # some benchmarks only
    .venv/bin/python scripts/bench.py --update-md BENCHMARKS.md

Benchmarks: ``import``, ``runs`` (10k runs with config + summary), ``light`` (bytes
per run of a light listing), ``replay`` (the ``runs`` listing against recorded
responses served from memory, so only the clients' own cost remains), ``history``
(scan_history of a 1M-row run), ``cli`` (``wandb-typed history`` of that run and of
one a tenth its length, to CSV and Parquet: the command's peak RSS must not grow with
the run), ``refused`` (time to fail on a refused connection) and ``artifacts``
(downloading a 1,000-file, 500 MB artifact; listing 10,000 versions of a
collection). ``--only artifacts --update-md BENCHMARKS.md --md-block bench-artifacts``
writes its own block, leaving the others as they are. ``latency`` runs the listings,
``scan_history`` and the download again through a proxy that adds a round trip
(``--rtt-ms``, default 50 ms) to every request (``--md-block bench-latency``).
``downloads`` is the artifact download alone, direct and through that proxy, with the
server's CPU per download (``--artifact-versions 1`` skips seeding the listing's
collection; ``--md-block bench-downloads``).

The data is written into a fresh SQLite file through the store's public seeding API
(``Store.bulk_insert_runs``, ``Store.bulk_insert_history``,
``Store.artifacts.create_artifact``), then served by ``wandb-typed serve`` in a subprocess. Every
measurement runs one client in its own fresh subprocess (this script with
``--worker``), so the CPU and memory reported are that client's own: the CPU of
the worker process *and its children* (the official client's ``wandb-core``
sidecar), and peak RSS growth of that process tree, sampled every 10 ms. Bytes
and request counts come from the server (``GET /_local/stats``). Both clients
get one warm-up call before the timed block (ours ``api.viewer``; the official
constructor already queries the viewer).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

# The benchmark's modules live in scripts/benchlib/ (this directory is first on sys.path
# when the script runs, in the driver and in every worker it starts).
from benchlib.benchmarks import BENCH_FUNCS, BENCHMARKS
from benchlib.common import MB
from benchlib.driver import Context, worker_env
from benchlib.report import Section, machine, render, update_markdown
from benchlib.seeding import seed
from benchlib.server import Server
from benchlib.sizes import Sizes
from benchlib.worker import worker_main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (``--worker`` and ``--port`` are internal: a worker's spec, and
    the replay server's port)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1k runs, 100k rows, fewer repeats")
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated subset of {','.join(BENCHMARKS)}",
    )
    parser.add_argument("--runs", type=int, help="runs in the listing project (default 10000)")
    parser.add_argument(
        "--history-rows", type=int, help="rows of the scanned run (default 1000000)"
    )
    parser.add_argument(
        "--official-history-rows", type=int, help="scan a smaller run with the official client"
    )
    parser.add_argument(
        "--official-lazy-runs",
        type=int,
        help="stop the official lazy=True (N+1) listing after this many runs",
    )
    parser.add_argument("--repeats", type=int, help="repeats of the cheap measurements (median)")
    parser.add_argument("--import-repeats", type=int, help="repeats of each import (default 7)")
    parser.add_argument("--update-md", type=Path, help="write the results into this markdown file")
    parser.add_argument(
        "--md-block",
        default="bench",
        help="the marked block of --update-md to replace (default 'bench'; 'bench-artifacts')",
    )
    parser.add_argument("--artifact-files", type=int, help="files of the downloaded artifact")
    parser.add_argument("--artifact-mb", type=int, help="MB of the downloaded artifact (500)")
    parser.add_argument("--artifact-versions", type=int, help="versions listed (10000)")
    parser.add_argument(
        "--rtt-ms", type=float, help="round trip the latency benchmark's proxy adds (50)"
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="print every raw result")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Seed, serve, run the selected benchmarks and print (and optionally write) the
    report; with ``--worker``, run one measurement instead."""
    args = parse_args(argv)
    if args.worker:
        return worker_main(args.worker)
    selected = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(selected) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    sizes = Sizes.from_args(args)
    command = " ".join(
        [".venv/bin/python", "scripts/bench.py", *(argv if argv is not None else sys.argv[1:])]
    )
    loads = os.getloadavg()
    print(f"machine: {machine()}\nsizes: {sizes}\nload average: {loads}", flush=True)
    sections: list[Section] = []
    with tempfile.TemporaryDirectory(prefix="wandb-typed-bench-") as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "bench.sqlite3"
        wants_runs = bool({"runs", "light", "replay", "faults", "latency"} & set(selected))
        took = seed(
            db,
            sizes,
            runs=wants_runs,
            history=bool({"history", "cli", "latency"} & set(selected)),
            artifacts=bool({"artifacts", "latency", "downloads"} & set(selected)),
        )
        print(f"seeded {db} in {took:.1f} s ({db.stat().st_size / MB:.0f} MB)", flush=True)
        server = Server(db, tmp / "server.log")
        try:
            ctx = Context(
                server.url, server.proc.pid, worker_env(tmp), sizes, args.verbose, tmp, db
            )
            for name in BENCHMARKS:
                if name in selected:
                    print(f"[{name}]", flush=True)
                    sections.append(BENCH_FUNCS[name](ctx))
        finally:
            server.close()
    load = f"{loads[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end"
    print(render(sections, command, sizes, load, markdown=False))
    if args.update_md:
        update_markdown(
            args.update_md, render(sections, command, sizes, load, markdown=True), args.md_block
        )
        print(f"wrote {args.update_md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
