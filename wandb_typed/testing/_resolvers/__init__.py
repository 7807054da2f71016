"""GraphQL resolvers: the project's ``schema.graphql`` bound to the SQLite store.

``build_schema()`` loads the SDL (the repository's ``schema.graphql``, or the
copy packaged with the generated client) and binds the resolvers of every
module in :data:`RESOURCES` with ariadne (``convert_names_case=False``: field
names are W&B's camelCase).

One module per resource (as in ``_store``), each holding that resource's node
builders, the fields that return it, its own type's other fields and its
mutations, and exporting them as ``BINDABLES: list[SchemaBindable]``:
``users`` (users, entities), ``projects``, ``runs``, ``history``, ``logs``,
``files`` (run files), ``sweeps``, ``reports`` (views), ``teams`` (members,
invites, service accounts), ``launch`` (run queues and items), ``charts`` (custom
charts), ``agents`` (sweep agents), ``artifact_types``,
``artifact_collections`` (sequences, portfolios), ``artifacts`` (versions),
``memberships`` (and links), ``aliases``, ``tags``, ``artifact_files`` (and
manifests), ``lineage`` (runs <-> versions), ``server_info``, ``scalars``,
``organizations``, ``registries`` (registries, their settings and members),
``registry_search`` (collections and versions across an organization's
registries), ``integrations``, ``automations`` (triggers),
``artifact_writes`` (new versions: pending, uploads, manifests, commit) and
``run_sdk`` (what else wandb-core asks, and the features refused as
``UNSUPPORTED``).
A field that looks up or lists a resource is bound in that resource's module
(``Project.runs`` and ``Sweep.runs`` in ``runs``, ``Project.artifactTypes`` in
``artifact_types``), so one GraphQL type (``Project``, ``Run``, ``Mutation``)
has an ``ObjectType`` in several modules; each field is bound exactly once
(``tests/testing/test_server_resolvers.py`` checks).  ``_common`` holds what
every module uses (ids, errors, :class:`RequestContext`, connections) and
``_artifacts`` what the artifact modules share (access checks, row budget).

Resolvers return plain dicts ("nodes") keyed by GraphQL field name; simple
fields are plain values, and fields that take arguments or cost a query are
bound with ariadne ``ObjectType.field`` (binding fails at startup if the schema
lacks the field, so SDL drift is caught early).  Each node keeps the store row
under ``_row``.

Behaviour that mirrors W&B:

* global ids are base64 of ``"Type:N"`` (``UnVuOjE=`` = ``Run:1``);
* unknown entities/projects/runs resolve to ``null``, not errors;
* JSONString fields are JSON *text*; ``config(keys:)``/``summaryMetrics(keys:)``
  project onto the given top-level keys;
* a page of runs is one SQL query (user, sweep name and file count joined in).
"""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType
from typing import Any

from ariadne import SchemaBindable, make_executable_schema
from graphql import GraphQLEnumType, GraphQLSchema

from . import (  # + teams, users, launch queues, custom charts and sweep agents
    agents,
    aliases,
    artifact_collections,
    artifact_files,
    artifact_types,
    artifact_writes,
    artifacts,
    automations,
    charts,
    files,
    history,
    integrations,
    launch,
    lineage,
    logs,
    memberships,
    organizations,
    projects,
    registries,
    registry_search,
    reports,
    run_sdk,
    runs,
    scalars,
    server_info,
    sweeps,
    tags,
    teams,
    users,
)
from ._common import FileLinks, RequestContext, can_read_project, gid, parse_gid, schema_sdl
from .server_info import SERVER_FEATURES

__all__ = [
    "BINDABLES",
    "RESOURCES",
    "SERVER_FEATURES",
    "FileLinks",
    "RequestContext",
    "build_schema",
    "can_read_project",
    "gid",
    "parse_gid",
    "schema_sdl",
]

#: The resource modules whose ``BINDABLES`` make up the schema.
RESOURCES: tuple[ModuleType, ...] = (
    users,
    projects,
    runs,
    history,
    logs,
    files,
    sweeps,
    reports,
    server_info,
    scalars,
    artifact_types,
    artifact_collections,
    artifacts,
    memberships,
    aliases,
    tags,
    artifact_files,
    lineage,
    # registries, automations and integrations
    organizations,
    registries,
    registry_search,
    integrations,
    automations,
    # -- teams, users, launch queues and custom charts
    teams,
    launch,
    charts,
    agents,
    # the run SDK's writes (issue 16)
    artifact_writes,
    run_sdk,
)

#: Every module's bindables, in :data:`RESOURCES` order.
BINDABLES: list[SchemaBindable] = [
    bindable for module in RESOURCES for bindable in module.BINDABLES
]


def build_schema(sdl: str | None = None) -> GraphQLSchema:
    """The executable schema: SDL + the resolvers of :data:`RESOURCES` (built once per
    SDL text)."""
    return _build_schema(sdl or schema_sdl())


@lru_cache(maxsize=4)
def _build_schema(sdl: str) -> GraphQLSchema:
    schema = make_executable_schema(sdl, *BINDABLES, convert_names_case=False)
    _accept_enum_variables(schema)
    return schema


def _accept_enum_variables(schema: GraphQLSchema) -> None:
    """ariadne 1.1 replaces each enum's ``parse_value`` with a one-argument function,
    but graphql-core 3.2.14 calls it with two (``hide_suggestions``), so every enum
    *variable* (e.g. the official ``CreateArtifact``'s ``$digestAlgorithm``) failed."""
    for type_def in schema.type_map.values():
        patched = (
            vars(type_def).get("parse_value") if isinstance(type_def, GraphQLEnumType) else None
        )
        if patched is not None:

            def parse_value(value: object, *_: object, _parse: Any = patched) -> Any:
                return _parse(value)

            vars(type_def)["parse_value"] = parse_value
