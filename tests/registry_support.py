"""Store-side setup for the registry and automation tests (both modes): an
organization with registries and a model version linked into one, on a test's own
server."""

from __future__ import annotations

from dataclasses import dataclass

from wandb_typed.testing import LocalServer


@dataclass(frozen=True)
class Org:
    """What :func:`seed_org` created."""

    name: str
    registry: str  # organization-visible, accepts ``model``; ``weights`` v0 linked as ``prod``
    restricted: str  # restricted, accepts every type
    collection: str
    alias: str
    project: str  # ``demo/<project>``: the sequence ``weights`` (type model, v0 and v1)


def seed_org(
    server: LocalServer,
    *,
    name: str = "acme",
    members: tuple[str, ...] = (),
    advanced_search: bool = False,
) -> Org:
    """Organization ``name`` (admin: the server's user; ``members``: usernames), its
    registries ``models`` and ``secret``, and ``demo/src/weights:v0`` linked into
    ``models`` as ``shelf:prod``."""
    store = server.store
    store.create_organization(
        name, admins=[server.entity], members=list(members), advanced_search=advanced_search
    )
    models = store.create_registry(
        name, "models", artifact_types=["model"], creator=server.entity, description="m"
    )
    store.create_registry(name, "secret", visibility="restricted", creator=server.entity)
    store.create_project(server.entity, "src")
    for i in range(2):
        store.artifacts.create_artifact(
            server.entity, "src", "weights", "model", {"w.bin": f"weights {i}"},
            created_at=f"2024-03-0{i + 1}T00:00:00",
        )  # fmt: skip
    sequence = store.artifacts.collection(int(_project_id(server, "src")), "weights")
    assert sequence is not None
    version = store.artifacts.membership(int(sequence["id"]), "v0")
    assert version is not None
    store.artifacts.link(int(version["id"]), int(models["id"]), "shelf", ["prod"])
    return Org(name, "models", "secret", "shelf", "prod", "src")


def _project_id(server: LocalServer, project: str) -> int:
    row = server.store.project(server.entity, project)
    assert row is not None
    return int(row["id"])
