#!/usr/bin/env python3
"""Fetch a W&B server's GraphQL schema by introspection, or diff it against ours.

    scripts/fetch-schema --base-url URL                  # print the server's SDL
    scripts/fetch-schema --base-url URL -o new.graphql   # write it to a file
    scripts/fetch-schema --base-url URL --diff schema.graphql
        # list the types and fields that differ (exit 1 if any of ours are missing there)

A thin wrapper around :mod:`wandb_typed.schema_tools` (``wandb-typed schema fetch``
does the same; ``wandb-typed schema diff`` tells which operations a change breaks).
The API key comes from --api-key, or (only when --base-url is the configured server,
WANDB_BASE_URL) from WANDB_API_KEY or netrc: a key is never sent to another URL
unless given with --api-key. Servers may disable
introspection (GORILLA_GRAPHQL_DISABLE_INTROSPECTION); then this fails with the
server's message. After refreshing schema.graphql, run scripts/codegen and
`python ../shared/tools/fidelity.py schema.graphql`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wandb_typed.config import Settings, resolve_settings
from wandb_typed.errors import InputError, WandbError
from wandb_typed.schema_tools import compare_members, fetch_schema, same_server


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", help="sent to --base-url whatever it is")
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--diff", type=Path, help="our schema file to compare against")
    args = parser.parse_args()
    try:
        settings: Settings | None
        if args.api_key:
            settings = resolve_settings({"base_url": args.base_url}, api_key=args.api_key)
        else:
            try:
                configured: Settings | None = resolve_settings()
            except InputError:  # no key configured: ask without one
                configured = None
            same = configured is not None and same_server(args.base_url, configured.base_url)
            settings = configured if same else None
        theirs = fetch_schema(args.base_url, settings)
        if args.diff:
            missing, extra = compare_members(args.diff.read_text(), theirs)
    except InputError as exc:
        parser.error(str(exc))
    except WandbError as exc:
        print(f"fetch-schema: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.diff:
        for item in missing:
            print(f"- only in {args.diff}: {item}")
        for item in extra:
            print(f"+ only on the server: {item}")
        print(f"{len(missing)} missing on the server, {len(extra)} only on the server")
        return 1 if missing else 0
    if args.output:
        args.output.write_text(theirs)
    else:
        sys.stdout.write(theirs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
