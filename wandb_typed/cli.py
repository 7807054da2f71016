"""The ``wandb-typed`` command: ``demo``, ``serve`` and ``schema``.

    wandb-typed demo                                  # embedded server + demo data + typed queries
    wandb-typed serve --port 8080 --db wandb.db --seed demo   # a long-running local server
    wandb-typed serve ... --fault-rate 0.2                    # ... failing 20% of requests
    wandb-typed schema fetch URL [-o schema.graphql]          # a server's SDL, by introspection
    wandb-typed schema diff OLD NEW [--queries DIR]           # which of our operations break

``demo`` and ``serve`` need the ``server`` extra, ``schema`` the ``schema`` extra.
``schema diff`` exits 1 when an operation breaks, 0 otherwise; every command exits 2
on a usage error. Expected failures are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join("  " + line for line in lines)


def demo(argv: Sequence[str]) -> int:
    """Start the embedded server with the demo data and query it with the typed Api."""
    parser = argparse.ArgumentParser(prog="wandb-typed demo", description=demo.__doc__)
    parser.parse_args(argv)
    from ._sync.api import Api
    from .testing import LocalServer

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
            print(_table(table, ("PROJECT", "RUNS", "CREATED (UTC)", "DESCRIPTION")))

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
            print(_table(top, ("RUN", "NAME", "STATE", "LR", "BATCH", "OPTIMIZER", "ACC", "LOSS")))

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
    return 0


def serve_command(argv: Sequence[str]) -> int:
    """Run a long-lived local W&B-compatible server."""
    parser = argparse.ArgumentParser(prog="wandb-typed serve", description=serve_command.__doc__)
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (default 8080)")
    parser.add_argument(
        "--db", default="wandb-typed.sqlite3", help="SQLite file (created if missing)"
    )
    parser.add_argument(
        "--seed", choices=["demo"], default=None, help="load the demo dataset first"
    )
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="fail this share (0-1) of requests"
    )
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the fault sequence")
    args = parser.parse_args(argv)
    if not 0 <= args.fault_rate <= 1:
        parser.error("--fault-rate must be between 0 and 1")
    from .testing import serve

    serve(args.port, args.db, args.seed, fault_rate=args.fault_rate, fault_seed=args.fault_seed)
    return 0


def schema_command(argv: Sequence[str]) -> int:
    """Fetch a server's GraphQL schema, or tell which operations a schema change breaks."""
    parser = argparse.ArgumentParser(prog="wandb-typed schema", description=schema_command.__doc__)
    sub = parser.add_subparsers(dest="action", required=True, metavar="{fetch,diff}")
    fetch = sub.add_parser(
        "fetch",
        help="print a server's SDL (introspection; the key from WANDB_API_KEY or netrc)",
        description="Fetch a W&B server's schema by introspection and print it as SDL.",
    )
    fetch.add_argument("url", help="the server's base URL (or its /graphql endpoint)")
    fetch.add_argument("-o", "--output", type=Path, help="write the SDL here instead of stdout")
    diff = sub.add_parser(
        "diff",
        help="list breaking changes and the operations, client methods and facade they break",
        description="Diff two schemas: exit 1 when one of our operations breaks, else 0.",
    )
    diff.add_argument("old", type=Path, help="the schema the queries were written for")
    diff.add_argument("new", type=Path, help="the schema to compare with")
    diff.add_argument(
        "--queries", type=Path, default=Path("queries"), help="operations (default: ./queries)"
    )
    args = parser.parse_args(argv)
    from . import schema_tools
    from .errors import InputError, MissingDependencyError, WandbError

    try:
        if args.action == "fetch":
            from .config import resolve_settings

            settings = resolve_settings({"base_url": _base_url(args.url)})
            sdl = schema_tools.fetch_schema(args.url, settings)
            if args.output is None:
                sys.stdout.write(sdl)
            else:
                args.output.write_text(sdl, encoding="utf-8")
            return 0
        old, new = (_read(path) for path in (args.old, args.new))
        report = schema_tools.diff_schemas(old, new, args.queries)
    except (InputError, MissingDependencyError) as exc:
        print(f"wandb-typed schema {args.action}: {exc}", file=sys.stderr)
        return 2
    except WandbError as exc:
        print(f"wandb-typed schema {args.action}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"wandb-typed schema {args.action}: {exc}", file=sys.stderr)
        return 1
    print(report.format())
    return 1 if report.broken else 0


def _base_url(url: str) -> str:
    """The base URL of a server given as its base URL or its /graphql endpoint."""
    stripped = url.rstrip("/")
    return stripped[: -len("/graphql")] if stripped.endswith("/graphql") else stripped


def _read(path: Path) -> str:
    from .errors import InputError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {"demo": demo, "serve": serve_command, "schema": schema_command}
    if not args or args[0] not in commands:
        print(
            f"wandb-typed {__version__}\n\nusage: wandb-typed demo | wandb-typed serve "
            "--port N --db PATH [--seed demo] | wandb-typed schema {fetch URL,diff OLD NEW}",
            file=sys.stdout if args and args[0] in ("-h", "--help") else sys.stderr,
        )
        return 0 if args and args[0] in ("-h", "--help") else 2
    try:
        return commands[args[0]](args[1:])
    except ModuleNotFoundError as exc:
        if exc.name in ("ariadne", "uvicorn", "yaml"):
            print(
                f"wandb-typed {args[0]} needs the server extra: pip install 'wandb-typed[server]'",
                file=sys.stderr,
            )
            return 2
        raise
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
