"""An entity's integrations: every one (Slack and webhooks, told apart by their
class and ``typename``), or one kind only. Integrations of another kind (GitHub) are
left out, as the official client leaves them out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from .._core.integrations import Integration, SlackIntegration, WebhookIntegration, integration_from
from .._core.paging import Page, check_per_page, page_of
from ..errors import NotFoundError
from ..paths import check_name
from .paging import AsyncSizedPaginator

if TYPE_CHECKING:
    from .session import AsyncSession

__all__ = ["list_integrations", "list_slack_integrations", "list_webhook_integrations"]

T = TypeVar("T")


def _listing(
    session: AsyncSession,
    entity: str | None,
    per_page: int,
    keep: Callable[[Integration], T | None],
    what: str,
) -> AsyncSizedPaginator[T]:
    check_per_page(per_page)
    if entity is not None:
        check_name(entity, "entity name")

    async def fetch(cursor: str | None, first: int) -> Page[T]:
        from _wandb_typed_gql.fragments import SlackIntegrationFields, WebhookIntegrationFields

        name = await session.resolve_entity(entity)
        result = await session.gql.integration_page(entity=name, cursor=cursor, per_page=first)
        if result.entity is None:
            raise NotFoundError.of(f"entity {name}", "IntegrationPage")
        page = page_of(result.entity.integrations, lambda node: node)
        items: list[T] = []
        for node in page.items:
            if isinstance(node, (SlackIntegrationFields, WebhookIntegrationFields)):
                kept = keep(integration_from(node))
                if kept is not None:
                    items.append(kept)
        return Page(tuple(items), page.end_cursor, page.has_next_page)

    shown = f"{what} of {entity or 'the default entity'}"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=shown)


def list_integrations(
    session: AsyncSession, entity: str | None, per_page: int
) -> AsyncSizedPaginator[Integration]:
    """Every Slack and webhook integration of the entity, oldest first."""
    return _listing(session, entity, per_page, lambda i: i, "integrations")


def list_slack_integrations(
    session: AsyncSession, entity: str | None, per_page: int
) -> AsyncSizedPaginator[SlackIntegration]:
    """The entity's Slack integrations, oldest first."""

    def keep(i: Integration) -> SlackIntegration | None:
        return i if isinstance(i, SlackIntegration) else None

    return _listing(session, entity, per_page, keep, "Slack integrations")


def list_webhook_integrations(
    session: AsyncSession, entity: str | None, per_page: int
) -> AsyncSizedPaginator[WebhookIntegration]:
    """The entity's webhook integrations, oldest first."""

    def keep(i: Integration) -> WebhookIntegration | None:
        return i if isinstance(i, WebhookIntegration) else None

    return _listing(session, entity, per_page, keep, "webhook integrations")
