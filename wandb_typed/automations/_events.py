"""Events an automation waits for, and ``event >> action``, which makes a
:class:`NewAutomation`.

Artifact events (a version created, linked, unlinked, aliased or tagged; a
collection tagged) watch a project, a registry or a collection and take an
:class:`ArtifactFilter` (or a dict); run events watch a project's runs and take a
metric condition (:class:`OnRunMetric`) or run states (:class:`OnRunState`). A
filter of the wrong kind is a type error, and an
:class:`~wandb_typed.errors.InputError` at run time, as is a scope the event cannot
have (a registry for a run event, a project for :class:`OnCreateArtifact`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from typing_extensions import Self

from .._core.enums import OpenStrEnum
from ..errors import InputError
from ._actions import INPUT_ACTIONS, InputAction
from ._conditions import (
    MetricChangeFilter,
    MetricFilter,
    MetricThresholdFilter,
    MetricZScoreFilter,
    RunMetricFilter,
    RunStateFilter,
    StateFilter,
)
from ._filters import ArtifactFilter, Node, filter_node, mutation_event_filter, parse_node
from ._json import to_json
from ._scopes import (
    ArtifactCollectionScope,
    CollectionLike,
    ProjectLike,
    ProjectScope,
    RegistryScope,
    ScopeLike,
    artifact_event_scope,
    collection_scope,
    project_scope,
)

__all__ = [
    "EventType",
    "InputEvent",
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
]


class EventType(OpenStrEnum):
    """The kind of event, as the server names it (``LINK_ARTIFACT`` is sent as
    ``LINK_MODEL``, ``RUN_METRIC_THRESHOLD`` as ``RUN_METRIC``)."""

    CREATE_ARTIFACT = "CREATE_ARTIFACT"
    ADD_ARTIFACT_ALIAS = "ADD_ARTIFACT_ALIAS"
    ADD_ARTIFACT_TAG = "ADD_ARTIFACT_TAG"
    REMOVE_ARTIFACT_TAG = "REMOVE_ARTIFACT_TAG"
    ADD_COLLECTION_TAG = "ADD_COLLECTION_TAG"
    REMOVE_COLLECTION_TAG = "REMOVE_COLLECTION_TAG"
    LINK_ARTIFACT = "LINK_MODEL"
    UNLINK_ARTIFACT = "UNLINK_ARTIFACT"
    RUN_METRIC_THRESHOLD = "RUN_METRIC"
    RUN_METRIC_CHANGE = "RUN_METRIC_CHANGE"
    RUN_METRIC_ZSCORE = "RUN_METRIC_ZSCORE"
    RUN_STATE = "RUN_STATE"
    UPDATE_ARTIFACT_ALIAS = "UPDATE_ARTIFACT_ALIAS"
    """Read only: older automations have it; new ones cannot."""


class _Event:
    """What every event has: a scope, its filter as sent, and ``>>``."""

    event_type: EventType

    def filter_json(self) -> str:
        """``eventFilter``: the event's filter as JSON text, as the official client sends it."""
        raise NotImplementedError

    def then(self, action: InputAction) -> NewAutomation:
        """A new automation in which this event triggers ``action``."""
        return NewAutomation(event=cast("InputEvent", self), action=action)

    def __rshift__(self, action: InputAction) -> NewAutomation:
        return self.then(action)


class _ArtifactEvent(_Event):
    __slots__ = ("_filter", "filter", "scope")

    def __init__(
        self,
        *,
        scope: ScopeLike,
        filter: ArtifactFilter | Mapping[str, object] | None = None,
    ) -> None:
        name = type(self).__name__
        self.scope: ProjectScope | RegistryScope | ArtifactCollectionScope = artifact_event_scope(
            scope, name
        )
        """Where the event is watched."""
        self._filter: Node | None
        if filter is None:
            self._filter = None
        elif isinstance(filter, ArtifactFilter):
            self._filter = filter_node(filter)
        elif isinstance(cast("object", filter), Mapping):
            self._filter = parse_node(filter, f"{name} filter")
        else:
            raise InputError(
                f"{name} takes an artifact filter (ArtifactEvent.alias.eq(...)) or a dict,"
                f" got {type(filter).__name__}"
            )
        self.filter: ArtifactFilter | None = (
            ArtifactFilter(self._filter) if self._filter is not None else None
        )
        """The condition on the version (``None``: every version)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(scope={self.scope!r}, filter={self.filter!r})"

    def filter_json(self) -> str:
        """``eventFilter``: ``{"$or": [{"$and": [...]}]}`` as JSON text."""
        return to_json(mutation_event_filter(self._filter))

    def with_scope(self, scope: ScopeLike) -> Self:
        """The same event, watching ``scope``."""
        return type(self)(scope=scope, filter=self.filter)


class OnLinkArtifact(_ArtifactEvent):
    """A version is linked into a collection (a registry's, say)."""

    event_type = EventType.LINK_ARTIFACT


class OnUnlinkArtifact(_ArtifactEvent):
    """A version is unlinked from a collection."""

    event_type = EventType.UNLINK_ARTIFACT


class OnAddArtifactAlias(_ArtifactEvent):
    """A version gets an alias."""

    event_type = EventType.ADD_ARTIFACT_ALIAS


class OnAddArtifactTag(_ArtifactEvent):
    """A version gets a tag."""

    event_type = EventType.ADD_ARTIFACT_TAG


class OnRemoveArtifactTag(_ArtifactEvent):
    """A version loses a tag."""

    event_type = EventType.REMOVE_ARTIFACT_TAG


class OnAddCollectionTag(_ArtifactEvent):
    """A collection gets a tag."""

    event_type = EventType.ADD_COLLECTION_TAG


class OnRemoveCollectionTag(_ArtifactEvent):
    """A collection loses a tag."""

    event_type = EventType.REMOVE_COLLECTION_TAG


class OnCreateArtifact(_ArtifactEvent):
    """A version is created in a collection (only a collection has this event)."""

    event_type = EventType.CREATE_ARTIFACT

    def __init__(
        self,
        *,
        scope: CollectionLike,
        filter: ArtifactFilter | Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(scope=collection_scope(scope), filter=filter)

    def with_scope(self, scope: ScopeLike) -> Self:
        """The same event, watching the collection ``scope``."""
        return type(self)(scope=collection_scope(scope), filter=self.filter)


_METRIC_EVENTS: dict[type[object], EventType] = {
    MetricThresholdFilter: EventType.RUN_METRIC_THRESHOLD,
    MetricChangeFilter: EventType.RUN_METRIC_CHANGE,
    MetricZScoreFilter: EventType.RUN_METRIC_ZSCORE,
}


class OnRunMetric(_Event):
    """A run's metric meets a condition (threshold, change or z-score); the event
    type follows from the condition."""

    __slots__ = ("event_type", "filter", "scope")

    def __init__(self, *, scope: ProjectLike, filter: MetricFilter | RunMetricFilter) -> None:
        self.scope: ProjectScope = project_scope(scope, "OnRunMetric")
        """The project whose runs are watched."""
        if isinstance(filter, (MetricThresholdFilter, MetricChangeFilter, MetricZScoreFilter)):
            filter = RunMetricFilter(metric=filter)
        if not isinstance(cast("object", filter), RunMetricFilter):
            raise InputError(
                "OnRunMetric takes a metric condition (RunEvent.metric('loss') > 1, ... & a run"
                f" filter), got {type(filter).__name__}"
            )
        self.filter: RunMetricFilter = filter
        """The metric condition (and the condition on the run, if any)."""
        self.event_type: EventType = _METRIC_EVENTS[type(filter.metric)]
        """``RUN_METRIC``, ``RUN_METRIC_CHANGE`` or ``RUN_METRIC_ZSCORE``."""

    def __repr__(self) -> str:
        return f"OnRunMetric(scope={self.scope!r}, filter={self.filter!r})"

    def filter_json(self) -> str:
        """``eventFilter`` as JSON text (its ``run_filter`` is JSON text again)."""
        return to_json(self.filter.to_json())

    def with_scope(self, scope: ScopeLike) -> OnRunMetric:
        """The same event, watching the project ``scope``."""
        return OnRunMetric(scope=project_scope(scope, "OnRunMetric"), filter=self.filter)


class OnRunState(_Event):
    """A run reaches one of some states."""

    __slots__ = ("filter", "scope")
    event_type = EventType.RUN_STATE

    def __init__(self, *, scope: ProjectLike, filter: StateFilter | RunStateFilter) -> None:
        self.scope: ProjectScope = project_scope(scope, "OnRunState")
        """The project whose runs are watched."""
        if isinstance(filter, StateFilter):
            filter = RunStateFilter(state=filter)
        if not isinstance(cast("object", filter), RunStateFilter):
            raise InputError(
                "OnRunState takes run states (RunEvent.state.in_([...]), ... & a run filter),"
                f" got {type(filter).__name__}"
            )
        self.filter: RunStateFilter = filter
        """The states (and the condition on the run, if any)."""

    def __repr__(self) -> str:
        return f"OnRunState(scope={self.scope!r}, filter={self.filter!r})"

    def filter_json(self) -> str:
        """``eventFilter`` as JSON text (its ``run_filter`` is JSON text again)."""
        return to_json(self.filter.to_json())

    def with_scope(self, scope: ScopeLike) -> OnRunState:
        """The same event, watching the project ``scope``."""
        return OnRunState(scope=project_scope(scope, "OnRunState"), filter=self.filter)


#: An event a new or edited automation may have.
InputEvent = (
    OnLinkArtifact
    | OnUnlinkArtifact
    | OnAddArtifactAlias
    | OnAddArtifactTag
    | OnRemoveArtifactTag
    | OnAddCollectionTag
    | OnRemoveCollectionTag
    | OnCreateArtifact
    | OnRunMetric
    | OnRunState
)
INPUT_EVENTS = (_ArtifactEvent, OnRunMetric, OnRunState)


class NewAutomation:
    """An automation to create (``event >> action``); ``name`` (required by then),
    ``description`` and ``enabled`` may be set here or passed to
    ``create_automation``."""

    __slots__ = ("action", "description", "enabled", "event", "name")

    def __init__(
        self,
        *,
        event: InputEvent,
        action: InputAction,
        name: str | None = None,
        description: str | None = None,
        enabled: bool | None = None,
    ) -> None:
        if not isinstance(cast("object", event), INPUT_EVENTS):
            raise InputError(f"an automation's event is an On... event, got {type(event).__name__}")
        if not isinstance(cast("object", action), INPUT_ACTIONS):
            raise InputError(
                "an automation's action is SendNotification, SendWebhook or DoNothing, got"
                f" {type(action).__name__}"
            )
        self.event: InputEvent = event
        """What triggers it."""
        self.action: InputAction = action
        """What it does."""
        self.name: str | None = name
        self.description: str | None = description
        self.enabled: bool | None = enabled
        """Whether it triggers (``None``: enabled when created)."""

    @property
    def scope(self) -> ProjectScope | RegistryScope | ArtifactCollectionScope:
        """Where its event is watched."""
        return self.event.scope

    def __repr__(self) -> str:
        return (
            f"NewAutomation(name={self.name!r}, event={self.event!r}, action={self.action!r},"
            f" enabled={self.enabled!r})"
        )
