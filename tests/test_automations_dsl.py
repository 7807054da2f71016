"""The automation DSL offline (``wandb_typed.automations``): the ``$input`` it builds,
pinned as text (the parity suite compares it with the official client's), and the
nonsense it refuses with an InputError (type checkers refuse it too:
``tests/typing/usage.py``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

import pytest

from wandb_typed import InputError, SlackIntegration, UsageError, WebhookIntegration
from wandb_typed.automations import (
    ArtifactCollectionScope,
    ArtifactEvent,
    Automation,
    DoNothing,
    EventType,
    NewAutomation,
    OnAddArtifactTag,
    OnCreateArtifact,
    OnLinkArtifact,
    OnRunMetric,
    OnRunState,
    ProjectScope,
    RegistryScope,
    RunEvent,
    RunFilter,
    SavedEvent,
    SavedNoOp,
    SendNotification,
    SendWebhook,
    create_input,
    update_input,
)

PROJECT = ProjectScope("UHJvamVjdDox", "mnist", "demo")
REGISTRY = RegistryScope("UHJvamVjdDoy", "wandb-registry-model", "acme")
COLLECTION = ArtifactCollectionScope("QXJ0aWZhY3RDb2xsZWN0aW9uOjE=", "shelf", "acme")
SLACK = SlackIntegration("SW50ZWdyYXRpb246MQ==", "team", "#alerts")
HOOK = WebhookIntegration("SW50ZWdyYXRpb246Mg==", "hook", "https://example.com")


def test_the_documented_run_metric_automation() -> None:
    """The captured official payload of ``official-surface.md`` §8, byte for byte."""
    event = OnRunMetric(
        scope=PROJECT,
        filter=(RunEvent.metric("loss").mean(5) > 1.5) & RunEvent.name.contains("foo"),
    )
    action = SendNotification.from_integration(SLACK, title="t", text="hi", level="WARN")
    sent = create_input(event >> action, name="auto1", description="d")
    assert json.dumps(sent) == (
        '{"description": "d", "enabled": true, "eventFilter": "{\\"run_filter\\":\\"{\\\\\\"$and'
        '\\\\\\":[{\\\\\\"display_name\\\\\\":{\\\\\\"$contains\\\\\\":\\\\\\"foo\\\\\\"}}]}\\",'
        '\\"run_metric_filter\\":{\\"threshold_filter\\":{\\"name\\":\\"loss\\",\\"agg_op\\":'
        '\\"AVERAGE\\",\\"window_size\\":5,\\"cmp_op\\":\\"$gt\\",\\"threshold\\":1.5}},\\"metric_filter'
        '\\":null}", "name": "auto1", "scopeID": "UHJvamVjdDox", "scopeType": "PROJECT", '
        '"triggeredActionConfig": {"notificationActionInput": {"integrationID": '
        '"SW50ZWdyYXRpb246MQ==", "message": "hi", "severity": "WARN", "title": "t"}}, '
        '"triggeredActionType": "NOTIFICATION", "triggeringEventType": "RUN_METRIC"}'
    )


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (OnLinkArtifact(scope=COLLECTION, filter=ArtifactEvent.alias.eq("prod")),
         '{"$or":[{"$and":[{"alias":{"$eq":"prod"}}]}]}'),
        (OnCreateArtifact(scope=COLLECTION), '{"$or":[{"$and":[]}]}'),
        (OnAddArtifactTag(scope=REGISTRY, filter={"tag": "a", "alias": {"$in": ["x"]}}),
         '{"$or":[{"$and":[{"tag":{"$eq":"a"}},{"alias":{"$in":["x"]}}]}]}'),
        (OnLinkArtifact(scope=REGISTRY, filter=~(ArtifactEvent.alias.eq("a") | ArtifactEvent.tag.eq("t"))),
         '{"$or":[{"$and":[{"$nor":[{"alias":{"$eq":"a"}},{"tag":{"$eq":"t"}}]}]}]}'),
        (OnRunState(scope=PROJECT, filter=RunEvent.state.in_(["finished", "crashed", "failed"])),
         '{"run_filter":"{\\"$and\\":[]}","run_state_filter":{"states":["FAILED","FINISHED"]}}'),
        (OnRunMetric(scope=PROJECT, filter=RunEvent.metric("acc").zscore(30).abs() > 3),
         '{"run_filter":"{\\"$and\\":[]}","run_metric_filter":{"zscore_filter":{"name":"acc",'
         '"window_size":30,"threshold":3,"change_dir":"ANY"}},"metric_filter":null}'),
        (OnRunMetric(scope=PROJECT, filter=RunEvent.metric("acc").max(2).increases_by(frac=0.1)),
         '{"run_filter":"{\\"$and\\":[]}","run_metric_filter":{"change_filter":{"name":"acc",'
         '"agg_op":"MAX","current_window_size":2,"change_amount":0.1,"prior_window_size":2,'
         '"change_type":"RELATIVE","change_dir":"INCREASE"}},"metric_filter":null}'),
        (OnRunMetric(scope=PROJECT, filter=RunEvent.metric("é") > 1e20),
         '{"run_filter":"{\\"$and\\":[]}","run_metric_filter":{"threshold_filter":{"name":"é",'
         '"agg_op":null,"window_size":1,"cmp_op":"$gt","threshold":1e+20}},"metric_filter":null}'),
    ],
)  # fmt: skip
def test_event_filters_as_sent(event: OnLinkArtifact | OnRunMetric, expected: str) -> None:
    assert event.filter_json() == expected


def test_event_types_scopes_and_actions() -> None:
    change = OnRunMetric(scope=PROJECT, filter=RunEvent.metric("x").decreases_by(diff=2))
    assert change.event_type is EventType.RUN_METRIC_CHANGE
    assert OnLinkArtifact(scope=REGISTRY).event_type.value == "LINK_MODEL"
    new = OnLinkArtifact(scope=REGISTRY) >> SendWebhook.from_integration(HOOK, payload={"a": [1]})
    assert new.scope is REGISTRY
    sent = create_input(new, name="x", enabled=False, scope=COLLECTION)
    assert (sent["scopeType"], sent["scopeID"], sent["enabled"]) == (
        "ARTIFACT_COLLECTION", COLLECTION.id, False,
    )  # fmt: skip
    assert sent["triggeredActionConfig"] == {
        "genericWebhookActionInput": {"integrationID": HOOK.id, "requestPayload": '{"a":[1]}'}
    }
    assert create_input(OnCreateArtifact(scope=COLLECTION) >> DoNothing(), name="n")[
        "triggeredActionConfig"
    ] == {"noOpActionInput": {"noOp": True}}


def test_nonsense_is_refused() -> None:
    metric = RunEvent.metric("loss") > 1
    nonsense: list[Any] = [
        lambda: OnLinkArtifact(scope=COLLECTION, filter=cast("Any", metric)),
        lambda: OnLinkArtifact(scope=COLLECTION, filter=cast("Any", RunEvent.name.eq("x"))),
        lambda: OnRunMetric(scope=PROJECT, filter=cast("Any", ArtifactEvent.alias.eq("x"))),
        lambda: OnRunMetric(scope=cast("Any", REGISTRY), filter=metric),
        lambda: OnRunState(scope=PROJECT, filter=cast("Any", metric)),
        lambda: OnCreateArtifact(scope=cast("Any", PROJECT)),
        lambda: SendWebhook.from_integration(cast("Any", SLACK)),
        lambda: SendNotification.from_integration(cast("Any", HOOK)),
        lambda: SendNotification(SLACK.id, severity=cast("Any", "LOUD")),
        lambda: RunEvent.name.eq("a") & cast("Any", ArtifactEvent.alias.eq("b")),
        lambda: RunEvent.metric("x").changes_by(diff=1, frac=0.1),  # type: ignore[call-overload]
        lambda: RunEvent.metric("x").changes_by(frac=-0.1),
        lambda: RunEvent.metric("x").mean(0),
        lambda: RunEvent.metric("x") > float("nan"),
        lambda: RunEvent.metric("x") > cast("Any", True),
        lambda: RunEvent.metric("x").zscore(5) < 2,
        lambda: RunEvent.metric("x").zscore(5).abs() < -2,
        lambda: RunEvent.state.in_(cast("Any", ["sleeping"])),
        lambda: RunEvent.state.in_([]),
        lambda: bool(RunEvent.name.eq("x")),
        lambda: create_input(OnLinkArtifact(scope=COLLECTION) >> DoNothing()),  # no name
        lambda: NewAutomation(event=cast("Any", DoNothing()), action=DoNothing()),
        lambda: OnLinkArtifact(scope=COLLECTION, filter={"$and": "x"}),
    ]
    for build in nonsense:
        with pytest.raises(InputError):
            build()


def test_saved_automations_are_sent_back_as_saved() -> None:
    from datetime import datetime, timezone

    event = OnLinkArtifact(scope=REGISTRY, filter=ArtifactEvent.alias.eq("prod"))
    saved = SavedEvent(EventType.LINK_ARTIFACT, {"filter": json.loads(event.filter_json())})
    automation = Automation(
        id="VHJpZ2dlcjox", created_at=datetime.now(timezone.utc), updated_at=None,
        created_by="demo", name="a", description=None, enabled=True, scope=REGISTRY,
        event=saved, action=SavedNoOp(),
    )  # fmt: skip
    sent = update_input(automation)
    assert list(sent) == [
        "enabled", "eventFilter", "id", "name", "scopeID", "scopeType",
        "triggeredActionConfig", "triggeredActionType", "triggeringEventType",
    ]  # fmt: skip
    assert sent["eventFilter"] == event.filter_json()
    run = OnRunMetric(
        scope=PROJECT,
        filter=RunFilter.from_mapping({"state": "running"}) & (RunEvent.metric("l") < 2),
    )
    automation.event = SavedEvent(EventType.RUN_METRIC_THRESHOLD, json.loads(run.filter_json()))
    assert update_input(automation, description="d")["eventFilter"] == run.filter_json()
    automation.action = cast("Any", object())
    with pytest.raises(InputError):
        update_input(automation)


def test_artifact_types_type_and_runtime_errors() -> None:
    from wandb_typed import ArtifactTypes

    types = ArtifactTypes(["model"])
    refusals: list[Callable[[], object]] = [
        lambda: types.remove(cast("Any", "model")),
        lambda: types.pop(cast("Any", 0)),
        lambda: types.clear(cast("Any", None)),
    ]
    for refused in refusals:
        with pytest.raises(UsageError, match="never removed"):
            refused()
    types.append("dataset")
    assert types == ["model", "dataset"] and types[1] == "dataset" and "model" in types
