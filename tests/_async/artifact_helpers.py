"""Helpers of the artifact behaviour tests (``test_artifacts_*.py``): the server's own
stored files, metadata, aliases and tags of a version, the GraphQL operations a client
sent, and the demo model's version labels."""

from __future__ import annotations

import json
from typing import Any

from wandb_typed.testing import DemoInfo, LocalServer


def stored(server: LocalServer, project: str, name: str) -> dict[str, bytes]:
    """The server's own files of ``demo/<project>/<collection:alias>``."""
    arts = server.store.artifacts
    out: dict[str, bytes] = {}
    for file in arts.files_page(int(_membership(server, project, name)["id"]), first=5000).rows:
        content = arts.blob(str(file["digest"]))
        assert content is not None
        out[str(file["path"])] = content
    return out


def stored_version(server: LocalServer, project: str, name: str) -> dict[str, Any]:
    """The server's own metadata, aliases and tags of ``demo/<project>/<collection:alias>``."""
    arts = server.store.artifacts
    row = _membership(server, project, name)
    aliases = arts.aliases_of_memberships([int(row["membership_id"])])[int(row["membership_id"])]
    tags = arts.tags_of_artifacts([int(row["id"])])[int(row["id"])]
    return {
        "metadata": json.loads(str(row["metadata"])),
        "aliases": sorted(str(a["alias"]) for a in aliases),
        "tags": sorted(str(t["name"]) for t in tags),
    }


def _membership(server: LocalServer, project: str, name: str) -> dict[str, Any]:
    arts = server.store.artifacts
    row = server.store.project("demo", project)
    assert row is not None
    collection_name, _, alias = name.partition(":")
    collection = arts.collection(int(row["id"]), collection_name)
    assert collection is not None
    membership = arts.membership(int(collection["id"]), alias)
    assert membership is not None
    return dict(membership)


def graphql_ops(server: LocalServer, since: int) -> list[str | None]:
    return [r.operation_name for r in server.requests[since:] if r.path.endswith("/graphql")]


def labels(demo: DemoInfo) -> list[str]:
    """The model's versions, newest first (as listings order them)."""
    return [f"v{i}" for i in reversed(range(demo.model_versions))]
