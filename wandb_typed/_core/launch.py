"""Launch: run queues and their items (queued runs), as data; the checks of the
queue-creating methods; and :class:`PollPlan`, the bounded polling every waiting
method shares (sans-I/O: the caller sleeps, in either mode)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, cast, get_args

from ..errors import InputError
from ..paths import check_name
from ..types import JSONObject, JSONValue

__all__ = [
    "LAUNCH_PROJECT",
    "PollPlan",
    "QueueItemError",
    "QueuedRunState",
    "RunQueueAccessType",
    "RunQueueData",
    "RunQueuePrioritizationMode",
    "RunQueueResourceType",
    "TemplateVariable",
    "check_prioritization_mode",
    "check_queue_name",
    "check_resource_type",
    "encode_json",
    "item_error",
    "item_state",
]

#: The project of an entity that holds its run queues (the official ``LAUNCH_DEFAULT_PROJECT``).
LAUNCH_PROJECT = "model-registry"

#: Where a queue's jobs run (``create_run_queue(type=...)``).
RunQueueResourceType = Literal[
    "local-container", "local-process", "kubernetes", "sagemaker", "gcp-vertex"
]
#: Who may push to a queue: its project's members or its user only.
RunQueueAccessType = Literal["project", "user"]
#: ``"V0"`` lets a queue's items carry a priority; ``"DISABLED"``: first in, first out.
RunQueuePrioritizationMode = Literal["DISABLED", "V0"]
#: A queued run's state, lower-cased as the official client returns it.
QueuedRunState = Literal["pending", "leased", "claimed", "failed"]


@dataclass(frozen=True)
class TemplateVariable:
    """A variable of a queue's resource config (``{{name}}`` in the config)."""

    name: str
    description: str | None
    schema: JSONValue
    """Its JSON schema (type, bounds, allowed values)."""


@dataclass(frozen=True)
class QueueItemError:
    """Why a queued run failed, or what a launch agent warned about it."""

    message: str
    stage: str
    """Where: ``agent``, ``build``, ``run``, ..."""
    file_paths: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RunQueueData:
    """A launch run queue (in its entity's ``model-registry`` project)."""

    id: str
    name: str
    entity: str
    access: RunQueueAccessType
    prioritization_mode: RunQueuePrioritizationMode | None
    created_by: int | None
    """Id of the user who created the queue."""
    created_at: datetime
    updated_at: datetime
    external_links: dict[str, str]
    """Links shown with the queue in the app: label -> URL."""
    default_resource_config_id: str | None
    type: RunQueueResourceType | None
    """The resource the queue's jobs run on (``None``: no default resource config)."""
    default_resource_config: JSONObject
    """The resource config every item starts from (``{}``: none)."""
    template_variables: tuple[TemplateVariable, ...]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunQueueData) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.entity}/{self.name}>"


def check_queue_name(name: object) -> str:
    """A queue name: 1-64 characters, the shared name rule."""
    text = check_name(name, "queue name")
    if len(text) > 64:
        raise InputError(f"queue name must be at most 64 characters, got {len(text)}")
    return text


def check_resource_type(value: object) -> RunQueueResourceType:
    """One of :data:`RunQueueResourceType`."""
    allowed = get_args(RunQueueResourceType)
    if value not in allowed:
        raise InputError(f"type must be one of {', '.join(allowed)}; got {value!r}")
    return cast("RunQueueResourceType", value)


def check_prioritization_mode(
    value: object, allowed: tuple[str, ...] = ("DISABLED", "V0")
) -> RunQueuePrioritizationMode | None:
    """``None`` or one of ``allowed`` (case aside, as the official client accepts)."""
    if value is None:
        return None
    mode = value.upper() if isinstance(value, str) else value
    if mode not in allowed:
        raise InputError(
            f"prioritization_mode must be {' or '.join(map(repr, allowed))} (or None); "
            f"got {value!r}"
        )
    return cast("RunQueuePrioritizationMode", mode)


def encode_json(value: object, what: str) -> str:
    """A mapping as the JSON text the official client sends (``json.dumps``'s default
    separators, so the payloads are equal); :class:`InputError` if it is not JSON."""
    if not isinstance(value, Mapping):
        raise InputError(f"{what} must be a dict, got {type(value).__name__}")
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} is not JSON-serializable: {exc}") from None


def item_state(state: str) -> QueuedRunState | str:
    """A run queue item's state as the official client shows it (lower case)."""
    return state.lower()


class _ErrorLike(Protocol):
    @property
    def message(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def file_paths(self) -> list[str] | None: ...


def item_error(e: _ErrorLike) -> QueueItemError:
    """A :class:`QueueItemError` from a generated ``error``/``warnings`` model."""
    return QueueItemError(e.message, e.stage, tuple(e.file_paths or ()))


class PollPlan:
    """When a waiting method asks again: every ``interval`` seconds, until ``timeout``
    seconds have passed (``None``: no limit). The caller sleeps :meth:`next_delay`
    seconds between checks; ``None`` means the time is up."""

    def __init__(self, timeout: float | None, interval: float, *, what: str) -> None:
        for value, name in ((timeout, "timeout"), (interval, "poll_interval")):
            if value is None and name == "timeout":
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value < 0
            ):
                raise InputError(f"{name} must be a number of seconds >= 0, got {value!r}")
        self.timeout: float | None = None if timeout is None else float(timeout)
        self.interval: float = float(interval)
        self.what: str = what
        self._deadline: float | None = (
            None if timeout is None else time.monotonic() + float(timeout)
        )

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next check, or ``None`` when ``timeout`` has passed."""
        if self._deadline is None:
            return self.interval
        left = self._deadline - time.monotonic()
        if left <= 0:
            return None
        return min(self.interval, left)
