"""SQLite storage behind the local W&B server, one module per resource.

One :class:`Store` owns one SQLite connection (in memory by default, a file for
``wandb-typed serve``).  The connection is shared with uvicorn's thread, so
every public method takes ``self._lock``.  Filtering, ordering, counting and
history sampling run as SQL (``json_extract``/``json_each``/window functions);
Python only shapes the few rows a request returns.

Data model (W&B names in parentheses): users own a personal entity of the same
name; entities (users or teams) own projects ("models"); projects own runs
("buckets"), sweeps and views (reports).  Runs own history rows, system-metric
events, console lines and files.  Timestamps are naive UTC ISO-8601 strings
with second precision, exactly as W&B serves them (``2024-01-01T12:00:00``).

Run config is stored the way W&B stores it: ``{"key": {"value": v, "desc": null}}``.
:meth:`Store.create_run` wraps a plain mapping; JSON text is stored as given.

Modules: ``_base`` (connection, transactions, keyset pages), ``users`` (users,
entities, memberships), ``projects``, ``sweeps``, ``runs`` (incl. the bulk
seeding API), ``history`` (history rows and events), ``logs`` (console lines),
``files``, ``reports`` (views), ``teams`` (invites, service accounts), ``launch``
(resource configs, run queues, items), ``charts`` (custom chart presets), ``agents``
(sweep agents), ``artifacts`` (a package: types, collections,
tags, versions, aliases and links, content-addressed files, lineage, one module
each, composed into ``ArtifactStore``), ``organizations`` (organizations, their
entities and members), ``registries`` (registries, their types and roles),
``registry_search`` (registries, collections and versions across an
organization) and ``automations`` (integrations and triggers).  Each defines one class with its tables
(``SCHEMA``) and methods; :class:`Store` composes them.  A new resource is a new
module whose class derives from the resources it needs, added to ``Store``'s bases.
"""

from __future__ import annotations

from pathlib import Path

from ._base import (
    Page,
    Row,
    StoreBase,
    StoreConflict,
    StoreError,
    decode_cursor,
    encode_cursor,
    evenly_spaced,
    format_time,
    utc_now,
    wrap_config,
)
from .agents import AgentsStore
from .artifacts import ArtifactStore
from .automations import AutomationsStore
from .charts import ChartsStore
from .files import FilesStore
from .history import HistoryStore
from .launch import LaunchStore
from .logs import LogsStore
from .organizations import OrganizationsStore
from .projects import ProjectsStore
from .registries import RegistriesStore
from .registry_search import RegistrySearchStore
from .reports import ReportsStore
from .run_streams import RunStreamsStore, StreamChunk
from .runs import RunSeed, RunsStore
from .sweeps import SweepsStore
from .teams import TeamsStore
from .users import UsersStore

__all__ = [
    "ArtifactStore",
    "AutomationsStore",
    "FilesStore",
    "HistoryStore",
    "LogsStore",
    "OrganizationsStore",
    "Page",
    "ProjectsStore",
    "RegistriesStore",
    "RegistrySearchStore",
    "ReportsStore",
    "Row",
    "RunSeed",
    "RunStreamsStore",
    "RunsStore",
    "Store",
    "StoreBase",
    "StoreConflict",
    "StoreError",
    "StreamChunk",
    "SweepsStore",
    "UsersStore",
    # -- teams, users, launch queues and custom charts
    "AgentsStore",
    "ChartsStore",
    "LaunchStore",
    "TeamsStore",
    "decode_cursor",
    "encode_cursor",
    "evenly_spaced",
    "format_time",
    "utc_now",
    "wrap_config",
]


class Store(
    RunStreamsStore,
    HistoryStore,
    LogsStore,
    FilesStore,
    ReportsStore,
    RegistrySearchStore,
    AutomationsStore,
    # -- teams, users, launch queues and custom charts
    TeamsStore,
    LaunchStore,
    ChartsStore,
    AgentsStore,
):
    """Typed access to the server's SQLite database (thread-safe).

    The union of the resource stores: users and entities, projects, sweeps,
    runs, history and events, console logs, files and reports; artifacts are
    :attr:`artifacts`, an :class:`ArtifactStore` on the same connection.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__(path)
        self.artifacts: ArtifactStore = ArtifactStore(self, self._row_queries())
