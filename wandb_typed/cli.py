"""The ``wandb-typed`` command: ``demo`` and ``serve``.

    wandb-typed demo                                  # embedded server + demo data + typed queries
    wandb-typed serve --port 8080 --db wandb.db --seed demo   # a long-running local server

Both need the ``server`` extra (``pip install 'wandb-typed[server]'``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
    from .api import Api
    from .testing import LocalServer

    with LocalServer() as server:
        info = server.seed_demo()
        print(f"wandb-typed {__version__} demo: local W&B-compatible server at {server.base_url}")
        print("(SQLite in memory; the same schema.graphql the client is generated from)\n")
        with Api(api_key=server.api_key, overrides={"base_url": server.base_url}) as api:
            viewer = api.viewer
            teams = ", ".join(viewer.teams) or "-"
            print(
                f"Viewer: {viewer.username} <{viewer.email}>  default entity: {api.default_entity}  teams: {teams}\n"
            )
            projects = list(api.projects(info.entity))
            print(f"Projects of {info.entity} ({len(projects)}):")
            rows = [
                (
                    p.name,
                    f"{p.run_count:>4}",
                    p.created_at.strftime("%Y-%m-%d %H:%M"),
                    p.description or "",
                )
                for p in projects
            ]
            print(_table(rows, ("PROJECT", "RUNS", "CREATED (UTC)", "DESCRIPTION")))
            first = api.project(projects[0].name, entity=info.entity) if projects else None
            if first is not None:
                print(
                    f"\napi.project({first.name!r}) -> {first.path}, owner {first.owner.username if first.owner else '-'}, {first.url}"
                )
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
    args = parser.parse_args(argv)
    from .testing import serve

    serve(port=args.port, db=args.db, seed=args.seed)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {"demo": demo, "serve": serve_command}
    if not args or args[0] not in commands:
        print(
            f"wandb-typed {__version__}\n\nusage: wandb-typed demo | wandb-typed serve "
            "--port N --db PATH [--seed demo]",
            file=sys.stderr if args and args[0] not in ("-h", "--help") else sys.stdout,
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
