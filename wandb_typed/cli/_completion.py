"""``wandb-typed completion bash|zsh|tcsh``: a shell completion script, generated from
the commands' own parsers by shtab (the ``completion`` extra), so it never drifts
from the options the commands take.

    pip install 'wandb-typed[completion]'
    wandb-typed completion bash > ~/.local/share/bash-completion/completions/wandb-typed
    wandb-typed completion zsh > ~/.zfunc/_wandb-typed   # a directory on your $fpath
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from ._common import Parser, UsageProblem, run_guarded

__all__ = ["command", "completion_parser", "full_parser"]

SHELLS = ("bash", "zsh", "tcsh")


def completion_parser() -> Parser:
    """The ``completion`` command line (also read by ``wandb-typed completion``)."""
    parser = Parser(
        prog="wandb-typed completion",
        description="Print a completion script for a shell (needs the completion extra).",
        epilog="bash: wandb-typed completion bash > "
        "~/.local/share/bash-completion/completions/wandb-typed; zsh: wandb-typed "
        "completion zsh > ~/.zfunc/_wandb-typed (a directory on $fpath).",
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    return parser


def full_parser() -> Parser:
    """``wandb-typed`` with every command as a subcommand, built from the commands' own
    parsers (so completion offers exactly the options each command takes)."""
    from . import COMMANDS

    top = Parser(prog="wandb-typed", description="A typed client for the W&B Public API.")
    top.add_argument("-V", "--version", action="store_true", help="print the version")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, spec in COMMANDS.items():
        build = getattr(importlib.import_module(spec.module, __package__), spec.parser)
        own: Parser = build()
        sub.add_parser(
            name, parents=[own], add_help=False, help=spec.summary, description=own.description
        )
    return top


def command(argv: Sequence[str]) -> int:
    """Print a completion script for bash, zsh or tcsh."""
    args = completion_parser().parse_args(argv)
    return run_guarded("wandb-typed completion", lambda: _print(str(args.shell)))


def _print(shell: str) -> int:
    try:
        shtab = importlib.import_module("shtab")
    except ImportError:
        raise UsageProblem(
            "completion scripts need shtab: pip install 'wandb-typed[completion]'"
        ) from None
    script: str = shtab.complete(full_parser(), shell=shell)
    sys.stdout.write(script)
    return 0
