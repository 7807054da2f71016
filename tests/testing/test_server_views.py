"""``Project.allViews`` as wandb-workspaces asks for it (``userName``: the views of
one author), read over HTTP with the document that library sends."""

from __future__ import annotations

from pathlib import Path

from wandb_typed.testing import DemoInfo, LocalServer

from .helpers import Gql

#: The shape of wandb-workspaces' ``get_view_dict`` query (our own copy of the shape).
VIEW = """
query View($entityName: String, $name: String, $viewType: String = "runs",
           $userName: String, $viewName: String) {
  project(name: $name, entityName: $entityName) {
    allViews(viewType: $viewType, viewName: $viewName, userName: $userName) {
      edges { node { id displayName spec } }
    }
  }
}
"""


def names(gql: Gql, info: DemoInfo, **variables: object) -> list[str]:
    data = gql(VIEW, entityName=info.entity, name=info.report_project, **variables)
    return [e["node"]["displayName"] for e in data["project"]["allViews"]["edges"]]


def test_views_by_their_authors_username(demo: tuple[LocalServer, DemoInfo]) -> None:
    server, info = demo
    with Gql(server) as gql:
        everyone = names(gql, info)
        assert everyone  # the demo's report
        assert names(gql, info, userName=info.entity) == everyone  # the demo user wrote it
        assert names(gql, info, userName="nobody-by-this-name") == []
        assert names(gql, info, userName="x' OR '1'='1") == []  # a bound value, not SQL


def test_the_document_is_valid_against_the_schema() -> None:
    from graphql import build_schema, parse, validate

    root = Path(__file__).resolve().parents[2]
    schema = build_schema((root / "schema.graphql").read_text(encoding="utf-8"))
    assert validate(schema, parse(VIEW)) == []


def test_every_view_field_answers(demo: tuple[LocalServer, DemoInfo]) -> None:
    """``View.accessTokens`` (non-null) is an empty list: the server makes no share
    links (a schema scan for non-null fields nothing answered found it null)."""
    server, info = demo
    query = """query($e: String, $p: String) { project(entityName: $e, name: $p) {
      allViews { edges { node { name accessTokens { token type } } } } } }"""
    with Gql(server) as gql:
        edges = gql(query, e=info.entity, p=info.report_project)["project"]["allViews"]["edges"]
    assert edges and all(e["node"]["accessTokens"] == [] for e in edges)
