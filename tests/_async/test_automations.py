"""Integrations and automations over real HTTP against LocalServer: listing an
entity's integrations (all, Slack, webhooks), automations (an entity's, every one the
key sees, one by name), creating, updating and deleting them, and what another user
may do."""

from __future__ import annotations

import json

import pytest

from wandb_typed import (
    AsyncApi,
    Automation,
    AutomationNotFoundError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    SlackIntegration,
    WebhookIntegration,
)
from wandb_typed.automations import (
    ArtifactEvent,
    DoNothing,
    OnAddArtifactAlias,
    OnCreateArtifact,
    OnLinkArtifact,
    OnRunMetric,
    OnRunState,
    RegistryScope,
    RunEvent,
    SavedEvent,
    SavedNoOp,
    SavedNotification,
    SavedWebhook,
    SendNotification,
    SendWebhook,
)
from wandb_typed.testing import DemoInfo, LocalServer

from ..registry_support import seed_org
from ..support import AsyncRecorder, make_async_api

pytestmark = pytest.mark.anyio


# ---------------------------------------------------------------------- integrations
async def test_integrations_of_an_entity(api: AsyncApi, demo: DemoInfo) -> None:
    every = [i async for i in api.integrations()]
    assert [i.typename for i in every] == ["SlackIntegration", "GenericWebhookIntegration"]
    slack, hook = every
    assert isinstance(slack, SlackIntegration) and slack.channel_name == demo.slack_channel
    assert isinstance(hook, WebhookIntegration) and hook.name == demo.webhook_integration
    assert hook.url_endpoint.startswith("https://") and hook.created_at is not None
    assert [i async for i in api.slack_integrations()] == [slack]
    assert [i async for i in api.webhook_integrations(entity=demo.entity)] == [hook]
    assert await api.integrations(per_page=1).count() == 2


async def test_integrations_are_for_the_entitys_members(fresh: LocalServer) -> None:
    fresh.store.create_slack_integration(fresh.entity, team_name="t", channel_name="#c")
    async with make_async_api(fresh, api_key=fresh.add_user("eve")) as eve:
        assert [i async for i in eve.integrations(entity=fresh.entity)] == []
        with pytest.raises(NotFoundError):
            [i async for i in eve.integrations(entity="nobody")]
        fresh.requests.clear()
        with pytest.raises(InputError):
            eve.slack_integrations(per_page=0)
        with pytest.raises(InputError):
            eve.integrations(entity="a/b")
        assert fresh.requests == []


# ---------------------------------------------------------------------- reads
async def test_the_demo_automation(api: AsyncApi, demo: DemoInfo) -> None:
    listed = [a async for a in api.automations(entity=demo.organization)]
    assert [a.name for a in listed] == [demo.automation]
    automation = listed[0]
    assert isinstance(automation, Automation)
    assert automation.enabled and automation.created_by == demo.entity
    assert automation.entity == demo.organization
    assert isinstance(automation.scope, RegistryScope)
    assert automation.scope.name == f"wandb-registry-{demo.registry}"
    assert isinstance(automation.event, SavedEvent)
    assert automation.event.event_type.name == "LINK_ARTIFACT"
    assert automation.event.filter == {
        "filter": {"$or": [{"$and": [{"alias": {"$eq": demo.registry_alias}}]}]}
    }
    assert isinstance(automation.action, SavedWebhook)
    assert automation.action.integration is not None
    assert automation.action.integration.name == demo.webhook_integration
    assert automation.action.request_payload == {
        "event": "${event_type}",
        "version": "${artifact_version_string}",
    }
    assert [a async for a in api.automations(entity=demo.entity)] == []
    # with no entity: every entity the key sees (its own, its teams', its organizations')
    assert [a.id async for a in api.automations()] == [automation.id]
    assert (await api.automation(demo.automation)).id == automation.id
    assert (await api.automation(demo.automation, entity=demo.organization)) == automation


async def test_automation_by_name_must_be_unique(api: AsyncApi, fresh: LocalServer) -> None:
    with pytest.raises(AutomationNotFoundError, match="no automation named 'nope'") as info:
        await api.automation("nope")
    assert isinstance(info.value, ValueError) and isinstance(info.value, NotFoundError)
    fresh.store.create_project(fresh.entity, "a")
    fresh.store.create_team("team", members=[fresh.entity])
    fresh.store.create_project("team", "b")
    async with make_async_api(fresh) as client:
        for entity, project in ((fresh.entity, "a"), ("team", "b")):
            scope = await client.project(project, entity=entity)
            event = OnRunState(scope=scope, filter=RunEvent.state.eq("failed"))
            await client.create_automation(event >> DoNothing(), name="twin")
        with pytest.raises(InputError, match="several automations are named 'twin'"):
            await client.automation("twin")
        assert (await client.automation("twin", entity="team")).entity == "team"
        assert [a.name async for a in client.automations(name="twin")] == ["twin", "twin"]


# ---------------------------------------------------------------------- writes
async def test_create_update_and_delete(fresh: LocalServer) -> None:
    org = seed_org(fresh)
    hook = fresh.store.create_webhook_integration(
        fresh.entity, name="hook", url_endpoint="https://example.com/h"
    )
    slack = fresh.store.create_slack_integration(fresh.entity, team_name="t", channel_name="#c")
    recorder = AsyncRecorder()
    async with make_async_api(fresh, transport=recorder) as api:
        registry = await api.registry(org.registry, organization=org.name)
        (webhook,) = [i async for i in api.webhook_integrations() if i.name == hook["name"]]
        event = OnLinkArtifact(scope=registry, filter=ArtifactEvent.alias.eq("production"))
        created = await api.create_automation(
            event >> SendWebhook.from_integration(webhook, payload={"v": "${artifact_version}"}),
            name="deploy",
            description="on production",
        )
        sent = recorder.bodies[-1]["variables"]["input"]
        assert sent["eventFilter"] == event.filter_json()
        assert json.loads(sent["eventFilter"]) == {
            "$or": [{"$and": [{"alias": {"$eq": "production"}}]}]
        }
        assert (created.name, created.description, created.enabled) == (
            "deploy", "on production", True,
        )  # fmt: skip
        assert created.entity == org.name and created.created_by == fresh.entity
        assert isinstance(created.action, SavedWebhook)
        assert created.action.request_payload == {"v": "${artifact_version}"}
        # a conflict, then the existing one
        with pytest.raises(ConflictError, match="already exists"):
            await api.create_automation(event >> DoNothing(), name="deploy")
        again = await api.create_automation(
            event >> DoNothing(), fetch_existing=True, name="deploy"
        )
        assert again.id == created.id
        # edit it: fields, a new action, a new event
        created.enabled = False
        created.action = SendNotification.from_integration(
            SlackIntegration(id=_gid("Integration", slack["id"]), team_name="t", channel_name="#c"),
            title="linked", text="a new production model", level="WARN",
        )  # fmt: skip
        updated = await api.update_automation(created, description="paused")
        assert (updated.enabled, updated.description) == (False, "paused")
        assert isinstance(updated.action, SavedNotification)
        assert (updated.action.title, updated.action.severity) == ("linked", "WARN")
        updated.event = OnAddArtifactAlias(scope=registry, filter={"alias": "staging"})
        retyped = await api.update_automation(updated)
        assert retyped.event.event_type.name == "ADD_ARTIFACT_ALIAS"
        assert isinstance(retyped.event, SavedEvent)
        assert retyped.event.filter["filter"] == {
            "$or": [{"$and": [{"alias": {"$eq": "staging"}}]}]
        }
        # an update that changes nothing sends back what was saved
        same = await api.update_automation(retyped)
        assert same.event == retyped.event and same.action == retyped.action
        assert await api.delete_automation(same) is True
        with pytest.raises(NotFoundError):
            await api.delete_automation(same.id)
        with pytest.raises(NotFoundError):
            await api.update_automation(same)
        revived = await api.update_automation(same, create_missing=True)
        assert revived.name == same.name and revived.id != same.id
        assert await api.delete_automation(revived.id) is True


async def test_run_and_collection_events(fresh: LocalServer) -> None:
    org = seed_org(fresh)
    async with make_async_api(fresh) as api:
        project = await api.project(org.project)
        metric = OnRunMetric(
            scope=project,
            filter=(RunEvent.metric("loss").mean(5) > 1.5) & RunEvent.name.contains("cnn"),
        )
        saved = await api.create_automation(metric >> DoNothing(), name="loss")
        assert saved.event.event_type.name == "RUN_METRIC_THRESHOLD"
        assert isinstance(saved.event, SavedEvent)
        assert json.loads(str(saved.event.filter["run_filter"])) == {
            "$and": [{"display_name": {"$contains": "cnn"}}]
        }
        assert isinstance(saved.action, SavedNoOp)
        assert saved.event.filter_json() == metric.filter_json()  # sent back as created
        collection = await api.artifact_collection("model", f"{fresh.entity}/{org.project}/weights")
        created = await api.create_automation(
            OnCreateArtifact(scope=collection) >> DoNothing(), name="new-weights", enabled=False
        )
        assert created.enabled is False and created.scope.name == "weights"
        names = [a.name async for a in api.automations(entity=fresh.entity)]
        assert names == ["loss", "new-weights"]
        assert [a.name async for a in api.automations(entity=fresh.entity, name="loss")] == ["loss"]


async def test_bad_automations_fail_before_any_request(fresh: LocalServer) -> None:
    fresh.store.create_project(fresh.entity, "p")
    async with make_async_api(fresh) as api:
        project = await api.project("p")
        fresh.requests.clear()
        event = OnRunState(scope=project, filter=RunEvent.state.in_(["finished"]))
        with pytest.raises(InputError, match="needs a name"):
            await api.create_automation(event >> DoNothing())
        with pytest.raises(InputError, match="enabled must be True or False"):
            await api.create_automation(event >> DoNothing(), name="x", enabled="yes")  # type: ignore[arg-type]
        with pytest.raises(InputError, match="unknown automation field"):
            await api.create_automation(event >> DoNothing(), name="x", color="red")  # type: ignore[call-arg]
        with pytest.raises(InputError, match="takes a NewAutomation"):
            await api.create_automation(event, name="x")  # type: ignore[arg-type]
        with pytest.raises(InputError, match="fetch_existing"):
            await api.create_automation(event >> DoNothing(), "yes", name="x")  # type: ignore[arg-type]
        with pytest.raises(InputError):
            await api.delete_automation("")
        assert fresh.requests == []


async def test_who_may_manage_automations(fresh: LocalServer) -> None:
    org = seed_org(fresh)
    fresh.store.create_project(fresh.entity, "p", access="PUBLIC")
    eve_key = fresh.add_user("eve")
    fresh.store.add_organization_member(org.name, "eve")
    async with make_async_api(fresh) as admin, make_async_api(fresh, api_key=eve_key) as eve:
        public = await eve.project("p", entity=fresh.entity)
        event = OnRunState(scope=public, filter=RunEvent.state.eq("failed"))
        with pytest.raises(PermissionDeniedError):  # can read the project, not write it
            await eve.create_automation(event >> DoNothing(), name="mine")
        registry = await eve.registry(org.registry, organization=org.name)  # a viewer
        with pytest.raises(PermissionDeniedError, match="only admins"):
            await eve.create_automation(OnLinkArtifact(scope=registry) >> DoNothing(), name="x")
        theirs = await admin.create_automation(
            OnLinkArtifact(scope=await admin.registry(org.registry, organization=org.name))
            >> DoNothing(),
            name="admins-only",
        )
        # eve reads the registry, so she sees its automation, but may not change it
        assert [a.name async for a in eve.automations(entity=org.name)] == ["admins-only"]
        with pytest.raises(PermissionDeniedError):
            await eve.delete_automation(theirs.id)
        outsider = fresh.add_user("outsider")
        async with make_async_api(fresh, api_key=outsider) as stranger:
            assert [a async for a in stranger.automations(entity=org.name)] == []
            with pytest.raises(NotFoundError):
                await stranger.delete_automation(theirs.id)
        # a webhook of an entity eve is not in cannot be hers to use
        hook = fresh.store.create_webhook_integration(
            fresh.entity, name="hook", url_endpoint="https://example.com/h"
        )
        eve_project = fresh.store.create_project("eve", "mine")
        mine = await eve.project(str(eve_project["name"]), entity="eve")
        foreign = WebhookIntegration(
            _gid("Integration", hook["id"]), "hook", "https://example.com/h"
        )
        with pytest.raises(NotFoundError, match="integration"):
            await eve.create_automation(
                OnRunState(scope=mine, filter=RunEvent.state.eq("failed"))
                >> SendWebhook.from_integration(foreign),
                name="borrowed",
            )


def _gid(kind: str, pk: object) -> str:
    from base64 import b64encode

    return b64encode(f"{kind}:{pk}".encode()).decode()
