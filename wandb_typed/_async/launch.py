"""Launch: run queues (create, upsert, fetch, list items, delete) and queued runs
(fetch, wait until running or finished, delete).

A queue lives in its entity's ``model-registry`` project, as with the official
client. Waiting methods poll every ``poll_interval`` seconds until ``timeout``
(:class:`~wandb_typed._core.launch.PollPlan`), sleep without blocking an event
loop, and stop at once when cancelled (a task's cancellation, Ctrl-C).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from .._core.checks import check_int, check_optional_str, check_text
from .._core.launch import (
    LAUNCH_PROJECT,
    PollPlan,
    QueueItemError,
    RunQueueAccessType,
    RunQueueData,
    RunQueuePrioritizationMode,
    RunQueueResourceType,
    TemplateVariable,
    check_prioritization_mode,
    check_queue_name,
    check_resource_type,
    encode_json,
    item_error,
)
from ..errors import (
    InputError,
    LaunchError,
    NotFoundError,
    ResponseValidationError,
    WaitTimeoutError,
)
from ..paths import check_name
from ..types import JSONObject, JSONValue, as_object
from ._mode import sleep
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import RunQueueFields
    from _wandb_typed_gql.run_queue_item_by_id import (
        RunQueueItemByIdProjectRunQueueRunQueueItem,
    )
    from _wandb_typed_gql.run_queue_items import (
        RunQueueItemsProjectRunQueueRunQueueItemsEdgesNode,
    )

    from .runs import AsyncRun
    from .session import AsyncSession

    ItemFields = (
        RunQueueItemByIdProjectRunQueueRunQueueItem
        | RunQueueItemsProjectRunQueueRunQueueItemsEdgesNode
    )

__all__ = [
    "AsyncQueuedRun",
    "job_run_spec",
    "AsyncRunQueue",
    "create_run_queue",
    "fetch_queued_run",
    "fetch_run_queue",
    "push_to_queue",
    "upsert_run_queue",
]

#: Seconds between two checks of a waiting method, unless ``poll_interval=`` says otherwise.
DEFAULT_POLL_INTERVAL = 5.0


@dataclass(frozen=True, eq=False, repr=False)
class AsyncRunQueue(RunQueueData):
    """A launch run queue, fetched with its default resource config."""

    _session: AsyncSession = field(compare=False)

    @property
    def items(self) -> Awaitable[list[AsyncQueuedRun]]:
        """The queue's first 100 items, oldest first (fetched on each use, as the
        official client reads them)."""
        return list_items(self._session, self)

    async def reload(self) -> AsyncRunQueue:
        """The queue as the server has it now."""
        return await fetch_run_queue(self._session, self.entity, self.name)

    async def delete(self) -> None:
        """Delete the queue (members of its entity only)."""
        gql, what = self._session.gql, f"run queue {self.entity}/{self.name}"
        result = await delete_once(lambda: gql.delete_run_queue(id=self.id), what)
        if result is not None and not (
            result.delete_run_queues and result.delete_run_queues.success
        ):
            raise ResponseValidationError(
                f"the server did not delete {what}", operation_name="DeleteRunQueue"
            )


class AsyncQueuedRun:
    """An item of a run queue: a job waiting to run, or the run it started.

    Its attributes are as last fetched: :meth:`reload` fetches them anew, and the
    waiting methods refresh them on every check.
    """

    entity: str
    project: str
    """The project the run is logged to."""
    queue_name: str
    project_queue: str
    """The project that holds the queue (``model-registry``)."""
    id: str
    """The item's id (``run_queue_item_id``)."""
    state: str
    """``pending``, ``leased``, ``claimed`` or ``failed`` (lower case, as the
    official client shows it)."""
    associated_run_id: str | None
    """The id of the run the item started, once claimed."""
    created_at: datetime
    updated_at: datetime
    run_spec: JSONObject
    """The launch spec the item was enqueued with."""
    priority: int | None
    template_variable_values: JSONObject
    error: QueueItemError | None
    """Why the item failed, if it did."""
    warnings: tuple[QueueItemError, ...]

    def __init__(
        self,
        session: AsyncSession,
        entity: str,
        project: str,
        queue_name: str,
        project_queue: str,
        fields: ItemFields,
    ) -> None:
        self._session = session
        self._run: AsyncRun | None = None
        self.entity = entity
        self.project = project
        self.queue_name = queue_name
        self.project_queue = project_queue
        self._apply(fields)

    def _apply(self, f: ItemFields) -> None:
        what = f"run queue item {f.id}"
        self.id = f.id
        self.state = f.state.lower()
        self.associated_run_id = f.associated_run_id
        self.created_at = f.created_at
        self.updated_at = f.updated_at
        self.run_spec = as_object(f.run_spec, f"{what}: runSpec")
        self.priority = f.priority
        self.template_variable_values = as_object(
            f.template_variable_values, f"{what}: templateVariableValues"
        )
        self.error = item_error(f.error) if f.error is not None else None
        self.warnings = tuple(item_error(w) for w in f.warnings)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.queue_name} ({self.id}, {self.state})>"

    async def reload(self) -> None:
        """Fetch the item's state (and everything else) again."""
        self._apply(await _item_fields(self._session, self))

    async def wait_until_running(
        self, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> AsyncRun:
        """Wait until the item has started its run, and return the run.

        Checks every ``poll_interval`` seconds, at most ``timeout`` seconds (``None``:
        no limit). Cancelling the task (or Ctrl-C) stops the wait at once.

        Raises:
            WaitTimeoutError: ``timeout`` passed first (``timeout=0`` checks once).
            LaunchError: the item failed (``error`` says why).
        """
        plan = PollPlan(timeout, poll_interval, what=f"queued run {self.id}")
        return await self._until_running(plan)

    async def _until_running(self, plan: PollPlan) -> AsyncRun:
        from .runs import fetch_run

        while self._run is None:
            await self.reload()
            if self.associated_run_id is not None:
                try:
                    self._run = await fetch_run(
                        self._session, f"{self.entity}/{self.project}/{self.associated_run_id}"
                    )
                    break
                except NotFoundError:
                    pass  # claimed, but the agent has not created the run yet
            elif self.state == "failed":
                reason = f": {self.error.message}" if self.error is not None else ""
                raise LaunchError(
                    f"queued run {self.id} on {self.entity}/{self.queue_name} failed{reason}",
                    error=self.error,
                )
            delay = plan.next_delay()
            if delay is None:
                raise WaitTimeoutError(
                    f"queued run {self.id} on {self.entity}/{self.queue_name} did not start "
                    f"within {plan.timeout:g} s (state {self.state})",
                    state=self.state,
                )
            await sleep(delay)
        return self._run

    async def wait_until_finished(
        self, timeout: float | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL
    ) -> AsyncRun:
        """Wait until the item's run has finished (finished, failed, crashed or
        killed), and return the run, fetched again. ``timeout`` bounds the whole
        wait, starting the run included.

        Raises:
            WaitTimeoutError: ``timeout`` passed first.
            LaunchError: the item failed before starting a run.
        """
        plan = PollPlan(timeout, poll_interval, what=f"queued run {self.id}")
        run = await self._until_running(plan)
        from .run_members import wait_for_run

        await wait_for_run(self._session, run, plan)
        return run

    async def delete(self, delete_artifacts: bool = False) -> None:
        """Take the item off its queue (``delete_artifacts`` is accepted for the
        official signature and ignored, as there)."""
        queue = await fetch_run_queue(
            self._session, self.entity, self.queue_name, project=self.project_queue
        )
        gql, what = self._session.gql, f"queued run {self.id}"
        result = await delete_once(
            lambda: gql.delete_from_run_queue(queue_id=queue.id, run_queue_item_id=self.id), what
        )
        if result is not None and not (
            result.delete_from_run_queue and result.delete_from_run_queue.success
        ):
            raise ResponseValidationError(
                f"the server did not delete {what}", operation_name="DeleteFromRunQueue"
            )


# -- building ------------------------------------------------------------------------


def _external_links(value: JSONValue | None) -> dict[str, str]:
    """``{"links": [{"label", "url"}]}`` (as written) or a plain mapping -> label: URL."""
    if isinstance(value, dict):
        links = value.get("links")
        if isinstance(links, list):
            out: dict[str, str] = {}
            for link in links:
                if isinstance(link, dict):
                    label, url = link.get("label"), link.get("url")
                    if isinstance(label, str) and isinstance(url, str):
                        out[label] = url
            return out
        return {k: v for k, v in value.items() if isinstance(v, str)}
    return {}


def queue_from(session: AsyncSession, entity: str, f: RunQueueFields) -> AsyncRunQueue:
    """Build from the generated ``RunQueueFields`` fragment."""
    config = f.default_resource_config
    access = cast("RunQueueAccessType", f.access.value.lower())
    mode = f.prioritization_mode
    return AsyncRunQueue(
        id=f.id, name=f.name, entity=f.entity_name or entity, access=access,
        prioritization_mode=mode.value if mode else None,
        created_by=f.created_by, created_at=f.created_at, updated_at=f.updated_at,
        external_links=_external_links(f.external_links),
        default_resource_config_id=f.default_resource_config_id,
        type=cast("RunQueueResourceType", config.resource) if config else None,
        default_resource_config=(
            as_object(config.config, f"run queue {f.name}: config") if config else {}
        ),
        template_variables=tuple(
            TemplateVariable(v.name, v.description, v.schema_)
            for v in (config.template_variables if config else [])
        ),
        _session=session,
    )  # fmt: skip


# -- module functions used by AsyncApi ------------------------------------------------


async def fetch_run_queue(
    session: AsyncSession, entity: str, name: str, *, project: str = LAUNCH_PROJECT
) -> AsyncRunQueue:
    """One queue by entity and name; :class:`NotFoundError` if there is none."""
    entity = check_name(entity, "entity")
    name = check_queue_name(name)
    result = await session.gql.run_queue_by_name(entity=entity, project=project, name=name)
    if result.project is None or result.project.run_queue is None:
        raise NotFoundError.of(f"run queue {entity}/{name}", "RunQueueByName")
    return queue_from(session, entity, result.project.run_queue)


async def list_items(session: AsyncSession, queue: AsyncRunQueue) -> list[AsyncQueuedRun]:
    """The queue's first 100 items (each knows its run's project from its launch spec)."""
    result = await session.gql.run_queue_items(
        entity=queue.entity, project=LAUNCH_PROJECT, name=queue.name
    )
    if result.project is None or result.project.run_queue is None:
        raise NotFoundError.of(f"run queue {queue.entity}/{queue.name}", "RunQueueItems")
    return [
        AsyncQueuedRun(
            session,
            queue.entity,
            _run_project(edge.node.run_spec),
            queue.name,
            LAUNCH_PROJECT,
            edge.node,
        )
        for edge in result.project.run_queue.run_queue_items.edges
    ]


def _run_project(run_spec: JSONValue | None) -> str:
    """The project an item's run is logged to: its launch spec's ``project`` (the
    official client assumes ``model-registry``, where the run is never found)."""
    project = run_spec.get("project") if isinstance(run_spec, dict) else None
    return project if isinstance(project, str) and project else LAUNCH_PROJECT


async def _item_fields(session: AsyncSession, item: AsyncQueuedRun) -> ItemFields:
    result = await session.gql.run_queue_item_by_id(
        entity=item.entity, project=item.project_queue, name=item.queue_name, item_id=item.id
    )
    queue = result.project.run_queue if result.project is not None else None
    if queue is None or queue.run_queue_item is None:
        raise NotFoundError.of(
            f"queued run {item.id} on {item.entity}/{item.queue_name}", "RunQueueItemById"
        )
    return queue.run_queue_item


async def fetch_queued_run(
    session: AsyncSession,
    entity: str,
    project: str,
    queue_name: str,
    run_queue_item_id: str,
    project_queue: str | None,
) -> AsyncQueuedRun:
    """One queue item; :class:`NotFoundError` if the queue or the item is missing."""
    entity = check_name(entity, "entity")
    project = check_name(project, "project")
    queue_name = check_queue_name(queue_name)
    holder = check_name(project_queue, "project_queue") if project_queue else LAUNCH_PROJECT
    check_text(run_queue_item_id, "run_queue_item_id")
    result = await session.gql.run_queue_item_by_id(
        entity=entity, project=holder, name=queue_name, item_id=run_queue_item_id
    )
    queue = result.project.run_queue if result.project is not None else None
    if queue is None or queue.run_queue_item is None:
        raise NotFoundError.of(
            f"queued run {run_queue_item_id} on {entity}/{queue_name}", "RunQueueItemById"
        )
    return AsyncQueuedRun(session, entity, project, queue_name, holder, queue.run_queue_item)


async def create_run_queue(
    session: AsyncSession,
    name: str,
    type: RunQueueResourceType,
    entity: str | None,
    prioritization_mode: RunQueuePrioritizationMode | None,
    config: Mapping[str, object] | None,
    template_variables: Mapping[str, object] | None,
) -> AsyncRunQueue:
    """Create a queue (and the entity's ``model-registry`` project and the queue's
    default resource config), as the official client does; returns it fetched."""
    from _wandb_typed_gql.enums import RunQueueAccessType as Access
    from _wandb_typed_gql.enums import RunQueuePrioritizationMode as Mode

    from .projects import upsert_project

    name = check_queue_name(name)
    resource = check_resource_type(type)
    mode = check_prioritization_mode(prioritization_mode, ("V0",))
    config_json = encode_json({"resource_args": {resource: dict(config or {})}}, "config")
    variables_json = (
        encode_json(template_variables, "template_variables") if template_variables else "{}"
    )
    ent = await session.resolve_entity(entity)
    await upsert_project(session, LAUNCH_PROJECT, ent, None)
    made = await session.gql.create_default_resource_config(
        entity_name=ent, resource=resource, config=config_json, template_variables=variables_json
    )
    payload = made.create_default_resource_config
    if payload is None or not payload.success or payload.default_resource_config_id is None:
        raise ResponseValidationError(
            f"the server made no resource config for run queue {ent}/{name}",
            operation_name="CreateDefaultResourceConfig",
        )
    created = await session.gql.create_run_queue(
        entity=ent, project=LAUNCH_PROJECT, queue_name=name, access=Access.PROJECT,
        prioritization_mode=Mode(mode) if mode else None,
        default_resource_config_id=payload.default_resource_config_id,
    )  # fmt: skip
    if created.create_run_queue is None or not created.create_run_queue.success:
        raise ResponseValidationError(
            f"the server did not create run queue {ent}/{name}", operation_name="CreateRunQueue"
        )
    return await fetch_run_queue(session, ent, name)


async def upsert_run_queue(
    session: AsyncSession,
    name: str,
    resource_config: Mapping[str, object],
    resource_type: RunQueueResourceType,
    entity: str | None,
    template_variables: Mapping[str, object] | None,
    external_links: Mapping[str, str] | None,
    prioritization_mode: RunQueuePrioritizationMode | None,
) -> AsyncRunQueue:
    """Create the queue or replace its resource config, template variables, links
    and prioritization (the official ``upsert_run_queue`` request); returns it."""
    from _wandb_typed_gql.enums import RunQueuePrioritizationMode as Mode

    from .projects import upsert_project

    name = check_queue_name(name)
    resource = check_resource_type(resource_type)
    mode = check_prioritization_mode(prioritization_mode) or "DISABLED"
    config_json = encode_json(
        {"resource_args": {resource: dict(_mapping(resource_config, "resource_config"))}},
        "resource_config",
    )
    links = {
        "links": [
            {"label": label, "url": _link(label, url)}
            for label, url in _mapping(external_links or {}, "external_links").items()
        ]
    }
    ent = await session.resolve_entity(entity)
    await upsert_project(session, LAUNCH_PROJECT, ent, None)
    result = await session.gql.upsert_run_queue(
        entity_name=ent, project_name=LAUNCH_PROJECT, queue_name=name, resource_type=resource,
        resource_config=config_json,
        template_variables=(
            encode_json(template_variables, "template_variables") if template_variables else None
        ),
        prioritization_mode=Mode(mode), external_links=encode_json(links, "external_links"),
    )  # fmt: skip
    if result.upsert_run_queue is None or not result.upsert_run_queue.success:
        raise ResponseValidationError(
            f"the server did not upsert run queue {ent}/{name}", operation_name="UpsertRunQueue"
        )
    return await fetch_run_queue(session, ent, name)


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(f"{what} must be a dict, got {type(value).__name__}")
    return cast("Mapping[str, Any]", value)


def _link(label: object, url: object) -> str:
    if not isinstance(label, str) or not isinstance(url, str):
        raise InputError(f"external_links must map labels to URLs, got {label!r}: {url!r}")
    return url


def job_run_spec(
    job: str,
    entity: str,
    project: str,
    config: Mapping[str, object],
    resource: str,
    resource_args: Mapping[str, object] | None,
) -> JSONObject:
    """The launch spec ``Job.call`` enqueues, as the official ``launch_add`` builds it
    (without resource args when none are given)."""
    overrides = encode_json(config, "config")
    spec: JSONObject = {
        "job": job, "entity": entity, "project": project, "docker": {}, "resource": resource,
        "git": {}, "overrides": {"run_config": json.loads(overrides)},
    }  # fmt: skip
    if resource_args:
        spec["resource_args"] = json.loads(encode_json(resource_args, "resource_args"))
    return spec


async def push_to_queue(
    session: AsyncSession,
    entity: str,
    queue_name: str,
    project: str,
    run_spec: JSONObject,
    priority: int | None,
    template_variables: Mapping[str, object] | None,
    project_queue: str | None,
) -> AsyncQueuedRun:
    """Enqueue a launch spec on a queue (``pushToRunQueueByName``); returns the item."""
    queue_name = check_queue_name(queue_name)
    if priority is not None:
        check_int(priority, "priority", 0, 4)
    holder = check_name(project_queue, "project_queue") if project_queue else LAUNCH_PROJECT
    check_optional_str(project_queue, "project_queue")
    result = await session.gql.push_to_run_queue_by_name(
        entity_name=entity, project_name=holder, queue_name=queue_name,
        run_spec=encode_json(run_spec, "run spec"), priority=priority,
        template_variable_values=(
            encode_json(template_variables, "template_variables") if template_variables else None
        ),
    )  # fmt: skip
    payload = result.push_to_run_queue_by_name
    if payload is None:
        raise ResponseValidationError(
            f"the server did not enqueue on {entity}/{queue_name}",
            operation_name="PushToRunQueueByName",
        )
    return await fetch_queued_run(
        session, entity, project, queue_name, payload.run_queue_item_id, holder
    )
