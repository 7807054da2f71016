"""The ``wandb-typed`` command.

    wandb-typed runs ENTITY/PROJECT [--filter JSON] [--order KEY] [--fields A,B] [--light]
                     [--format table|csv|jsonl|parquet] [-o FILE]   # a project's runs
    wandb-typed history RUN_PATH [--keys A,B] [--format csv|jsonl|parquet] [-o FILE]
                                                      # every history row, streamed
    wandb-typed demo                                  # embedded server + demo data + typed queries
    wandb-typed serve --port 8080 --db wandb.db --seed demo   # a long-running local server
    wandb-typed serve ... --fault-rate 0.2                    # ... failing 20% of requests
    wandb-typed schema fetch URL [-o schema.graphql]          # a server's SDL, by introspection
    wandb-typed schema diff OLD NEW [--queries DIR]           # which of our operations break
    wandb-typed artifact download NAME [--root DIR]           # a version's files, verified

``runs``, ``history`` and ``artifact`` authenticate as ``Api()`` does (``WANDB_API_KEY``,
``WANDB_BASE_URL``, netrc, settings files); Parquet needs the ``parquet`` extra and
progress bars (on a terminal only) the ``progress`` extra. ``demo`` and ``serve``
need the ``server`` extra, ``schema`` the ``schema`` extra.

Exit codes: 0 success; 1 an error of the server or of the user's data or settings
(not found, denied, no API key, ...; ``schema diff``: an operation breaks); 2 a usage
error (an unknown option, a malformed value, a missing extra). Expected failures are
one line on stderr, never a traceback.

One module per command group (``_export``, ``_server``, ``_schema``, ``_artifact``);
each exposes a function ``(argv) -> exit code``, imported only when its command runs.
To add a command, add its module and a line to :data:`COMMANDS`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from .._version import __version__

__all__ = ["COMMANDS", "main"]

#: command -> (module, function, one-line summary)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "runs": ("._export", "runs", "list a project's runs (table, CSV, JSON Lines, Parquet)"),
    "history": ("._export", "history", "every history row of a run, streamed to a file"),
    "demo": ("._server", "demo", "the local server with demo data, queried"),
    "serve": ("._server", "serve", "run the local W&B-compatible server"),
    "schema": ("._schema", "command", "fetch a server's schema, or diff two schemas"),
    "artifact": ("._artifact", "command", "download an artifact version, verified"),
}

EXTRAS = {"ariadne": "server", "uvicorn": "server", "yaml": "server"}


def _usage() -> str:
    lines = [f"wandb-typed {__version__}", "", "usage: wandb-typed COMMAND ...", ""]
    lines += [f"  {name:<8} {summary}" for name, (_, _, summary) in COMMANDS.items()]
    lines += ["", "wandb-typed COMMAND --help describes each command."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``wandb-typed`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        asked = bool(args) and args[0] in ("-h", "--help")
        if args and not asked and args[0] != "--version":
            print(f"wandb-typed: unknown command {args[0]!r}", file=sys.stderr)
        if args and args[0] == "--version":
            print(f"wandb-typed {__version__}")
            return 0
        print(_usage(), file=sys.stdout if asked else sys.stderr)
        return 0 if asked else 2
    module, function, _ = COMMANDS[args[0]]
    try:
        command: Callable[[Sequence[str]], int] = getattr(import_module(module, __name__), function)
        return command(args[1:])
    except ModuleNotFoundError as exc:
        extra = EXTRAS.get(exc.name or "")
        if extra is None:
            raise
        print(
            f"wandb-typed {args[0]} needs the {extra} extra: pip install 'wandb-typed[{extra}]'",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130
    except RecursionError:  # input nested past Python's stack, wherever a parser met it
        print(f"wandb-typed {args[0]}: the input is nested too deeply to read", file=sys.stderr)
        return 1
