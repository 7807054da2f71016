"""The local server's organizations and registries, over raw GraphQL: who sees an
organization, a registry and its members, who may create, change, rename and delete
registries and their members, and that filters reach SQL as values."""

from __future__ import annotations

from typing import Any

import pytest

from wandb_typed.testing import LocalServer

from ..registry_support import Org, seed_org
from .helpers import Gql, jdump

ORGANIZATION = """query($name: String) { organization(name: $name) { name
  orgEntity { name entityType organization { name } } advancedRegistryFeatures { advancedSearch } } }"""
REGISTRIES = """query($org: String!, $filters: JSONString, $order: String) {
  organization(name: $org) { orgEntity { projects(filters: $filters, order: $order) {
    edges { node { id name access allowAllArtifactTypesInRegistry readOnly
      members { username role { name } } teamMembers { team { name } role { name } } } } } } } }"""
UPSERT = """mutation($input: UpsertModelInput!) { upsertModel(input: $input) {
  inserted project { id name access artifactTypes(includeAll: true) { edges { node { name } } } } } }"""
ADD = """mutation($input: CreateProjectMembersInput!) { createProjectMembers(input: $input) { success } }"""
ROLE = """mutation($input: UpdateProjectMemberInput!) { updateProjectMember(input: $input) { success } }"""
DELETE = """mutation($id: String!) { deleteModel(input: {id: $id}) { success } }"""
RENAME = """mutation($input: RenameProjectInput!) { renameProject(input: $input) { project { name } } }"""
VIEWER = "{ viewer { id organizations { name } } }"


def _codes(body: dict[str, object]) -> list[str]:
    errors = body.get("errors")
    assert isinstance(errors, list), body
    return [str(e["extensions"]["code"]) for e in errors]


@pytest.fixture
def org(server: LocalServer) -> Org:
    return seed_org(server)


def _registries(gql: Gql, org: Org, **variables: object) -> list[dict[str, Any]]:
    data = gql(REGISTRIES, org=org.name, **variables)["organization"]["orgEntity"]["projects"]
    return [e["node"] for e in data["edges"]]


def test_an_organization_is_its_members_only(server: LocalServer, org: Org, gql: Gql) -> None:
    data = gql(ORGANIZATION, name=org.name)["organization"]
    assert data["orgEntity"] == {
        "name": org.name, "entityType": "organization", "organization": {"name": org.name},
    }  # fmt: skip
    assert data["advancedRegistryFeatures"] == {"advancedSearch": False}
    assert [o["name"] for o in gql(VIEWER)["viewer"]["organizations"]] == [org.name]
    with Gql(server, server.add_user("eve")) as eve:
        assert eve(ORGANIZATION, name=org.name)["organization"] is None
        assert eve(VIEWER)["viewer"]["organizations"] == []
        entity = eve("query($e: String) { entity(name: $e) { organization { name } } }", e=org.name)
        assert entity["entity"]["organization"] is None
        other = eve('{ entity(name: "demo") { user { organizations { name } } } }')
        assert other["entity"]["user"]["organizations"] == []  # not another user's


def test_registry_visibility_roles_and_member_lists(
    server: LocalServer, org: Org, gql: Gql
) -> None:
    as_admin = _registries(gql, org)
    assert [(r["name"], r["access"], r["readOnly"]) for r in as_admin] == [
        (f"wandb-registry-{org.registry}", "PRIVATE", False),
        (f"wandb-registry-{org.restricted}", "RESTRICTED", False),
    ]
    eve_key = server.add_user("eve")
    server.store.add_organization_member(org.name, "eve")
    with Gql(server, eve_key) as eve:
        seen = _registries(eve, org)
        assert [r["name"] for r in seen] == [f"wandb-registry-{org.registry}"]
        assert seen[0]["readOnly"] is True  # a viewer
        assert [m["username"] for m in seen[0]["members"]] == [server.entity]
        eve_id = eve(VIEWER)["viewer"]["id"]
        restricted = as_admin[1]["id"]
        body = eve.raw(ADD, input={"projectId": restricted, "userIds": [eve_id]}).json()
        assert _codes(body) == ["NOT_FOUND"]  # invisible, so not even refused
        public = as_admin[0]["id"]
        body = eve.raw(ADD, input={"projectId": public, "userIds": [eve_id]}).json()
        assert _codes(body) == ["PERMISSION_ERROR"]  # a viewer may not add members
        assert gql(ADD, input={"projectId": restricted, "userIds": [eve_id]})
        body = gql.raw(
            ROLE, input={"projectId": restricted, "userId": eve_id, "userProjectRole": "owner"}
        ).json()
        assert _codes(body) == ["BAD_REQUEST"]
        gql(ROLE, input={"projectId": restricted, "userId": eve_id, "userProjectRole": "restricted_viewer"})  # fmt: skip
        both = _registries(eve, org)
        assert [r["name"] for r in both][1] == f"wandb-registry-{org.restricted}"
        assert both[1]["members"] == [] and both[1]["teamMembers"] == []  # restricted viewer
        server.add_user("stranger")
        body = gql.raw(ADD, input={"projectId": public, "userIds": [_user_gid(server, "stranger")]})
        assert "not a member of" in body.text


def _user_gid(server: LocalServer, username: str) -> str:
    from base64 import b64encode

    row = server.store.user_by_name(username)
    assert row is not None
    return b64encode(f"User:{row['id']}".encode()).decode()


def test_creating_and_changing_registries(server: LocalServer, org: Org, gql: Gql) -> None:
    created = gql(
        UPSERT,
        input={
            "entityName": org.name, "name": "wandb-registry-new", "access": "RESTRICTED",
            "allowAllArtifactTypesInRegistry": False, "artifactTypes": [{"name": "model"}],
        },
    )["upsertModel"]  # fmt: skip
    assert created["inserted"] is True
    assert created["project"]["access"] == "RESTRICTED"
    body = gql.raw(UPSERT, input={"entityName": org.name, "name": "no-prefix"}).json()
    assert _codes(body) == ["BAD_REQUEST"]
    body = gql.raw(UPSERT, input={"entityName": org.name, "name": "wandb-registry-x", "access": "PUBLIC"}).json()  # fmt: skip
    assert _codes(body) == ["BAD_REQUEST"]
    # types are only ever added
    again = gql(
        UPSERT,
        input={"entityName": org.name, "name": "wandb-registry-new", "artifactTypes": [{"name": "dataset"}]},
    )["upsertModel"]  # fmt: skip
    types = [e["node"]["name"] for e in again["project"]["artifactTypes"]["edges"]]
    assert again["inserted"] is False and types == ["model", "dataset"]
    renamed = gql(RENAME, input={"entityName": org.name, "oldProjectName": "wandb-registry-new", "newProjectName": "wandb-registry-newer"})  # fmt: skip
    assert renamed["renameProject"]["project"]["name"] == "wandb-registry-newer"
    body = gql.raw(RENAME, input={"entityName": org.name, "oldProjectName": "wandb-registry-newer", "newProjectName": f"wandb-registry-{org.registry}"}).json()  # fmt: skip
    assert _codes(body) == ["CONFLICT"]
    eve_key = server.add_user("eve")
    server.store.add_organization_member(org.name, "eve")
    with Gql(server, eve_key) as eve, Gql(server, server.add_user("stranger")) as stranger:
        assert eve(UPSERT, input={"entityName": org.name, "name": "wandb-registry-eves"})
        body = stranger.raw(UPSERT, input={"entityName": org.name, "name": "wandb-registry-s"})
        assert _codes(body.json()) == ["PERMISSION_ERROR"]  # not in the organization
        models = _registries(gql, org, filters=jdump({"name": f"wandb-registry-{org.registry}"}))
        body = eve.raw(UPSERT, input={"id": models[0]["id"], "description": "mine now"}).json()
        assert _codes(body) == ["PERMISSION_ERROR"]  # a viewer
        assert _codes(eve.raw(DELETE, id=models[0]["id"]).json()) == ["PERMISSION_ERROR"]
        eves = _registries(gql, org, filters=jdump({"name": "wandb-registry-eves"}))
        assert eve(DELETE, id=eves[0]["id"])["deleteModel"] == {"success": True}  # its admin


def test_registry_filters_are_values_and_unknown_fields_are_refused(org: Org, gql: Gql) -> None:
    hostile = {"name": "wandb-registry-models' OR 1=1 --"}
    assert _registries(gql, org, filters=jdump(hostile)) == []
    assert [r["name"] for r in _registries(gql, org, order="-name")] == [
        f"wandb-registry-{org.restricted}", f"wandb-registry-{org.registry}",
    ]  # fmt: skip
    body = gql.raw(REGISTRIES, org=org.name, filters=jdump({"color": "red"})).json()
    assert "unknown filter field 'color'" in body["errors"][0]["message"]
    body = gql.raw(REGISTRIES, org=org.name, order="-size").json()
    assert "unknown order" in body["errors"][0]["message"]
    search = """query($org: String!, $f: JSONString) { organization(name: $org) { orgEntity {
      artifactMemberships(filters: $f, first: 10) { edges { node { versionIndex } } } } } }"""
    assert (
        gql(search, org=org.name, f=jdump({"alias": "x' OR '1'='1"}))["organization"]["orgEntity"][
            "artifactMemberships"
        ]["edges"]
        == []
    )


def test_an_organizations_teams_are_listed(server: LocalServer, org: Org, gql: Gql) -> None:
    """``Organization.teams`` (non-null): none, then the teams added to it, by name (the
    fuzzer found it answered null, an internal error)."""
    query = "query($n: String) { organization(name: $n) { teams { name isTeam } } }"
    assert gql(query, n=org.name)["organization"]["teams"] == []
    admin = server.store.user_by_name(server.entity)
    assert admin is not None
    for team in ("zeta-team", "alpha-team"):
        server.store.new_team(team, int(admin["id"]))
        server.store.add_organization_team(org.name, team)
    server.store.new_team("outside-team", int(admin["id"]))  # not the organization's
    teams = gql(query, n=org.name)["organization"]["teams"]
    assert teams == [{"name": "alpha-team", "isTeam": True}, {"name": "zeta-team", "isTeam": True}]
