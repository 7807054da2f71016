"""``wandb-typed demo`` and ``wandb-typed serve``: the local server (``server`` extra)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ._common import Parser
from ._common import table as aligned

if TYPE_CHECKING:
    from .._sync.api import Api
    from ..testing import DemoInfo


def demo_parser() -> Parser:
    """The ``demo`` command line (also read by ``wandb-typed completion``)."""
    return Parser(prog="wandb-typed demo", description=demo.__doc__)


def demo(argv: Sequence[str]) -> int:
    """Start the embedded server with the demo data and query it with the typed Api."""
    demo_parser().parse_args(argv)
    from .._sync.api import Api
    from ..testing import LocalServer

    with LocalServer() as server:
        info = server.seed_demo()
        print(f"wandb-typed {__version__} demo: local W&B-compatible server at {server.base_url}")
        print("(SQLite in memory; the same schema.graphql the client is generated from)\n")
        with Api(api_key=server.api_key, overrides={"base_url": server.base_url}) as api:
            viewer = api.viewer
            teams = ", ".join(viewer.teams) or "-"
            entity = api.default_entity
            print(
                f"Viewer: {viewer.username} <{viewer.email}>  default entity: {entity}  teams: {teams}\n"
            )

            projects = list(api.projects(info.entity))
            print(f"Projects of {info.entity} ({len(projects)}):")
            table = [
                (p.name, f"{p.run_count:>4}", f"{p.created_at:%Y-%m-%d %H:%M}", p.description or "")
                for p in projects
            ]
            print(aligned(table, ("PROJECT", "RUNS", "CREATED (UTC)", "DESCRIPTION")))

            mnist = api.project("mnist", entity=info.entity)
            owner = mnist.owner.username if mnist.owner else "-"
            print(f"\napi.project('mnist') -> {mnist.path}, owner {owner}, {mnist.url}")

            runs = api.runs(
                mnist.path,
                filters={"state": "finished"},
                order="-summary_metrics.acc",
                config_keys=["lr", "batch_size", "optimizer"],
                summary_keys=["acc", "loss"],
                per_page=8,
            )
            print(f"\nTop runs of {mnist.path} by summary acc ({len(runs)} finished; 8 shown):")
            top = [
                (
                    r.id, r.name, r.state.value if r.state else "-", str(r.config.get("lr")),
                    str(r.config.get("batch_size")), str(r.config.get("optimizer")),
                    str(r.summary.get("acc")), str(r.summary.get("loss")),
                )
                for r in runs.take(8)
            ]  # fmt: skip
            print(aligned(top, ("RUN", "NAME", "STATE", "LR", "BATCH", "OPTIMIZER", "ACC", "LOSS")))

            run = api.run(f"{info.entity}/{info.long_history_project}/{info.long_history_run}")
            total, last = 0, None
            for row in run.scan_history(keys=["loss"]):
                total, last = total + 1, row
            print(f"\n{run.path}: scan_history(keys=['loss']) streamed {total} rows; last {last}")
            sweep = api.sweep(f"{info.entity}/{info.sweep_project}/{info.sweep_id}")
            best = sweep.best_run()
            print(
                f"sweep {sweep.name!r} ({sweep.method}, {sweep.run_count} runs): "
                f"best run {best.id if best else '-'} by {sweep.order}"
            )
            print(f"reports of {mnist.path}: {[r.display_name for r in api.reports(mnist.path)]}")

            model = api.artifact(f"{mnist.path}/mnist-cnn:best", type="model")
            with tempfile.TemporaryDirectory() as scratch:
                root = model.download(Path(scratch) / "model")
                model.verify(root)  # every file present, each with the manifest's MD5
                files = sorted(p.name for p in root.iterdir())
            logger = model.logged_by()
            print(
                f"artifact {model.qualified_name} ({model.type}, {model.version}, aliases "
                f"{model.aliases}): downloaded and verified {files}, logged by run "
                f"{logger.id if logger else '-'}"
            )
            _demo_families(api, info)
    return 0


def _demo_families(api: Api, info: DemoInfo) -> None:
    """The demo's registries, team and launch queue, and a version written by the client."""
    from .._sync.artifact_drafts import ArtifactDraft

    registry = api.registry(info.registry, organization=info.organization)
    linked = [f"{v.source_name} as {v.aliases}" for v in registry.versions()]
    print(f"\nregistry {registry.full_name} ({registry.visibility}): {linked}")
    team = api.team(info.teams.team)
    print(f"team {team.name}: {[(m.username, m.admin, m.pending) for m in team.members]}")
    queue = api.run_queue(info.entity, info.teams.queue)
    print(f"launch queue {queue.name}: {[(i.id, i.state) for i in queue.items]}")
    draft = ArtifactDraft("demo-notes", "dataset", description="written by the demo")
    with draft.new_file("notes.txt") as f:
        f.write("saved through the chain wandb-core sends\n")
    saved = draft.save(info.artifact_project, entity=info.entity, api=api)
    print(f"new version {saved.qualified_name}: {saved.file_count} file, digest {saved.digest}")


def serve_parser() -> Parser:
    """The ``serve`` command line (also read by ``wandb-typed completion``)."""
    parser = Parser(prog="wandb-typed serve", description=serve.__doc__)
    parser.add_argument(
        "--port", type=_port, default=8080, help="port on 127.0.0.1, 1-65535 (default 8080)"
    )
    parser.add_argument(
        "--db",
        default="wandb-typed.sqlite3",
        help="SQLite file (created if missing); artifact contents go in DB.blobs/ beside it",
    )
    parser.add_argument(
        "--seed", choices=["demo"], default=None, help="load the demo dataset first"
    )
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="fail this share (0-1) of requests"
    )
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the fault sequence")
    parser.add_argument(
        "--fault-when",
        choices=["before", "after"],
        default="before",
        help="fail a request before executing it, or after (a write lands, its answer is lost)",
    )
    return parser


def serve(argv: Sequence[str]) -> int:
    """Run a long-lived local W&B-compatible server."""
    parser = serve_parser()
    args = parser.parse_args(argv)
    if not 0 <= args.fault_rate <= 1:
        parser.error("--fault-rate must be between 0 and 1")
    import sqlite3

    from ..testing import serve as run_server

    try:
        run_server(
            args.port, args.db, args.seed, fault_rate=args.fault_rate,
            fault_seed=args.fault_seed, fault_when=args.fault_when,
        )  # fmt: skip
    except sqlite3.Error as exc:  # --db under a regular file, a read-only place, not SQLite
        print(f"wandb-typed serve: cannot use the database {args.db}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the port is taken, or not ours to bind
        print(f"wandb-typed serve: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


def _port(text: str) -> int:
    """``--port``: 1-65535 (argparse reports anything else in one line)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not within 1-65535")
    return port
