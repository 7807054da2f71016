"""Parity of automations: the ``$input`` our DSL builds equals, as JSON text, the one
the official ``wandb.automations`` builds for the same automation (every event and
action kind, 24 automations, offline and on the wire), and the official client's
``automations()``, ``automation()``, ``create_automation()`` and
``update_automation()`` agree with ours on the same server."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

import wandb_typed
import wandb_typed.automations as ours_dsl
from wandb_typed.automations import Automation, create_input, update_input

from ..support import FAST_RETRY, Recorder
from .conftest import ENTITY, WRITES, World

pytestmark = [
    pytest.mark.parity,
    pytest.mark.xdist_group("parity"),
    # wandb 0.31's own RunMetricFilter validates its deprecated `metric_filter` field
    pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning"),
]

#: One automation, built from a DSL module (``wandb.automations`` or ours) and the
#: scope objects of its client: (M, project, registry, collection, slack, webhook).
Build = Callable[[Any, Any, Any, Any, Any, Any], Any]

AUTOMATIONS: dict[str, tuple[Build, dict[str, Any]]] = {
    "metric-threshold-mean-and-name": (
        lambda M, p, r, c, s, h: M.OnRunMetric(
            scope=p, filter=(M.RunEvent.metric("loss").mean(5) > 1.5) & M.RunEvent.name.contains("cnn")
        ) >> M.SendNotification.from_integration(s, title="t", text="hi", level="WARN"),
        {"name": "auto1", "description": "d"},
    ),
    "metric-threshold-max-lte": (
        lambda M, p, r, c, s, h: M.OnRunMetric(scope=p, filter=M.RunEvent.metric("loss").max(3) <= 0.5)
        >> M.DoNothing(),
        {"name": "max"},
    ),
    "metric-threshold-float-formats": (
        lambda M, p, r, c, s, h: M.OnRunMetric(scope=p, filter=M.RunEvent.metric("é") > 1e-7)
        >> M.DoNothing(),
        {"name": "floats", "enabled": False},
    ),
    "metric-change-relative": (
        lambda M, p, r, c, s, h: M.OnRunMetric(scope=p, filter=M.RunEvent.metric("acc").increases_by(frac=0.1))
        >> M.SendWebhook.from_integration(h, payload={"run": "${run_name}"}),
        {"name": "change"},
    ),
    "metric-change-absolute-agg": (
        lambda M, p, r, c, s, h: M.OnRunMetric(
            scope=p, filter=M.RunEvent.metric("loss").min(2).decreases_by(diff=2)
        ) >> M.DoNothing(),
        {"name": "change-abs"},
    ),
    "metric-change-any-and-or": (
        lambda M, p, r, c, s, h: M.OnRunMetric(
            scope=p,
            filter=M.RunEvent.metric("loss").changes_by(frac=0.25)
            & (M.RunEvent.name.eq("a") | ~M.RunEvent.name.matches_regex("^b")),
        ) >> M.DoNothing(),
        {"name": "change-any"},
    ),
    "metric-zscore-abs": (
        lambda M, p, r, c, s, h: M.OnRunMetric(scope=p, filter=M.RunEvent.metric("acc").zscore(30).abs() > 3)
        >> M.SendNotification.from_integration(s),
        {"name": "z"},
    ),
    "metric-zscore-below": (
        lambda M, p, r, c, s, h: M.OnRunMetric(scope=p, filter=M.RunEvent.metric("acc").zscore(10) < -2.5)
        >> M.DoNothing(),
        {"name": "z-below"},
    ),
    "run-state": (
        lambda M, p, r, c, s, h: M.OnRunState(scope=p, filter=M.RunEvent.state.in_(["finished", "failed"]))
        >> M.SendNotification.from_integration(s, text="done", level="ERROR"),
        {"name": "state"},
    ),
    "run-state-and-name": (
        lambda M, p, r, c, s, h: M.OnRunState(scope=p, filter=M.RunEvent.name.gt("a") & M.RunEvent.state.eq("running"))
        >> M.DoNothing(),
        {"name": "state-name"},
    ),
    "link-registry-alias": (
        lambda M, p, r, c, s, h: M.OnLinkArtifact(scope=r, filter=M.ArtifactEvent.alias.eq("production"))
        >> M.SendWebhook.from_integration(h, payload={"a": "${event_type}"}),
        {"name": "link"},
    ),
    "link-collection-no-filter": (
        lambda M, p, r, c, s, h: M.OnLinkArtifact(scope=c) >> M.SendWebhook.from_integration(h),
        {"name": "link-c"},
    ),
    "unlink": (
        lambda M, p, r, c, s, h: M.OnUnlinkArtifact(scope=r, filter={"alias": "prod", "tag": "t"})
        >> M.DoNothing(),
        {"name": "unlink"},
    ),
    "create-artifact": (
        lambda M, p, r, c, s, h: M.OnCreateArtifact(scope=c) >> M.DoNothing(),
        {"name": "create"},
    ),
    "create-artifact-filtered": (
        lambda M, p, r, c, s, h: M.OnCreateArtifact(scope=c, filter=M.ArtifactEvent.tag.exists(False))
        >> M.SendNotification.from_integration(s, title="new"),
        {"name": "create-f"},
    ),
    "add-alias-in": (
        lambda M, p, r, c, s, h: M.OnAddArtifactAlias(scope=p, filter=M.ArtifactEvent.alias.in_(["a", "b"]))
        >> M.DoNothing(),
        {"name": "alias"},
    ),
    "add-alias-regex-or": (
        lambda M, p, r, c, s, h: M.OnAddArtifactAlias(
            scope=r, filter=M.ArtifactEvent.alias.matches_regex("^v") | M.ArtifactEvent.alias.eq("x")
        ) >> M.DoNothing(),
        {"name": "alias-or"},
    ),
    "add-artifact-tag": (
        lambda M, p, r, c, s, h: M.OnAddArtifactTag(
            scope=c, filter=(M.ArtifactEvent.tag.eq("a") & M.ArtifactEvent.tag.ne("b")) & M.ArtifactEvent.alias.eq("c")
        ) >> M.DoNothing(),
        {"name": "tag"},
    ),
    "remove-artifact-tag-not-or": (
        lambda M, p, r, c, s, h: M.OnRemoveArtifactTag(
            scope=c, filter=~(M.ArtifactEvent.alias.eq("a") | M.ArtifactEvent.tag.eq("t"))
        ) >> M.DoNothing(),
        {"name": "untag"},
    ),
    "add-collection-tag-not-and": (
        lambda M, p, r, c, s, h: M.OnAddCollectionTag(
            scope=c, filter=~(M.ArtifactEvent.alias.eq("a") & M.ArtifactEvent.tag.eq("t"))
        ) >> M.DoNothing(),
        {"name": "ctag"},
    ),
    "remove-collection-tag-dict": (
        lambda M, p, r, c, s, h: M.OnRemoveCollectionTag(
            scope=r, filter={"$and": [{"$and": [{"tag": "x"}]}, {"alias": {"$ne": "y"}}]}
        ) >> M.DoNothing(),
        {"name": "untag-c"},
    ),
    "dict-nor-and-empty": (
        lambda M, p, r, c, s, h: M.OnLinkArtifact(scope=c, filter={"$nor": [{"alias": "x"}]})
        >> M.DoNothing(),
        {"name": "nor"},
    ),
    "dict-not-or": (
        lambda M, p, r, c, s, h: M.OnLinkArtifact(scope=c, filter={"$not": {"$or": [{"a": 1}, {"b": 2}]}})
        >> M.DoNothing(),
        {"name": "not-or"},
    ),
    "scope-override": (
        lambda M, p, r, c, s, h: M.OnLinkArtifact(scope=r) >> M.DoNothing(),
        {"name": "moved", "description": "elsewhere", "enabled": True},
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def scopes(world: World) -> dict[str, tuple[Any, ...]]:
    """(project, registry, collection, slack, webhook) as each client fetched them."""
    demo = world.demo
    official, ours = world.official, world.ours
    collection = f"{demo.organization}/wandb-registry-{demo.registry}/{demo.registry_collection}"
    return {
        "official": (
            official.project(WRITES, entity=ENTITY),
            official.registry(demo.registry, organization=demo.organization),
            official.artifact_collection(demo.model_type, collection),
            next(iter(official.slack_integrations(entity=ENTITY))),
            next(iter(official.webhook_integrations(entity=ENTITY))),
        ),
        "ours": (
            ours.project(WRITES, entity=ENTITY),
            ours.registry(demo.registry, organization=demo.organization),
            ours.artifact_collection(demo.model_type, collection),
            next(iter(ours.slack_integrations(ENTITY))),
            next(iter(ours.webhook_integrations(ENTITY))),
        ),
    }


def _official_input(build: Build, scope: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    import wandb.automations as official_dsl
    from wandb.automations._inputs import prepare_to_create

    return json.dumps(prepare_to_create(build(official_dsl, *scope), **kwargs).model_dump())


@pytest.mark.parametrize("case", sorted(AUTOMATIONS))
def test_the_dsl_builds_the_official_input(scopes: dict[str, tuple[Any, ...]], case: str) -> None:
    build, kwargs = AUTOMATIONS[case]
    official = _official_input(build, scopes["official"], kwargs)
    ours = json.dumps(create_input(build(ours_dsl, *scopes["ours"]), **kwargs))
    assert ours == official  # byte for byte (eventFilter and payloads are JSON text)


def test_the_cases_cover_every_event_and_action(scopes: dict[str, tuple[Any, ...]]) -> None:
    events, actions = set(), set()
    for build, kwargs in AUTOMATIONS.values():
        sent = create_input(build(ours_dsl, *scopes["ours"]), **kwargs)
        events.add(sent["triggeringEventType"])
        actions.add(sent["triggeredActionType"])
    assert events == {e.value for e in ours_dsl.EventType} - {"UPDATE_ARTIFACT_ALIAS"}
    assert actions == {"NOTIFICATION", "GENERIC_WEBHOOK", "NO_OP"}
    assert len(AUTOMATIONS) >= 12


@pytest.mark.parametrize(
    "case", ["metric-threshold-mean-and-name", "run-state", "link-registry-alias", "unlink"]
)
def test_what_we_send_is_the_official_input(
    world: World, scopes: dict[str, tuple[Any, ...]], case: str
) -> None:
    """The ``$input`` on the wire (recorded HTTP body), against the official DSL's."""
    build, kwargs = AUTOMATIONS[case]
    unique = {**kwargs, "name": f"{kwargs['name']}-{uuid.uuid4().hex[:8]}"}
    recorder = Recorder()
    server = world.server
    with wandb_typed.Api(
        {"base_url": server.base_url}, api_key=server.api_key, retry=FAST_RETRY,
        transport=recorder,
    ) as api:  # fmt: skip
        created = api.create_automation(build(ours_dsl, *scopes["ours"]), **unique)
        sent = recorder.bodies[-1]["variables"]["input"]
        assert json.dumps(sent) == _official_input(build, scopes["official"], unique)
        # and the official client reads back what we created as we do
        official = world.official.automation(unique["name"], entity=created.entity)
        assert our_automation(created) == official_automation(official)
        assert api.delete_automation(created) is True


def our_automation(a: Automation) -> dict[str, Any]:
    action: dict[str, Any] = {"type": a.action.action_type.value}
    if isinstance(a.action, ours_dsl.SavedNotification):
        assert a.action.integration is not None
        action.update(integration=a.action.integration.id, title=a.action.title,
                      message=a.action.message, severity=a.action.severity)  # fmt: skip
    elif isinstance(a.action, ours_dsl.SavedWebhook):
        assert a.action.integration is not None
        action.update(integration=a.action.integration.id, payload=a.action.request_payload)
    assert isinstance(a.event, ours_dsl.SavedEvent)
    return {
        "id": a.id,
        "name": a.name,
        "description": a.description,
        "enabled": a.enabled,
        "scope": (a.scope.scope_type, a.scope.id, a.scope.name),
        "event": (a.event.event_type.value, a.event.filter_json()),
        "action": action,
    }


def official_automation(a: Any) -> dict[str, Any]:
    from wandb.automations._inputs import prepare_event_filter_input

    action: dict[str, Any] = {"type": a.action.action_type.value}
    if action["type"] == "NOTIFICATION":
        severity = a.action.severity.value if a.action.severity is not None else None
        action.update(integration=a.action.integration.id, title=a.action.title,
                      message=a.action.message, severity=severity)  # fmt: skip
    elif action["type"] == "GENERIC_WEBHOOK":
        action.update(integration=a.action.integration.id, payload=a.action.request_payload)
    return {
        "id": a.id,
        "name": a.name,
        "description": a.description,
        "enabled": a.enabled,
        "scope": (a.scope.scope_type.value, a.scope.id, a.scope.name),
        "event": (a.event.event_type.value, prepare_event_filter_input(a.event.filter)),
        "action": action,
    }


def test_automations_list_alike(world: World) -> None:
    org = world.demo.organization
    official = [official_automation(a) for a in world.official.automations(entity=org)]
    assert [our_automation(a) for a in world.ours.automations(entity=org)] == official
    assert [a["name"] for a in official] == [world.demo.automation]
    one = world.official.automation(world.demo.automation, entity=org)
    assert our_automation(world.ours.automation(world.demo.automation, org)) == (
        official_automation(one)
    )


def test_created_by_the_official_client_read_alike_and_updated_alike(
    world: World, scopes: dict[str, tuple[Any, ...]]
) -> None:
    import wandb.automations as official_dsl
    from wandb.automations._inputs import prepare_to_update

    build, _ = AUTOMATIONS["metric-change-relative"]
    name = f"official-{uuid.uuid4().hex[:8]}"
    created = world.official.create_automation(
        build(official_dsl, *scopes["official"]), name=name, description="made by wandb"
    )
    ours = world.ours.automation(name, ENTITY)
    assert our_automation(ours) == official_automation(created)
    # the update input of a saved automation, edited alike, is the same text
    created.description = ours.description = "edited"
    created.enabled = ours.enabled = False
    assert json.dumps(update_input(ours)) == json.dumps(prepare_to_update(created).model_dump())
    updated = world.ours.update_automation(ours)
    assert our_automation(updated) == official_automation(
        world.official.automation(name, entity=ENTITY)
    )
    assert world.official.delete_automation(updated.id) is True
