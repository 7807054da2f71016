"""Fetch a W&B server's GraphQL schema and tell which of our operations a change breaks.

    sdl = fetch_schema("https://api.wandb.ai", settings)         # introspection -> SDL
    report = diff_schemas(old_sdl, new_sdl, "queries")           # what breaks, and where
    print(report.format()); sys.exit(1 if report.broken else 0)

:func:`diff_schemas` runs graphql-core's ``find_breaking_changes`` and
``find_dangerous_changes``, then names, for every change, the operations in
``queries/`` that use the removed or changed type, field, argument or enum value
(each operation, with the fragments it spreads, is walked with a ``TypeInfo``
visitor that collects the schema coordinates it uses), the generated client
methods built on them (operation ``RunPage`` -> method ``run_page``) and the facade
functions that call those methods (a scan of ``wandb_typed/**/*.py`` for
``.run_page(``). As a backstop, every operation is also validated against the new
schema: one that no longer validates is broken even if no change names it.

Schema coordinates used here: ``Type``, ``Type.field``, ``Type.field(arg:)``,
``Enum.VALUE``, ``@directive``, ``@directive(arg:)``, and ``$Type`` for an input
type passed whole in a variable (its fields are chosen by the facade, not the
operation, so any change to it counts).

Needs graphql-core (the ``schema`` extra, also pulled in by ``server`` and ``dev``);
it is imported on first use. Also the ``wandb-typed schema fetch|diff`` commands.

One private module per seam: ``_fetch`` (introspection), ``_members`` (member diff),
``_diff`` (changes to coordinates to operations; ``_operations`` reads the operations,
``_report`` holds what it returns), ``_facade`` (the facade scan); ``_common`` loads
graphql-core and parses SDL for all of them.
"""

from __future__ import annotations

# None of these modules imports graphql-core at import time.
from ._diff import diff_schemas, method_name
from ._fetch import MAX_SCHEMA_BYTES, fetch_schema, same_server
from ._members import compare_members
from ._report import FacadeUse, InvalidOperation, Report, SchemaChange

__all__ = [
    "FacadeUse",
    "InvalidOperation",
    "MAX_SCHEMA_BYTES",
    "Report",
    "SchemaChange",
    "compare_members",
    "diff_schemas",
    "fetch_schema",
    "same_server",
    "method_name",
]
