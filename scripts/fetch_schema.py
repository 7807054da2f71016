#!/usr/bin/env python3
"""Fetch a W&B server's GraphQL schema by introspection, or diff it against ours.

    scripts/fetch-schema --base-url URL                  # print the server's SDL
    scripts/fetch-schema --base-url URL -o new.graphql   # write it to a file
    scripts/fetch-schema --base-url URL --diff schema.graphql
        # list the types and fields that differ (exit 1 if any of ours are missing there)

The API key comes from --api-key or WANDB_API_KEY. Servers may disable
introspection (GORILLA_GRAPHQL_DISABLE_INTROSPECTION); then this fails with the
server's message. After refreshing schema.graphql, run scripts/codegen and
`python ../shared/tools/fidelity.py schema.graphql`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import httpx
from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_client_schema,
    build_schema,
    get_introspection_query,
    print_schema,
)


def fetch(base_url: str, api_key: str, timeout: float = 30.0) -> GraphQLSchema:
    response = httpx.post(
        base_url.rstrip("/") + "/graphql",
        json={
            "query": get_introspection_query(descriptions=True),
            "operationName": "IntrospectionQuery",
        },
        auth=("api", api_key),
        timeout=timeout,
    )
    response.raise_for_status()
    payload = response.json()
    if payload.get("errors"):
        raise SystemExit(f"introspection failed: {payload['errors'][0].get('message')}")
    return build_client_schema(payload["data"])


def members(schema: GraphQLSchema) -> dict[str, set[str]]:
    """Type name -> its field names (input fields for input types; empty for scalars/enums)."""
    out: dict[str, set[str]] = {}
    for name, gtype in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(gtype, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            out[name] = set(gtype.fields)
        else:
            out[name] = set()
    return out


def diff(ours: GraphQLSchema, theirs: GraphQLSchema) -> tuple[list[str], list[str]]:
    """(what ours has that theirs lacks, what theirs has that ours lacks)."""
    a, b = members(ours), members(theirs)
    missing = [t for t in sorted(a) if t not in b]
    missing += [f"{t}.{f}" for t in sorted(a) if t in b for f in sorted(a[t] - b[t])]
    extra = [t for t in sorted(b) if t not in a]
    extra += [f"{t}.{f}" for t in sorted(b) if t in a for f in sorted(b[t] - a[t])]
    return missing, extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", default=os.environ.get("WANDB_API_KEY"))
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--diff", type=Path, help="our schema file to compare against")
    args = parser.parse_args()
    if not args.api_key:
        parser.error("pass --api-key or set WANDB_API_KEY")
    theirs = fetch(args.base_url, args.api_key)
    if args.diff:
        missing, extra = diff(build_schema(args.diff.read_text()), theirs)
        for item in missing:
            print(f"- only in {args.diff}: {item}")
        for item in extra:
            print(f"+ only on the server: {item}")
        print(f"{len(missing)} missing on the server, {len(extra)} only on the server")
        return 1 if missing else 0
    sdl = print_schema(theirs) + "\n"
    if args.output:
        args.output.write_text(sdl)
    else:
        sys.stdout.write(sdl)
    return 0


if __name__ == "__main__":
    sys.exit(main())
