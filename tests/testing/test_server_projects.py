"""Viewer, projects (``models``) paging, ``project`` lookup and CreateProject."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from wandb_typed.testing import DemoInfo, LocalServer

from .helpers import JSON, Gql

MODELS = """
query GetProjects($entity: String, $cursor: String, $perPage: Int = 50) {
  models(entityName: $entity, after: $cursor, first: $perPage) {
    pageInfo { endCursor hasNextPage }
    edges { node { id name entityName createdAt isBenchmark user { username } } cursor }
  }
}
"""
CREATE = """
mutation CreateProject($input: UpsertModelInput!) {
  result: upsertModel(input: $input) {
    project { id name entityName description access }
    model { id name }
    inserted
  }
}
"""


def page_names(gql: Gql, per_page: int, cursor: str | None = None) -> tuple[list[str], JSON]:
    data = gql(MODELS, entity="demo", perPage=per_page, cursor=cursor)["models"]
    return [e["node"]["name"] for e in data["edges"]], data


def all_names(gql: Gql, per_page: int, between_pages: Any = None) -> list[str]:
    names, cursor = [], None
    while True:
        page, data = page_names(gql, per_page, cursor)
        names += page
        assert all(e["cursor"] for e in data["edges"])
        if data["edges"]:
            assert data["pageInfo"]["endCursor"] == data["edges"][-1]["cursor"]
        if not data["pageInfo"]["hasNextPage"]:
            return names
        cursor = data["pageInfo"]["endCursor"]
        if between_pages is not None:
            between_pages()


def create(gql: Gql, name: str, **extra: Any) -> JSON:
    result: JSON = gql(CREATE, input={"name": name, "entityName": "demo", **extra})["result"]
    return result


def test_viewer_fields(demo_gql: Gql, demo: tuple[LocalServer, DemoInfo]) -> None:
    viewer = demo_gql(
        "{ viewer { id name username email admin entity flags deletedAt"
        " apiKeys { edges { node { id name description } } } teams { edges { node { name } } } } }"
    )["viewer"]
    assert base64.b64decode(viewer["id"]).decode() == "User:1"
    assert viewer["username"] == viewer["entity"] == "demo"
    assert viewer["apiKeys"]["edges"][0]["node"]["name"] == demo_gql.server.api_key
    assert viewer["teams"] == {"edges": [{"node": {"name": demo[1].teams.team}}]}


def test_projects_of_an_empty_entity(gql: Gql) -> None:
    names, data = page_names(gql, 10)
    assert names == []
    assert data["pageInfo"] == {"endCursor": None, "hasNextPage": False}


def test_unknown_entity_has_no_projects(demo_gql: Gql) -> None:
    data = demo_gql(MODELS, entity="nobody")["models"]
    assert data["edges"] == []
    assert data["pageInfo"]["hasNextPage"] is False


def test_exactly_one_full_page(gql: Gql) -> None:
    for name in ("a", "b", "c"):
        create(gql, name)
    names, data = page_names(gql, 3)
    assert names == ["a", "b", "c"]
    assert data["pageInfo"]["hasNextPage"] is False


def test_multi_page(gql: Gql) -> None:
    expected = [f"p{i:02d}" for i in range(7)]
    for name in expected:
        create(gql, name)
    assert all_names(gql, 2) == expected
    assert all_names(gql, 50) == expected


def test_inserts_and_deletes_while_paging_cause_no_duplicates_or_gaps(
    gql: Gql, server: LocalServer
) -> None:
    originals = [f"p{i:02d}" for i in range(6)]
    for name in originals:
        create(gql, name)
    added: list[str] = []

    def mutate() -> None:
        added.append(f"new{len(added)}")
        create(gql, added[-1])

    seen = all_names(gql, 2, between_pages=mutate)
    assert len(seen) == len(set(seen))
    assert seen[: len(originals)] == originals  # every original exactly once, in order
    assert set(seen) <= set(originals) | set(added)

    # deleting the row a cursor points at does not break the next page
    _, first = page_names(gql, 2)
    doomed = server.store.project("demo", "p01")
    assert doomed is not None
    server.store.delete_project(int(doomed["id"]))
    rest, _ = page_names(gql, 2, first["pageInfo"]["endCursor"])
    assert rest == ["p02", "p03"]


def test_project_lookup(demo: tuple[LocalServer, DemoInfo], demo_gql: Gql) -> None:
    query = """query GetProject($name: String!, $entity: String!) {
      project(name: $name, entityName: $entity) {
        id internalId name entityName createdAt isBenchmark readOnly
        user { username } entity { name isTeam }
      }
    }"""
    project = demo_gql(query, name="mnist", entity="demo")["project"]
    assert project["name"] == "mnist"
    assert project["entityName"] == "demo"
    assert project["createdAt"] == "2024-01-01T00:00:00"
    assert project["readOnly"] is False
    assert project["entity"] == {"name": "demo", "isTeam": False}
    assert base64.b64decode(project["id"]).decode().startswith("Project:")
    assert demo_gql(query, name="nope", entity="demo") == {"project": None}
    assert demo_gql(query, name="mnist", entity="nobody") == {"project": None}


def test_create_project_round_trip(gql: Gql) -> None:
    first = create(gql, "fresh", description="hello")
    assert first["inserted"] is True
    assert first["project"]["name"] == "fresh"
    assert first["project"]["description"] == "hello"
    assert first["model"]["id"] == first["project"]["id"]
    again = create(gql, "fresh", description="updated")
    assert again["inserted"] is False
    assert again["project"]["description"] == "updated"
    assert again["project"]["id"] == first["project"]["id"]


def test_other_users_entity_is_not_writable_or_visible(server: LocalServer, gql: Gql) -> None:
    create(gql, "private")
    with Gql(server, api_key=server.add_user("mallory")) as mallory:
        messages = mallory.errors(CREATE, input={"name": "x", "entityName": "demo"})
        assert "permission denied" in messages[0]
        query = '{ project(name: "private", entityName: "demo") { id } }'
        assert mallory(query) == {"project": None}


@pytest.mark.parametrize("entity", [None, "demo"])
def test_models_defaults_to_the_viewer_entity(
    demo_gql: Gql, demo: tuple[LocalServer, DemoInfo], entity: str | None
) -> None:
    data = demo_gql(
        "query($e: String) { models(entityName: $e) { edges { node { name } } } }", e=entity
    )
    assert [e["node"]["name"] for e in data["models"]["edges"]] == list(demo[1].projects)
