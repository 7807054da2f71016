"""Saved automations, as ``api.automations()`` returns them: :class:`Automation`,
whose ``name``, ``description``, ``enabled``, ``scope``, ``event`` and ``action`` are
editable (then ``api.update_automation(automation)``), with the event and action as
the server answers them (:class:`SavedEvent`, ``Saved*`` actions) until replaced by
new ones (``OnLinkArtifact(...)``, ``SendWebhook(...)``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from .._core.integrations import SlackIntegration, WebhookIntegration, integration_from
from ..errors import InputError, NotFoundError, ResponseValidationError
from ..types import JSONObject, JSONValue, as_object
from ._actions import ActionType, InputAction
from ._conditions import (
    Agg,
    ChangeDir,
    ChangeType,
    CmpOp,
    MetricChangeFilter,
    MetricFilter,
    MetricThresholdFilter,
    MetricZScoreFilter,
    RunMetricFilter,
    RunStateFilter,
    StateFilter,
)
from ._events import EventType, InputEvent
from ._filters import RunFilter, node_json, parse_node
from ._json import to_json
from ._scopes import ArtifactCollectionScope, EntityScope, ProjectScope, RegistryScope, Scope

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import AutomationFields

__all__ = [
    "Automation",
    "AutomationNotFoundError",
    "SavedAction",
    "SavedAria",
    "SavedEvent",
    "SavedLaunchJob",
    "SavedNoOp",
    "SavedNotification",
    "SavedOtherAction",
    "SavedWebhook",
    "automation_from",
]

_RUN_EVENTS = (
    EventType.RUN_METRIC_THRESHOLD,
    EventType.RUN_METRIC_CHANGE,
    EventType.RUN_METRIC_ZSCORE,
    EventType.RUN_STATE,
)


@dataclass(frozen=True)
class SavedEvent:
    """A saved automation's event: its type and filter, decoded from the server's
    JSON (a run event's ``run_filter`` stays JSON text, as W&B keeps it; an artifact
    event's filter is under ``filter``)."""

    event_type: EventType
    filter: JSONObject

    def filter_json(self) -> str:
        """``eventFilter`` to send it back as the official client does: an artifact
        event's filter unwrapped from ``filter``, a run event's rebuilt."""
        if self.event_type in _RUN_EVENTS:
            rebuilt = _run_event_filter(self.filter)
            return to_json(rebuilt.to_json() if rebuilt is not None else self.filter)
        inner = self.filter.get("filter", self.filter)
        if isinstance(inner, str):
            inner = cast("JSONValue", json.loads(inner))
        if not isinstance(inner, dict):
            return to_json(inner)
        return to_json(node_json(parse_node(inner)))


def _metric(raw: JSONObject) -> MetricFilter | None:
    if isinstance(t := raw.get("threshold_filter"), dict):
        return MetricThresholdFilter(
            str(t["name"]), cast("Agg | None", t.get("agg_op")), cast("int", t["window_size"]),
            cast("CmpOp", t["cmp_op"]), cast("int | float", t["threshold"]),
        )  # fmt: skip
    if isinstance(c := raw.get("change_filter"), dict):
        return MetricChangeFilter(
            str(c["name"]), cast("Agg | None", c.get("agg_op")),
            cast("int", c["current_window_size"]), cast("int", c["prior_window_size"]),
            cast("ChangeType", c["change_type"]), cast("ChangeDir", c["change_dir"]),
            cast("int | float", c["change_amount"]),
        )  # fmt: skip
    if isinstance(z := raw.get("zscore_filter"), dict):
        return MetricZScoreFilter(
            str(z["name"]), cast("int", z["window_size"]), cast("int | float", z["threshold"]),
            cast("ChangeDir", z["change_dir"]),
        )  # fmt: skip
    return None


def _run_event_filter(raw: JSONObject) -> RunMetricFilter | RunStateFilter | None:
    """A saved run event's filter as the typed filter, or ``None`` when its shape is
    not one this client builds (then it is sent back as saved)."""
    try:
        text = raw.get("run_filter")
        run_json: object = json.loads(text) if isinstance(text, str) else {"$and": []}
        run = RunFilter(parse_node(cast("JSONObject", run_json)))
        metric = raw.get("run_metric_filter")
        if isinstance(metric, dict) and raw.get("metric_filter") is None:
            built = _metric(metric)
            return RunMetricFilter(metric=built, run=run) if built is not None else None
        state = raw.get("run_state_filter")
        if isinstance(state, dict) and isinstance(states := state.get("states"), list):
            return RunStateFilter(state=StateFilter(tuple(str(s) for s in states)), run=run)
    except (KeyError, TypeError, ValueError, InputError):
        return None
    return None


@dataclass(frozen=True)
class SavedNotification:
    """A saved Slack notification."""

    integration: SlackIntegration | None
    title: str | None
    message: str | None
    severity: str | None
    action_type: ActionType = ActionType.NOTIFICATION


@dataclass(frozen=True)
class SavedWebhook:
    """A saved webhook request (the payload decoded from its JSON text)."""

    integration: WebhookIntegration | None
    request_payload: JSONObject | None
    action_type: ActionType = ActionType.GENERIC_WEBHOOK


@dataclass(frozen=True)
class SavedNoOp:
    """A saved action that does nothing."""

    action_type: ActionType = ActionType.NO_OP


@dataclass(frozen=True)
class SavedLaunchJob:
    """A saved launch job (older automations; read only)."""

    queue_id: str | None
    queue_name: str | None
    template: str
    action_type: ActionType = ActionType.QUEUE_JOB


@dataclass(frozen=True)
class SavedAria:
    """A saved prompt to W&B's assistant (read only)."""

    prompt: str
    action_type: ActionType = ActionType.ARIA


@dataclass(frozen=True)
class SavedOtherAction:
    """A saved action of a kind this client does not read (its ``__typename``)."""

    typename: str
    action_type: ActionType = ActionType.PUSH_NOTIFICATION


#: A saved automation's action.
SavedAction = (
    SavedNotification | SavedWebhook | SavedNoOp | SavedLaunchJob | SavedAria | SavedOtherAction
)


class AutomationNotFoundError(NotFoundError, ValueError):
    """No automation has that name (a ``NotFoundError`` and, as in the official
    client, a ``ValueError``)."""


class Automation:
    """A saved automation. Edit ``name``, ``description``, ``enabled``, ``scope``,
    ``event`` or ``action`` (a new event or action replaces the saved one) and pass it
    to ``api.update_automation``."""

    id: str
    created_at: datetime
    updated_at: datetime | None
    created_by: str | None
    """The username of who created it."""
    name: str
    description: str | None
    enabled: bool
    scope: Scope
    """Where its event is watched."""
    event: SavedEvent | InputEvent
    action: SavedAction | InputAction

    def __init__(
        self,
        *,
        id: str,
        created_at: datetime,
        updated_at: datetime | None,
        created_by: str | None,
        name: str,
        description: str | None,
        enabled: bool,
        scope: Scope,
        event: SavedEvent | InputEvent,
        action: SavedAction | InputAction,
    ) -> None:
        self.id = id
        self.created_at = created_at
        self.updated_at = updated_at
        self.created_by = created_by
        self.name = name
        self.description = description
        self.enabled = enabled
        self.scope = scope
        self.event = event
        self.action = action

    @property
    def entity(self) -> str | None:
        """The entity it belongs to (its scope's), where it is listed."""
        return self.scope.entity

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Automation) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        kind = self.event.event_type.name
        return f"<Automation {self.name!r} ({kind} -> {self.action.action_type.name})>"


def _scope_from(f: AutomationFields) -> Scope:
    s = f.scope
    if s.typename__ == "Project":
        from .._core.artifact_names import REGISTRY_PREFIX

        cls = RegistryScope if s.name.startswith(REGISTRY_PREFIX) else ProjectScope
        return cls(s.id, s.name, s.entity.name)
    if s.typename__ == "Entity":
        return EntityScope(s.id, s.name, s.entity_type)
    entity = s.project.entity.name if s.project is not None else None
    return ArtifactCollectionScope(s.id, s.name, entity)


def _action_from(f: AutomationFields) -> SavedAction:
    a = f.action
    if a.typename__ == "NotificationTriggeredAction":
        slack = a.integration if a.integration.typename__ == "SlackIntegration" else None
        return SavedNotification(
            cast("SlackIntegration | None", integration_from(slack) if slack else None),
            a.title, a.message, a.severity.value if a.severity is not None else None,
        )  # fmt: skip
    if a.typename__ == "GenericWebhookTriggeredAction":
        hook = a.integration if a.integration.typename__ == "GenericWebhookIntegration" else None
        payload = json.loads(a.request_payload) if a.request_payload else None
        return SavedWebhook(
            cast("WebhookIntegration | None", integration_from(hook) if hook else None),
            as_object(payload, f"automation {f.name}: requestPayload") if payload else None,
        )
    if a.typename__ == "NoOpTriggeredAction":
        return SavedNoOp()
    if a.typename__ == "QueueJobTriggeredAction":
        queue = a.queue
        return SavedLaunchJob(
            queue.id if queue else None, queue.name if queue else None, a.template
        )
    if a.typename__ == "ARIATriggeredAction":
        return SavedAria(a.prompt)
    return SavedOtherAction(a.typename__)


def automation_from(f: AutomationFields) -> Automation:
    """Build from the generated ``AutomationFields`` fragment."""
    event_filter = f.event.filter_
    if not isinstance(event_filter, dict):
        raise ResponseValidationError(f"automation {f.name}: its event filter is not an object")
    return Automation(
        id=f.id,
        created_at=f.created_at,
        updated_at=f.updated_at,
        created_by=f.created_by.username if f.created_by is not None else None,
        name=f.name,
        description=f.description,
        enabled=f.enabled,
        scope=_scope_from(f),
        event=SavedEvent(EventType(f.event.event_type.value), event_filter),
        action=_action_from(f),
    )
