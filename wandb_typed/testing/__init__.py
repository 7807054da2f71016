"""A local, W&B-compatible GraphQL server backed by SQLite.

Used by wandb-typed's own tests, by users' tests, by the offline demo
(``wandb-typed serve --seed demo``) and as a target for the official
``wandb`` client (parity checks)::

    from wandb_typed.testing import LocalServer

    with LocalServer() as server:
        info = server.seed_demo()
        ...  # point a client at server.base_url with server.api_key

Needs the ``server`` extra (ariadne, uvicorn, pyyaml).  Those heavy imports
happen on first use of a name below, so ``import wandb_typed.testing`` is cheap.

Modules: ``_store`` (SQLite schema and queries, one module per resource), ``_filters``
(run filters -> SQL), ``_resolvers`` (GraphQL resolvers over ``schema.graphql``, one
module per resource), ``_app`` (the ASGI app, composed of ``_graphql_route``,
``_file_routes`` and ``_recording`` (request log, ``/_local/stats``), over ``_auth``,
``_documents`` and ``_asgi``), ``_faults`` (fault injection), ``_server`` (threaded
server and ``serve``), ``_demo`` (demo data); artifacts have their own
``_store/artifacts``, ``_resolvers/artifact*`` (and ``memberships``, ``aliases``,
``tags``, ``lineage``), ``_routes_artifacts`` (signed downloads) and ``_demo_artifacts``;
registries, automations and integrations have ``_store/organizations``, ``registries``,
``registry_search`` and ``automations``, ``_resolvers/organizations``, ``registries``,
``registry_search``, ``integrations`` and ``automations``, and ``_demo_registries``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._demo import DemoInfo
    from ._faults import FaultPlan
    from ._limits import ServerLimits
    from ._recording import RecordedRequest, RequestLog
    from ._server import LocalServer, serve
    from ._store import RunSeed, Store

__all__ = [
    "DemoInfo",
    "FaultPlan",
    "LocalServer",
    "RecordedRequest",
    "RequestLog",
    "RunSeed",
    "ServerLimits",
    "Store",
    "serve",
]

_LAZY = {
    "DemoInfo": "._demo",
    "FaultPlan": "._faults",
    "LocalServer": "._server",
    "RecordedRequest": "._recording",
    "RequestLog": "._recording",
    "RunSeed": "._store",
    "ServerLimits": "._limits",
    "Store": "._store",
    "serve": "._server",
}


if not TYPE_CHECKING:  # hidden from type checkers, so a mistyped name stays an error
    __getattr__, __dir__ = lazy_exports(__name__, _LAZY)
