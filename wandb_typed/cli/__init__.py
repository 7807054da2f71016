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
    wandb-typed completion bash|zsh|tcsh                      # a shell completion script
    wandb-typed --version | -V

``runs``, ``history`` and ``artifact`` authenticate as ``Api()`` does (``WANDB_API_KEY``,
``WANDB_BASE_URL``, netrc, settings files); Parquet needs the ``parquet`` extra and
progress bars (on a terminal only) the ``progress`` extra. ``demo`` and ``serve``
need the ``server`` extra, ``schema`` the ``schema`` extra.

Exit codes: 0 success; 1 an error of the server or of the user's data or settings
(not found, denied, no API key, ...; ``schema diff``: an operation breaks); 2 a usage
error (an unknown option, a malformed value, a missing extra). Expected failures are
one line on stderr, never a traceback.

Output follows the conventions of tools like ``gh``: a table on a terminal (fitted to
its width), tab-separated rows without a header when piped; ``--format jsonl`` for
JSON (``| jq``). A mistyped command is answered with the closest one.

One module per command group (``_export``, ``_server``, ``_schema``, ``_artifact``,
``_completion``); each exposes a function ``(argv) -> exit code`` and one building its
parser (which ``completion`` reads), imported only when its command runs. To add a
command, add its module and a line to :data:`COMMANDS`.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import NamedTuple

from .._version import __version__

__all__ = ["COMMANDS", "Command", "main"]


class Command(NamedTuple):
    """Where a command lives: its module, the function running it, the function
    building its parser, and a one-line summary."""

    module: str
    function: str
    parser: str
    summary: str


COMMANDS: dict[str, Command] = {
    "runs": Command(
        "._export", "runs", "runs_parser", "list a project's runs (table, CSV, JSON Lines, Parquet)"
    ),
    "history": Command(
        "._export", "history", "history_parser", "every history row of a run, streamed to a file"
    ),
    "demo": Command("._server", "demo", "demo_parser", "the local server with demo data, queried"),
    "serve": Command("._server", "serve", "serve_parser", "run the local W&B-compatible server"),
    "schema": Command(
        "._schema", "command", "schema_parser", "fetch a server's schema, or diff two schemas"
    ),
    "artifact": Command(
        "._artifact", "command", "artifact_parser", "download an artifact version, verified"
    ),
    "completion": Command(
        "._completion", "command", "completion_parser", "print a shell completion script"
    ),
}

EXTRAS = {"ariadne": "server", "uvicorn": "server", "yaml": "server"}


def _usage() -> str:
    lines = [f"wandb-typed {__version__}", "", "usage: wandb-typed COMMAND ...", ""]
    width = max(map(len, COMMANDS)) + 2
    lines += [f"  {name:<{width}}{command.summary}" for name, command in COMMANDS.items()]
    lines += [
        "",
        "options:",
        "  -h, --help     show this help",
        "  -V, --version  print the version",
        "",
        "wandb-typed COMMAND --help describes each command.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``wandb-typed`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-V", "--version"):
        print(f"wandb-typed {__version__}")
        return 0
    if not args or args[0] in ("-h", "--help"):
        print(_usage(), file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    if args[0] not in COMMANDS:
        close = difflib.get_close_matches(args[0], COMMANDS, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        print(
            f"wandb-typed: unknown command {args[0]!r}{hint} (wandb-typed --help lists them)",
            file=sys.stderr,
        )
        return 2
    module, function = COMMANDS[args[0]].module, COMMANDS[args[0]].function
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
