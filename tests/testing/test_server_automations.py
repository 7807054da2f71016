"""The local server's triggers and integrations, over raw GraphQL: what
``createFilterTrigger`` accepts, what ``deleteTrigger`` answers (its payload is
non-null), who may see and manage triggers and integrations, and the legacy
``Project.triggers``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wandb_typed.testing import LocalServer

from ..registry_support import Org, seed_org
from .helpers import Gql, jdump

CREATE = """mutation($input: CreateFilterTriggerInput!) { createFilterTrigger(input: $input) {
  trigger { id name enabled createdBy { username } scope { __typename ... on Project { name } }
    triggeringCondition { eventType filter } triggeredAction { __typename } } } }"""
DELETE = "mutation($id: ID!) { deleteTrigger(input: {triggerID: $id}) { success } }"
LIST = """query($e: String, $f: JSONString) { entity(name: $e) {
  triggers(filters: $f) { edges { node { name } } }
  integrations { edges { node { __typename id } } } } }"""
WEBHOOK = """mutation($input: CreateGenericWebhookIntegrationInput!) {
  createGenericWebhookIntegration(input: $input) { integration { __typename id } } }"""
PROJECT_TRIGGERS = """query($e: String, $p: String) { project(entityName: $e, name: $p) {
  triggers { name } } }"""


def _gid(kind: str, pk: object) -> str:
    from base64 import b64encode

    return b64encode(f"{kind}:{pk}".encode()).decode()


def _codes(body: dict[str, Any]) -> list[str]:
    assert body.get("errors"), body
    return [str(e["extensions"]["code"]) for e in body["errors"]]


@pytest.fixture
def org(server: LocalServer) -> Org:
    return seed_org(server)


def _input(server: LocalServer, org: Org, **changes: Any) -> dict[str, Any]:
    project = server.store.project(server.entity, org.project)
    assert project is not None
    base: dict[str, Any] = {
        "name": "t",
        "enabled": True,
        "scopeType": "PROJECT",
        "scopeID": _gid("Project", project["id"]),
        "triggeringEventType": "RUN_STATE",
        "eventFilter": jdump(
            {"run_filter": jdump({"$and": []}), "run_state_filter": {"states": ["FAILED"]}}
        ),
        "triggeredActionType": "NO_OP",
        "triggeredActionConfig": {"noOpActionInput": {"noOp": True}},
    }
    return {**base, **changes}


def test_delete_trigger_answers_its_non_null_payload(
    server: LocalServer, org: Org, gql: Gql
) -> None:
    trigger = gql(CREATE, input=_input(server, org))["createFilterTrigger"]["trigger"]
    assert trigger["createdBy"] == {"username": server.entity}
    assert trigger["triggeredAction"] == {"__typename": "NoOpTriggeredAction"}
    assert gql(DELETE, id=trigger["id"]) == {"deleteTrigger": {"success": True}}
    body = gql.raw(DELETE, id=trigger["id"]).json()
    assert _codes(body) == ["NOT_FOUND"] and body["data"] is None  # never a null payload
    body = gql.raw(DELETE, id="not-an-id").json()
    assert _codes(body) == ["BAD_ID"]


def test_event_filters_are_answered_as_w_and_b_answers_them(
    server: LocalServer, org: Org, gql: Gql
) -> None:
    run = gql(CREATE, input=_input(server, org))["createFilterTrigger"]["trigger"]
    assert json.loads(run["triggeringCondition"]["filter"])["run_state_filter"] == {
        "states": ["FAILED"]
    }
    link = _input(
        server, org, name="link", triggeringEventType="LINK_MODEL",
        eventFilter=jdump({"$or": [{"$and": [{"alias": {"$eq": "prod"}}]}]}),
    )  # fmt: skip
    saved = gql(CREATE, input=link)["createFilterTrigger"]["trigger"]["triggeringCondition"]
    assert json.loads(saved["filter"]) == {
        "filter": {"$or": [{"$and": [{"alias": {"$eq": "prod"}}]}]}
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"triggeringEventType": "CREATE_ARTIFACT", "eventFilter": "{}"}, "artifact collection"),
        ({"triggeringEventType": "UPDATE_ARTIFACT_ALIAS"}, "cannot use the event type"),
        ({"eventFilter": jdump({"run_filter": "not json"})}, "not valid JSON"),
        ({"eventFilter": "[1]"}, "must be a JSON object"),
        (
            {
                "eventFilter": jdump(
                    {"run_filter": "{}", "run_state_filter": {"states": ["x" * 70_000]}}
                )
            },
            "too long",
        ),
        ({"triggeredActionType": "QUEUE_JOB"}, "not supported by this server"),
        ({"triggeredActionType": "NOTIFICATION"}, "configured by notificationActionInput"),
        ({"scopeType": "ENTITY", "scopeID": _gid("Entity", 1)}, "scoped to an entity"),
        ({"name": " "}, "1-255 characters"),
    ],
)
def test_what_create_filter_trigger_refuses(
    server: LocalServer, org: Org, gql: Gql, changes: dict[str, Any], message: str
) -> None:
    body = gql.raw(CREATE, input=_input(server, org, **changes)).json()
    assert message in body["errors"][0]["message"], body
    assert body["data"]["createFilterTrigger"] is None


def test_actions_need_an_integration_of_their_kind(server: LocalServer, org: Org, gql: Gql) -> None:
    slack = server.store.create_slack_integration(server.entity, team_name="t", channel_name="#c")
    webhook = {"genericWebhookActionInput": {"integrationID": _gid("Integration", slack["id"])}}
    body = gql.raw(
        CREATE, input=_input(server, org, triggeredActionType="GENERIC_WEBHOOK",
                             triggeredActionConfig=webhook),
    ).json()  # fmt: skip
    assert "needs a webhook integration" in body["errors"][0]["message"]
    registry = server.store.project(org.name, f"wandb-registry-{org.registry}")
    assert registry is not None
    on_registry = _input(server, org, scopeID=_gid("Project", registry["id"]))
    body = gql.raw(CREATE, input=on_registry).json()
    assert "not a registry" in body["errors"][0]["message"]  # run events need runs


def test_who_sees_and_manages_triggers_and_integrations(
    server: LocalServer, org: Org, gql: Gql
) -> None:
    gql(CREATE, input=_input(server, org))
    hook = gql(
        WEBHOOK, input={"entityName": server.entity, "name": "h", "urlEndpoint": "https://x"}
    )["createGenericWebhookIntegration"]["integration"]
    assert hook["__typename"] == "GenericWebhookIntegration"
    body = gql.raw(
        WEBHOOK, input={"entityName": server.entity, "name": "h", "urlEndpoint": "https://y"}
    ).json()
    assert _codes(body) == ["CONFLICT"]
    mine = gql(LIST, e=server.entity, f=jdump({"name": "t"}))["entity"]
    assert [e["node"]["name"] for e in mine["triggers"]["edges"]] == ["t"]
    assert [e["node"]["id"] for e in mine["integrations"]["edges"]] == [hook["id"]]
    legacy = gql(PROJECT_TRIGGERS, e=server.entity, p=org.project)["project"]["triggers"]
    assert legacy == [{"name": "t"}]
    with Gql(server, server.add_user("eve")) as eve:
        theirs = eve(LIST, e=server.entity)["entity"]
        assert theirs["triggers"]["edges"] == [] and theirs["integrations"]["edges"] == []
        body = eve.raw(
            WEBHOOK, input={"entityName": server.entity, "name": "e", "urlEndpoint": "https://z"}
        ).json()
        assert _codes(body) == ["PERMISSION_ERROR"]
        created = gql(CREATE, input=_input(server, org, name="second"))
        trigger_id = created["createFilterTrigger"]["trigger"]["id"]
        body = eve.raw(DELETE, id=trigger_id).json()  # eve cannot see it: not found
        assert _codes(body) == ["NOT_FOUND"]


def test_a_triggers_scope_takes_it_along_when_deleted(
    server: LocalServer, org: Org, gql: Gql
) -> None:
    project = server.store.project(server.entity, org.project)
    assert project is not None
    sequence = server.store.artifacts.collection(int(project["id"]), "weights")
    assert sequence is not None
    on_collection = _input(
        server, org, name="on-weights", scopeType="ARTIFACT_COLLECTION",
        scopeID=_gid("ArtifactCollection", sequence["id"]),
        triggeringEventType="CREATE_ARTIFACT", eventFilter=jdump({"$or": [{"$and": []}]}),
    )  # fmt: skip
    gql(CREATE, input=on_collection)
    gql(CREATE, input=_input(server, org, name="on-project"))
    gql(
        "mutation($id: ID!) { deleteArtifactSequence(input: {artifactSequenceID: $id}) { artifactCollection { id } } }",
        id=_gid("ArtifactCollection", sequence["id"]),
    )
    listed = gql(LIST, e=server.entity)["entity"]["triggers"]["edges"]
    assert [e["node"]["name"] for e in listed] == ["on-project"]
    assert gql(CREATE, input={**on_collection, "scopeType": "PROJECT", "scopeID": _gid("Project", project["id"]), "triggeringEventType": "LINK_MODEL"})  # the name is free again  # fmt: skip
    assert server.store.delete_project(int(project["id"]))
    assert gql(LIST, e=server.entity)["entity"]["triggers"]["edges"] == []
