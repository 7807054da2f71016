"""``wandb-typed schema fetch|diff``: a server's schema, and what a change breaks
(``schema`` extra)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ._common import Parser


def command(argv: Sequence[str]) -> int:
    """Fetch a server's GraphQL schema, or tell which operations a schema change breaks."""
    parser = Parser(prog="wandb-typed schema", description=command.__doc__)
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
        "--queries",
        type=Path,
        default=None,
        help="the operations to check (default: those of the installed version, or ./queries "
        "in a source checkout)",
    )
    args = parser.parse_args(argv)
    from .. import schema_tools
    from ..errors import InputError, MissingDependencyError, WandbError

    try:
        if args.action == "fetch":
            from ..config import resolve_settings

            settings = resolve_settings({"base_url": _base_url(args.url)})
            sdl = schema_tools.fetch_schema(args.url, settings)
            if args.output is None:
                sys.stdout.write(sdl)
            else:
                args.output.write_text(sdl, encoding="utf-8")
            return 0
        old, new = (_read(path) for path in (args.old, args.new))
        report = schema_tools.diff_schemas(old, new, args.queries or _installed_queries())
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


def _installed_queries() -> Path:
    """The operations shipped in the wheel (``wandb_typed_gql/queries``); in a source
    checkout (an editable install ships none), ``./queries``."""
    from importlib.resources import files

    packaged = Path(str(files("wandb_typed_gql"))) / "queries"
    return packaged if packaged.is_dir() else Path("queries")


def _read(path: Path) -> str:
    from ..errors import InputError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
