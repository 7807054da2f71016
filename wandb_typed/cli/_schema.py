"""``wandb-typed schema fetch|diff``: a server's schema, and what a change breaks
(``schema`` extra)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import CliError, Parser, output_file

if TYPE_CHECKING:
    from ..config import Settings


def schema_parser() -> Parser:
    """The ``command`` command line (also read by ``wandb-typed completion``)."""
    parser = Parser(prog="wandb-typed schema", description=command.__doc__)
    sub = parser.add_subparsers(dest="action", required=True, metavar="{fetch,diff}")
    fetch = sub.add_parser(
        "fetch",
        help="print a server's SDL (introspection)",
        description="Fetch a W&B server's schema by introspection and print it as SDL. "
        "The API key (WANDB_API_KEY, netrc, the settings files) is sent only when URL is "
        "the configured server (WANDB_BASE_URL, default https://api.wandb.ai); any other "
        "URL is asked without a key, unless --send-key says to send it there too.",
    )
    fetch.add_argument("url", help="the server's base URL (or its /graphql endpoint)")
    fetch.add_argument("-o", "--output", type=Path, help="write the SDL here instead of stdout")
    fetch.add_argument(
        "--send-key",
        action="store_true",
        help="send the API key (WANDB_API_KEY, or netrc's entry for URL's host) to URL even "
        "though it is not the configured server: only for a server you trust with it",
    )
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
    return parser


def command(argv: Sequence[str]) -> int:
    """Fetch a server's GraphQL schema, or tell which operations a schema change breaks."""
    parser = schema_parser()
    args = parser.parse_args(argv)
    from .. import schema_tools
    from ..errors import (
        AuthenticationError,
        InputError,
        MissingDependencyError,
        PermissionDeniedError,
        WandbError,
    )

    try:
        if args.action == "fetch":
            settings, why = _fetch_settings(args.url, args.send_key)
            try:
                sdl = schema_tools.fetch_schema(args.url, settings)
            except (AuthenticationError, PermissionDeniedError) as exc:
                if settings is not None:
                    raise
                exc.message = f"{exc.message}; no API key was sent: {why}"
                raise type(exc)(exc.message, status_code=exc.status_code, url=exc.url) from None
            if args.output is None:
                sys.stdout.write(sdl)
            else:
                with output_file(args.output) as part:
                    part.write_text(sdl, encoding="utf-8")
            return 0
        old, new = (_read(path) for path in (args.old, args.new))
        report = schema_tools.diff_schemas(old, new, args.queries or _installed_queries())
    except (InputError, MissingDependencyError) as exc:
        print(f"wandb-typed schema {args.action}: {exc}", file=sys.stderr)
        return 2
    except WandbError as exc:
        print(f"wandb-typed schema {args.action}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except (OSError, CliError) as exc:
        print(f"wandb-typed schema {args.action}: {exc}", file=sys.stderr)
        return 1
    print(report.format())
    return 1 if report.broken else 0


def _fetch_settings(url: str, send_key: bool) -> tuple[Settings | None, str]:
    """The settings whose key goes with the request: the configured server's when
    ``url`` is that server, the settings for ``url`` itself with ``--send-key``, else
    none (no key is sent: a URL typed on the command line is not trusted with it);
    and, when none, why (for the message of a refusal)."""
    from ..config import resolve_settings
    from ..errors import InputError
    from ..schema_tools import same_server

    if send_key:
        return resolve_settings({"base_url": _base_url(url)}), ""
    try:
        configured = resolve_settings()
    except InputError as exc:  # no key configured (or settings that do not resolve)
        return None, f"the settings give none ({exc})"
    if same_server(url, configured.base_url):
        return configured, ""
    return None, (
        f"{url} is not the configured server {configured.base_url} (WANDB_BASE_URL); set "
        "WANDB_BASE_URL to it, or pass --send-key to send the key there"
    )


def _base_url(url: str) -> str:
    """The base URL of a server given as its base URL or its /graphql endpoint."""
    stripped = url.rstrip("/")
    return stripped[: -len("/graphql")] if stripped.endswith("/graphql") else stripped


def _installed_queries() -> Path:
    """The operations shipped in the wheel (``_wandb_typed_gql/queries``); in a source
    checkout (an editable install ships none), ``./queries``."""
    from importlib.resources import files

    packaged = Path(str(files("_wandb_typed_gql"))) / "queries"
    return packaged if packaged.is_dir() else Path("queries")


def _read(path: Path) -> str:
    from ..errors import InputError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
