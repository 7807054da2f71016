"""The server's teams, users and API keys, in the shape the official client sends them
(GetTeamEntity, SearchUsers, CreateUserFromAdmin, GenerateApiKey, DeleteApiKey,
CreateTeam, CreateInvite, DeleteInvite, CreateServiceAccount): who may read and
change what, and that secrets never leave their owner."""

from __future__ import annotations

from wandb_typed.testing import DemoInfo, LocalServer

from .helpers import Gql

TEAM = """
query GetTeamEntity($name: String!) {
  entity(name: $name) {
    name isTeam members { id admin pending email username name accountType apiKey }
  }
}
"""
SEARCH = "query S($q: String) { users(query: $q) { edges { node { username email apiKeys { edges { node { id name } } } } } } }"
CREATE_USER = "mutation C($email: String!, $admin: Boolean) { createUser(input: {email: $email, admin: $admin}) { user { username email admin } } }"
GENERATE = "mutation G($d: String) { generateApiKey(input: {description: $d}) { apiKey { id name description } } }"
DELETE_KEY = "mutation D($id: String!) { deleteApiKey(input: {id: $id}) { success } }"
VIEWER_KEYS = "{ viewer { username apiKeys { edges { node { id name description } } } } }"
INVITE = "mutation I($e: String!, $u: String, $m: String) { createInvite(input: {entityName: $e, username: $u, email: $m}) { invite { id name email } } }"
DELETE_INVITE = "mutation D($id: String, $e: String) { deleteInvite(input: {id: $id, entityName: $e}) { success } }"
CREATE_TEAM = "mutation T($n: String!, $a: String) { createTeam(input: {teamName: $n, teamAdminUserName: $a}) { entity { name isTeam } } }"
SERVICE = "mutation S($e: String!, $d: String!) { createServiceAccount(input: {entityName: $e, description: $d}) { user { id name } } }"


def codes(gql: Gql, query: str, **variables: object) -> list[str]:
    body = gql.raw(query, **variables).json()
    assert body.get("errors"), body
    return [str(e.get("extensions", {}).get("code")) for e in body["errors"]]


def test_team_members_never_carry_an_api_key(demo: tuple[LocalServer, DemoInfo]) -> None:
    server, info = demo
    with Gql(server) as gql:
        members = gql(TEAM, name=info.teams.team)["entity"]["members"]
    assert [(m["username"], m["pending"], m["admin"]) for m in members] == [
        (info.teams.team_admin, False, True),
        (info.teams.pending_member, True, False),
    ]
    assert all(m["apiKey"] is None for m in members)
    assert server.api_key not in str(members)


def test_user_search_and_creation_are_for_admins(fresh: LocalServer) -> None:
    eve = fresh.add_user("eve")
    with Gql(fresh, eve) as as_eve:
        assert codes(as_eve, SEARCH, q="demo") == ["PERMISSION_ERROR"]
        assert codes(as_eve, CREATE_USER, email="x@example.com") == ["PERMISSION_ERROR"]
        assert codes(as_eve, "query U($id: ID) { user(id: $id) { username } }", id="VXNlcjox") == [
            "PERMISSION_ERROR"
        ]
        assert as_eve("{ viewer { username } }")["viewer"]["username"] == "eve"
    with Gql(fresh) as admin:
        found = admin(SEARCH, q="ev")["users"]["edges"]
        assert [e["node"]["username"] for e in found] == ["eve"]
        assert found[0]["node"]["email"] == "eve@example.com"  # admins see e-mails
        assert found[0]["node"]["apiKeys"]["edges"] == []  # but never another's keys
        assert admin(SEARCH, q="%")["users"]["edges"] == []  # LIKE wildcards match themselves
        made = admin(CREATE_USER, email="x@example.com", admin=False)["createUser"]["user"]
        assert made == {"username": "x", "email": "x@example.com", "admin": False}
        assert codes(admin, CREATE_USER, email="x@example.com") == ["CONFLICT"]


def test_api_keys_belong_to_their_user(fresh: LocalServer) -> None:
    eve = fresh.add_user("eve")
    with Gql(fresh) as demo:
        key = demo(GENERATE, d="ci")["generateApiKey"]["apiKey"]
        assert key["description"] == "ci" and len(key["name"]) == 40
        listed = demo(VIEWER_KEYS)["viewer"]["apiKeys"]["edges"]
        assert [e["node"]["id"] for e in listed][-1] == key["id"]
    with Gql(fresh, key["name"]) as with_new_key:
        assert with_new_key("{ viewer { username } }")["viewer"]["username"] == "demo"
    with Gql(fresh, eve) as as_eve:
        assert codes(as_eve, DELETE_KEY, id=key["id"]) == ["NOT_FOUND"]  # not eve's
        assert codes(as_eve, DELETE_KEY, id="not-a-key-id") == ["BAD_ID"]
    with Gql(fresh) as demo:
        assert demo(DELETE_KEY, id=key["id"])["deleteApiKey"]["success"] is True
    with Gql(fresh, key["name"]) as with_deleted_key:
        assert with_deleted_key.raw("{ viewer { username } }").status_code == 401


def test_team_writes_take_a_team_admin(fresh: LocalServer) -> None:
    eve = fresh.add_user("eve")
    fresh.add_user("pat")
    with Gql(fresh) as demo:
        assert demo(CREATE_TEAM, n="crew")["createTeam"]["entity"] == {
            "name": "crew",
            "isTeam": True,
        }
        assert codes(demo, CREATE_TEAM, n="crew") == ["CONFLICT"]
        assert codes(demo, CREATE_TEAM, n="bad/name") == ["BAD_REQUEST"]
        invite = demo(INVITE, e="crew", u="eve")["createInvite"]["invite"]
        assert codes(demo, INVITE, e="crew", u="eve") == ["CONFLICT"]
        assert codes(demo, INVITE, e="crew", u="nobody") == ["BAD_REQUEST"]
        assert codes(demo, INVITE, e="demo", u="eve") == ["NOT_FOUND"]  # a user, not a team
    with Gql(fresh, eve) as as_eve:
        assert codes(as_eve, INVITE, e="crew", u="pat") == ["PERMISSION_ERROR"]
        assert codes(as_eve, DELETE_INVITE, id=invite["id"], e="crew") == ["PERMISSION_ERROR"]
        assert codes(as_eve, SERVICE, e="crew", d="bot") == ["PERMISSION_ERROR"]
        assert codes(as_eve, CREATE_TEAM, n="other", a="pat") == ["PERMISSION_ERROR"]
        assert as_eve(CREATE_TEAM, n="eves")["createTeam"]["entity"]["name"] == "eves"
    with Gql(fresh) as demo:
        assert demo(DELETE_INVITE, id=invite["id"], e="crew")["deleteInvite"]["success"] is True
        assert codes(demo, DELETE_INVITE, id=invite["id"], e="crew") == ["NOT_FOUND"]
        bot = demo(SERVICE, e="crew", d="bot")["createServiceAccount"]["user"]
        members = demo(TEAM, name="crew")["entity"]["members"]
        assert [m["accountType"] for m in members if m["id"] == bot["id"]] == ["SERVICE"]
