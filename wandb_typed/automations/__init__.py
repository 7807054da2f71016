"""Automations, typed: what happens when a run or an artifact does something.

An automation is an event in a scope and an action::

    from wandb_typed.automations import OnLinkArtifact, ArtifactEvent, SendWebhook

    registry = api.registry("model")
    hook = next(iter(api.webhook_integrations()))
    event = OnLinkArtifact(scope=registry, filter=ArtifactEvent.alias.eq("production"))
    api.create_automation(event >> SendWebhook.from_integration(hook), name="deploy")

Scopes: a project, a registry or an artifact collection (the ``Project``,
``Registry`` or ``ArtifactCollection`` itself, or a scope class). Events:
:class:`OnCreateArtifact` (a collection only), :class:`OnLinkArtifact`,
:class:`OnUnlinkArtifact`, :class:`OnAddArtifactAlias`, :class:`OnAddArtifactTag`,
:class:`OnRemoveArtifactTag`, :class:`OnAddCollectionTag`,
:class:`OnRemoveCollectionTag` (filters on :class:`ArtifactEvent` fields), and
:class:`OnRunMetric` / :class:`OnRunState` (a project's runs; filters built from
:class:`RunEvent`: ``RunEvent.metric("loss").mean(5) > 1.5``,
``RunEvent.metric("acc").increases_by(frac=0.1)``, ``RunEvent.metric("acc").zscore(30)
> 3``, ``RunEvent.state.in_(["finished", "failed"])``, each ``& RunEvent.name...``).
Actions: :class:`SendNotification` (Slack), :class:`SendWebhook`, :class:`DoNothing`.

The request is the official ``wandb.automations``'s, byte for byte (``eventFilter``
double-encoded as W&B expects). Nonsense is refused: a metric condition on an
artifact event, a Slack integration given to :class:`SendWebhook`, a registry as a
run event's scope are type errors, and :class:`~wandb_typed.errors.InputError` at
run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .._core.integrations import Integration, SlackIntegration, WebhookIntegration
    from ._actions import (
        ActionType,
        DoNothing,
        InputAction,
        SendNotification,
        SendWebhook,
        Severity,
    )
    from ._conditions import (
        Agg,
        ArtifactEvent,
        ChangeDir,
        ChangeType,
        CmpOp,
        MetricAgg,
        MetricChangeFilter,
        MetricFilter,
        MetricThresholdFilter,
        MetricVal,
        MetricZScoreFilter,
        RunEvent,
        RunMetricFilter,
        RunState,
        RunStateFilter,
        StateFilter,
        ZScoreOperand,
    )
    from ._events import (
        EventType,
        InputEvent,
        NewAutomation,
        OnAddArtifactAlias,
        OnAddArtifactTag,
        OnAddCollectionTag,
        OnCreateArtifact,
        OnLinkArtifact,
        OnRemoveArtifactTag,
        OnRemoveCollectionTag,
        OnRunMetric,
        OnRunState,
        OnUnlinkArtifact,
    )
    from ._filters import ArtifactFilter, Field, RunFilter, Scalar
    from ._saved import (
        Automation,
        AutomationNotFoundError,
        SavedAction,
        SavedAria,
        SavedEvent,
        SavedLaunchJob,
        SavedNoOp,
        SavedNotification,
        SavedOtherAction,
        SavedWebhook,
    )
    from ._scopes import (
        ArtifactCollectionScope,
        EntityScope,
        ProjectScope,
        RegistryScope,
        Scope,
        ScopeLike,
        ScopeType,
    )
    from ._wire import WriteAutomationsKwargs, create_input, update_input

#: Each name's module: the DSL loads on first use (PEP 562), so ``import wandb_typed``
#: and ``Api`` (whose annotations name ``automations.Automation``) do not pay for it.
_LAZY: dict[str, str] = {
    "ActionType": "._actions",
    "Agg": "._conditions",
    "ArtifactCollectionScope": "._scopes",
    "ArtifactEvent": "._conditions",
    "ArtifactFilter": "._filters",
    "Automation": "._saved",
    "AutomationNotFoundError": "._saved",
    "ChangeDir": "._conditions",
    "ChangeType": "._conditions",
    "CmpOp": "._conditions",
    "create_input": "._wire",
    "DoNothing": "._actions",
    "EntityScope": "._scopes",
    "EventType": "._events",
    "Field": "._filters",
    "InputAction": "._actions",
    "InputEvent": "._events",
    "Integration": ".._core.integrations",
    "MetricAgg": "._conditions",
    "MetricChangeFilter": "._conditions",
    "MetricFilter": "._conditions",
    "MetricThresholdFilter": "._conditions",
    "MetricVal": "._conditions",
    "MetricZScoreFilter": "._conditions",
    "NewAutomation": "._events",
    "OnAddArtifactAlias": "._events",
    "OnAddArtifactTag": "._events",
    "OnAddCollectionTag": "._events",
    "OnCreateArtifact": "._events",
    "OnLinkArtifact": "._events",
    "OnRemoveArtifactTag": "._events",
    "OnRemoveCollectionTag": "._events",
    "OnRunMetric": "._events",
    "OnRunState": "._events",
    "OnUnlinkArtifact": "._events",
    "ProjectScope": "._scopes",
    "RegistryScope": "._scopes",
    "RunEvent": "._conditions",
    "RunFilter": "._filters",
    "RunMetricFilter": "._conditions",
    "RunState": "._conditions",
    "RunStateFilter": "._conditions",
    "SavedAction": "._saved",
    "SavedAria": "._saved",
    "SavedEvent": "._saved",
    "SavedLaunchJob": "._saved",
    "SavedNoOp": "._saved",
    "SavedNotification": "._saved",
    "SavedOtherAction": "._saved",
    "SavedWebhook": "._saved",
    "Scalar": "._filters",
    "Scope": "._scopes",
    "ScopeLike": "._scopes",
    "ScopeType": "._scopes",
    "SendNotification": "._actions",
    "SendWebhook": "._actions",
    "Severity": "._actions",
    "SlackIntegration": ".._core.integrations",
    "StateFilter": "._conditions",
    "update_input": "._wire",
    "WebhookIntegration": ".._core.integrations",
    "WriteAutomationsKwargs": "._wire",
    "ZScoreOperand": "._conditions",
}

__all__ = [
    "ActionType",
    "Agg",
    "ArtifactCollectionScope",
    "ArtifactEvent",
    "ArtifactFilter",
    "Automation",
    "AutomationNotFoundError",
    "ChangeDir",
    "ChangeType",
    "CmpOp",
    "DoNothing",
    "EntityScope",
    "EventType",
    "Field",
    "InputAction",
    "InputEvent",
    "Integration",
    "MetricAgg",
    "MetricChangeFilter",
    "MetricFilter",
    "MetricThresholdFilter",
    "MetricVal",
    "MetricZScoreFilter",
    "NewAutomation",
    "OnAddArtifactAlias",
    "OnAddArtifactTag",
    "OnAddCollectionTag",
    "OnCreateArtifact",
    "OnLinkArtifact",
    "OnRemoveArtifactTag",
    "OnRemoveCollectionTag",
    "OnRunMetric",
    "OnRunState",
    "OnUnlinkArtifact",
    "ProjectScope",
    "RegistryScope",
    "RunEvent",
    "RunFilter",
    "RunMetricFilter",
    "RunState",
    "RunStateFilter",
    "SavedAction",
    "SavedAria",
    "SavedEvent",
    "SavedLaunchJob",
    "SavedNoOp",
    "SavedNotification",
    "SavedOtherAction",
    "SavedWebhook",
    "Scalar",
    "Scope",
    "ScopeLike",
    "ScopeType",
    "SendNotification",
    "SendWebhook",
    "Severity",
    "SlackIntegration",
    "StateFilter",
    "WebhookIntegration",
    "WriteAutomationsKwargs",
    "ZScoreOperand",
    "create_input",
    "update_input",
]

if not TYPE_CHECKING:  # hidden from type checkers, so a mistyped name stays an error
    __getattr__, __dir__ = lazy_exports(__name__, _LAZY)
