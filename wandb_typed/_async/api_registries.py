"""The registries, automations and integrations members of :class:`~wandb_typed.AsyncApi`.

:class:`AsyncApiRegistries` is a base class of ``AsyncApi`` (kept here so ``api.py``
stays the core list; not exported: users meet its methods on the Api). Each method
only checks and delegates to its resource module, with the Api's ``_session``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from typing_extensions import Unpack

import wandb_typed.automations

from .._core.integrations import Integration, SlackIntegration, WebhookIntegration
from .._core.registries import Visibility
from . import integrations as _integrations
from . import registries as _registries
from .paging import AsyncSizedPaginator
from .registries import AsyncRegistries, AsyncRegistry
from .session import AsyncSession

__all__ = ["AsyncApiRegistries"]


class AsyncApiRegistries:
    """``AsyncApi``'s registries, automations and integrations."""

    _session: AsyncSession

    def registries(
        self,
        organization: str | None = None,
        filter: Mapping[str, object] | None = None,
        order: str | None = None,
        per_page: int = 100,
        start: str | None = None,
    ) -> AsyncRegistries:
        """The lazy collection of an organization's registries (default: the configured
        organization, else the default entity's); ``.collections()`` and ``.versions()``
        search inside them.

        Args:
            organization: the organization.
            filter: a MongoDB-style filter on ``id``, ``name`` (without the
                ``wandb-registry-`` prefix), ``entity_id``, ``description``,
                ``created_at``, ``updated_at``.
            order: ``[+-]name``, ``created_at`` or ``updated_at``.
            per_page: registries per request (1-1000).
            start: the cursor to start after (a page's ``end_cursor``).

        Raises:
            InputError: an unknown filter field or order, naming the allowed ones
                (before any request).
        """
        return AsyncRegistries(self._session, organization, filter, order, per_page, start)

    async def registry(self, name: str, organization: str | None = None) -> AsyncRegistry:
        """The registry ``name`` (without the ``wandb-registry-`` prefix).

        Raises:
            NotFoundError: no such registry (or not visible to this key).
        """
        return await _registries.fetch_registry(self._session, name, organization)

    async def create_registry(
        self,
        name: str,
        visibility: Visibility,
        organization: str | None = None,
        description: str | None = None,
        artifact_types: Sequence[str] | None = None,
    ) -> AsyncRegistry:
        """Create a registry: ``visibility`` ``organization`` (every member of the
        organization may see it) or ``restricted`` (its members only);
        ``artifact_types`` it accepts (``None``: every type; types can be added later,
        never removed).

        Raises:
            ConflictError: a registry of that name exists.
        """
        return await _registries.create_registry(
            self._session, name, visibility, organization, description, artifact_types
        )

    async def automation(
        self, name: str, entity: str | None = None
    ) -> wandb_typed.automations.Automation:
        """The one automation named ``name`` (of ``entity``; default: every entity the
        key sees).

        Raises:
            ValueError: none (``AutomationNotFoundError``) or several (``InputError``)
                match.
        """
        from .automations import fetch_automation

        return await fetch_automation(self._session, name, entity)

    def automations(
        self, entity: str | None = None, name: str | None = None, per_page: int = 50
    ) -> AsyncSizedPaginator[wandb_typed.automations.Automation]:
        """The lazy collection of an entity's automations (``name``: only those so
        named); with no entity, every automation the key can see."""
        from .automations import list_automations

        return list_automations(self._session, entity, name, per_page)

    async def create_automation(
        self,
        obj: wandb_typed.automations.NewAutomation,
        fetch_existing: bool = False,
        **kwargs: Unpack[wandb_typed.automations.WriteAutomationsKwargs],
    ) -> wandb_typed.automations.Automation:
        """Create ``obj`` (``event >> action``); ``kwargs`` (``name``, ``description``,
        ``enabled``, ``scope``, ``event``, ``action``) override its fields.

        Raises:
            InputError: no name, or a bad field (before any request).
            ConflictError: an automation of that name exists (unless
                ``fetch_existing``, which returns it).
        """
        from .automations import create_automation

        return await create_automation(self._session, obj, fetch_existing, kwargs)

    async def update_automation(
        self,
        obj: wandb_typed.automations.Automation,
        create_missing: bool = False,
        **kwargs: Unpack[wandb_typed.automations.WriteAutomationsKwargs],
    ) -> wandb_typed.automations.Automation:
        """Save an automation's edits (``kwargs`` override its fields).

        Raises:
            NotFoundError: it no longer exists (unless ``create_missing``, which
                creates it).
        """
        from .automations import update_automation

        return await update_automation(self._session, obj, create_missing, kwargs)

    async def delete_automation(
        self, obj: wandb_typed.automations.Automation | str
    ) -> Literal[True]:
        """Delete an automation (the object or its id)."""
        from .automations import delete_automation

        return await delete_automation(self._session, obj)

    def integrations(
        self, entity: str | None = None, per_page: int = 50
    ) -> AsyncSizedPaginator[Integration]:
        """The lazy collection of an entity's Slack and webhook integrations (default:
        the configured entity, else the viewer's)."""
        return _integrations.list_integrations(self._session, entity, per_page)

    def slack_integrations(
        self, entity: str | None = None, per_page: int = 50
    ) -> AsyncSizedPaginator[SlackIntegration]:
        """The lazy collection of an entity's Slack integrations."""
        return _integrations.list_slack_integrations(self._session, entity, per_page)

    def webhook_integrations(
        self, entity: str | None = None, per_page: int = 50
    ) -> AsyncSizedPaginator[WebhookIntegration]:
        """The lazy collection of an entity's webhook integrations."""
        return _integrations.list_webhook_integrations(self._session, entity, per_page)
