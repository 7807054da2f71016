"""Automations: listing them (an entity's, or every one the key can see), one by
name, and creating, updating and deleting them. The objects and the DSL that builds
new ones live in :mod:`wandb_typed.automations`; the request each write sends is built
there, offline, exactly as the official client builds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol, cast

from .._core.checks import check_optional_str, check_text
from .._core.paging import Page, check_per_page, page_of
from ..automations import (
    Automation,
    AutomationNotFoundError,
    NewAutomation,
    WriteAutomationsKwargs,
)
from ..automations._saved import automation_from
from ..automations._scopes import artifact_event_scope
from ..automations._wire import create_input, update_input
from ..errors import ConflictError, InputError, NotFoundError, ResponseValidationError
from ..paths import check_name
from ..types import JSONObject
from .paging import AsyncSizedPaginator
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import AutomationFields

    from .session import AsyncSession

__all__ = [
    "create_automation",
    "delete_automation",
    "fetch_automation",
    "list_automations",
    "update_automation",
]


def _cursor(index: int, inner: str | None) -> str:
    return f"{index}:{inner or ''}"


def _uncursor(cursor: str | None) -> tuple[int, str | None]:
    if cursor is None:
        return 0, None
    index, _, inner = cursor.partition(":")
    if not index.isdigit():
        raise InputError(f"not a cursor of this listing: {cursor!r}")
    return int(index), inner or None


def list_automations(
    session: AsyncSession, entity: str | None, name: str | None, per_page: int
) -> AsyncSizedPaginator[Automation]:
    """An entity's automations (``name``: only those so named), oldest first; with no
    entity, those of the viewer's entity, teams and organizations, in that order."""
    check_per_page(per_page)
    if entity is not None:
        check_name(entity, "entity")
    check_optional_str(name, "name")
    filters: JSONObject | None = {"name": name} if name is not None else None
    entities: list[str] = []

    async def page_of_entity(owner: str, cursor: str | None, first: int) -> Page[Automation]:
        result = await session.gql.automation_page(
            entity=owner, filters=filters, cursor=cursor, per_page=first
        )
        if result.entity is None:
            raise NotFoundError.of(f"entity {owner}", "AutomationPage")
        return page_of(result.entity.triggers, automation_from)

    async def fetch(cursor: str | None, first: int) -> Page[Automation]:
        if entity is not None:
            return await page_of_entity(entity, cursor, first)
        if not entities:
            entities.extend(await _viewer_entities(session))
        index, inner = _uncursor(cursor)
        while index < len(entities):
            page = await page_of_entity(entities[index], inner, first)
            if page.has_next_page:
                return Page(page.items, _cursor(index, page.end_cursor), True)
            index, inner = index + 1, None
            if page.items or index == len(entities):
                more = index < len(entities)
                return Page(page.items, _cursor(index, None) if more else None, more)
        return Page((), None, False)

    what = f"automations of {entity}" if entity else "automations"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=what, key=lambda a: a.id)


async def _viewer_entities(session: AsyncSession) -> list[str]:
    """The viewer's entity, then its teams, then its organizations' entities."""
    result = await session.gql.automation_entities()
    viewer = result.viewer
    if viewer is None:
        raise InputError("the server returned no viewer for this API key")
    names: list[str] = [viewer.entity] if viewer.entity else []
    if viewer.teams is not None:
        names += [e.node.name for e in viewer.teams.edges if e.node is not None]
    names += [o.org_entity.name for o in viewer.organizations if o.org_entity is not None]
    return list(dict.fromkeys(names))


async def fetch_automation(session: AsyncSession, name: str, entity: str | None) -> Automation:
    """The one automation named ``name`` (of ``entity``, or of any entity the key sees).

    Raises:
        AutomationNotFoundError: none (a ``ValueError``).
        InputError: several (a ``ValueError``): pass ``entity``.
    """
    check_text(name, "name")
    found = await list_automations(session, entity, name, 2).take(2)
    if not found:
        where = f" in entity {entity!r}" if entity else ""
        raise AutomationNotFoundError(
            f"no automation named {name!r}{where} (or none visible to this API key)",
            operation_name="AutomationPage",
        )
    if len(found) > 1:
        raise InputError(f"several automations are named {name!r}; pass entity= to choose")
    return found[0]


async def create_automation(
    session: AsyncSession,
    obj: NewAutomation,
    fetch_existing: bool,
    kwargs: WriteAutomationsKwargs,
) -> Automation:
    """Create an automation; if one of that name exists, return it (``fetch_existing``)
    or raise :class:`ConflictError`."""
    from _wandb_typed_gql.input_types import CreateFilterTriggerInput

    if not isinstance(cast("object", fetch_existing), bool):
        raise InputError(f"fetch_existing must be True or False, got {fetch_existing!r}")
    payload = create_input(obj, **kwargs)
    try:
        result = await session.gql.create_automation(
            input=CreateFilterTriggerInput.model_validate(payload)
        )
    except ConflictError:
        if not fetch_existing:
            raise
        return await fetch_automation(session, str(payload["name"]), _scope_entity(obj, kwargs))
    return _saved(result.result, "CreateAutomation")


def _scope_entity(obj: NewAutomation, kwargs: WriteAutomationsKwargs) -> str | None:
    """The entity of the new automation's scope (where it is listed), if known."""
    if "scope" in kwargs:
        return artifact_event_scope(kwargs["scope"]).entity
    return kwargs.get("event", obj.event).scope.entity


class _TriggerPayload(Protocol):
    @property
    def trigger(self) -> AutomationFields | None: ...


def _saved(result: _TriggerPayload | None, operation: str) -> Automation:
    trigger = result.trigger if result is not None else None
    if trigger is None:
        raise ResponseValidationError(f"{operation}: no automation in the answer")
    return automation_from(trigger)


async def update_automation(
    session: AsyncSession,
    obj: Automation,
    create_missing: bool,
    kwargs: WriteAutomationsKwargs,
) -> Automation:
    """Save an automation's edits (and ``kwargs``); a missing one is created with
    ``create_missing``, else :class:`NotFoundError`."""
    from _wandb_typed_gql.input_types import CreateFilterTriggerInput, UpdateFilterTriggerInput

    if not isinstance(cast("object", create_missing), bool):
        raise InputError(f"create_missing must be True or False, got {create_missing!r}")
    payload = update_input(obj, **kwargs)
    try:
        result = await session.gql.update_automation(
            input=UpdateFilterTriggerInput.model_validate(payload)
        )
    except NotFoundError:
        if not create_missing:
            raise
        create = {k: v for k, v in payload.items() if k != "id"}
        created = await session.gql.create_automation(
            input=CreateFilterTriggerInput.model_validate(create)
        )
        return _saved(created.result, "CreateAutomation")
    return _saved(result.result, "UpdateAutomation")


async def delete_automation(session: AsyncSession, obj: Automation | str) -> Literal[True]:
    """Delete an automation (the object or its id)."""
    automation_id = obj.id if isinstance(obj, Automation) else check_text(obj, "automation id")

    async def delete() -> None:
        result = await session.gql.delete_automation(id=automation_id)
        if not result.result.success:
            raise ResponseValidationError(
                "DeleteAutomation: the server did not report success",
                operation_name="DeleteAutomation",
            )

    await delete_once(delete, f"automation {automation_id}")
    return True
