"""What the commands share: one-line usage errors, exit codes, output files written
whole or not at all, table and CSV cells, and progress bars on a terminal."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import secrets
import stat
import sys
from collections.abc import Callable, Generator, Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, TextIO

__all__ = [
    "EXIT_ERROR",
    "EXIT_USAGE",
    "CliError",
    "Parser",
    "Progress",
    "UsageProblem",
    "cell",
    "fit",
    "in_place",
    "is_terminal",
    "json_line",
    "output_file",
    "progress",
    "run_guarded",
    "table",
    "tsv",
]

#: A failure of the server or of the user's data or settings (not found, denied, ...).
EXIT_ERROR = 1
#: The command line is wrong: an unknown option, a malformed value, a missing extra.
EXIT_USAGE = 2


class UsageProblem(Exception):
    """The command line is wrong (exit 2)."""


class CliError(Exception):
    """An expected failure with a message for the user (exit 1)."""


class Parser(argparse.ArgumentParser):
    """``argparse`` whose errors are one line on stderr (exit 2), not usage + error, and
    whose help shows docstrings without their reST markup (````name```` as name)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")

    def format_help(self) -> str:
        return super().format_help().replace("``", "")


def run_guarded(prog: str, body: Callable[[], int]) -> int:
    """Run a command: expected failures become one line on stderr and an exit code."""
    from ..errors import InputError, MissingDependencyError, WandbError

    try:
        return body()
    except (UsageProblem, MissingDependencyError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:  # settings (no API key, a bad WANDB_BASE_URL, ...)
        print(f"{prog}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except WandbError as exc:
        print(f"{prog}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except CliError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as a process killed by SIGPIPE.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        print(f"{prog}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR


@contextlib.contextmanager
def output_file(dest: Path) -> Generator[Path, None, None]:
    """Where ``-o FILE`` is written. A new or regular file is written whole or not at
    all: the block writes a hidden sibling, renamed over ``dest`` when it ends
    normally (keeping the old file's permission bits), deleted when it does not (an
    error, Ctrl-C). Anything else at ``dest`` (a symlink, a FIFO, a device such as
    ``/dev/null`` or ``/dev/stdout``) is never replaced: the block gets ``dest``
    itself and writes through it, as shell redirection and ``curl -o`` do (see
    :func:`in_place`)."""
    dest = dest.expanduser()
    if dest.is_dir():
        raise CliError(f"{dest} is a directory")
    try:
        found = os.lstat(dest)
    except FileNotFoundError:
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode):
        yield dest  # a symlink or a special file: written through, never replaced
        return
    if not dest.parent.is_dir():
        raise CliError(f"cannot write {dest}: no directory {dest.parent}")
    part = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
    try:
        yield part
        if found is not None:
            os.chmod(part, stat.S_IMODE(found.st_mode))
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def in_place(path: Path) -> bool:
    """Whether :func:`output_file` gave the destination itself (a symlink or a special
    file), which cannot be rewritten afterwards (a CSV header widened at the end)."""
    try:
        return not stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def cell(value: object) -> str:
    """A value as CSV or table text: empty for null, JSON for lists and objects,
    ``true``/``false``, ISO 8601 for datetimes, numbers as Python prints them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


#: What a spreadsheet reads as the start of a formula (CSV injection): OWASP's list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escaped_cell(value: object) -> str:
    """:func:`cell`, with a text value that a spreadsheet would run as a formula
    (``=HYPERLINK(...)``, ``+1``, ``@SUM``) prefixed with ``'``: for ``--csv-escape``.
    Numbers are left alone (``-0.5`` is a number, not a formula)."""
    text = cell(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_line(row: dict[str, object]) -> str:
    """One JSON Lines record (NaN and infinities as JSON's common extension, as W&B
    itself writes them)."""
    return json.dumps(row, ensure_ascii=False, default=_json_default) + "\n"


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a table for people), not a pipe or a file."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def tsv(rows: Sequence[Sequence[str]]) -> str:
    """Rows as tab-separated lines, no header, as ``gh`` writes to a pipe: tabs,
    newlines and backslashes in a cell are escaped (``\\t``, ``\\n``, ``\\\\``)."""

    def clean(text: str) -> str:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )

    return "".join("\t".join(clean(str(c)) for c in row) + "\n" for row in rows)


def fit(rows: Sequence[Sequence[str]], header: Sequence[str], width: int) -> list[list[str]]:
    """Cells shortened (with ``…``) so that :func:`table` fits in ``width`` columns:
    the widest column gives way first, and no column gets narrower than its header
    or 8 characters."""
    columns = list(zip(header, *rows, strict=True))
    widths = [max(len(str(c)) for c in col) for col in columns]
    floor = [max(len(h), 8) for h in header]

    def total() -> int:
        return 2 + sum(widths) + 2 * (len(widths) - 1)

    while total() > width:
        i = max(range(len(widths)), key=lambda k: widths[k] - floor[k])
        if widths[i] <= floor[i]:
            break
        widths[i] -= 1
    return [
        [c if len(c) <= w else c[: max(w - 1, 0)] + "…" for c, w in zip(row, widths, strict=True)]
        for row in rows
    ]


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Rows as aligned columns under a header."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join("  " + line for line in lines)


# ---------------------------------------------------------------- progress


class Progress:
    """A progress bar on stderr (tqdm), or nothing: without tqdm, or when stderr is
    not a terminal (a log file, a CI job, a pipe)."""

    def __init__(self, bar: Any = None) -> None:
        self._bar: Any = bar

    def total(self, total: int | None) -> None:
        """Set the total once it is known."""
        if self._bar is not None and total is not None:
            self._bar.total = total
            self._bar.refresh()

    def update(self, n: int) -> None:
        """Advance by ``n``."""
        if self._bar is not None and n:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress(desc: str, unit: str, total: int | None = None) -> Progress:
    """A :class:`Progress` for ``desc``, counting ``unit``."""
    if not sys.stderr.isatty():
        return Progress()
    try:
        tqdm: Any = importlib.import_module("tqdm").tqdm
    except ImportError:
        return Progress()
    scaled: dict[str, object] = {"unit_scale": True, "unit_divisor": 1024} if unit == "B" else {}
    return Progress(
        tqdm(
            desc=desc, unit=unit, total=total, file=sys.stderr, leave=False, dynamic_ncols=True,
            **scaled,
        )
    )  # fmt: skip
