"""Integrations: the Slack channels and webhook endpoints an entity's automations send
through (``api.integrations()``), one frozen class per kind; ``typename`` (the
server's ``__typename``) tells them apart, for type checkers too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import SlackIntegrationFields, WebhookIntegrationFields

__all__ = ["Integration", "SlackIntegration", "WebhookIntegration", "integration_from"]


@dataclass(frozen=True)
class SlackIntegration:
    """A Slack channel notifications go to (``SendNotification.from_integration``)."""

    id: str
    team_name: str
    """The Slack workspace."""
    channel_name: str
    typename: Literal["SlackIntegration"] = "SlackIntegration"
    """The server's ``__typename``."""


@dataclass(frozen=True)
class WebhookIntegration:
    """A webhook endpoint requests are sent to (``SendWebhook.from_integration``)."""

    id: str
    name: str
    url_endpoint: str
    created_at: datetime | None = None
    secret_ref: str | None = None
    """The name of the team secret that signs requests (never the secret itself)."""
    access_token_ref: str | None = None
    """The name of the team secret sent as a bearer token (never the secret itself)."""
    typename: Literal["GenericWebhookIntegration"] = "GenericWebhookIntegration"
    """The server's ``__typename``."""


#: Either kind of integration (``typename`` tells which).
Integration = SlackIntegration | WebhookIntegration


def integration_from(
    node: SlackIntegrationFields | WebhookIntegrationFields,
) -> Integration:
    """Build from the generated ``SlackIntegrationFields``/``WebhookIntegrationFields``."""
    from _wandb_typed_gql.fragments import SlackIntegrationFields

    if isinstance(node, SlackIntegrationFields):
        return SlackIntegration(
            id=node.id, team_name=node.team_name, channel_name=node.channel_name
        )
    return WebhookIntegration(
        id=node.id,
        name=node.name,
        url_endpoint=node.url_endpoint,
        created_at=node.created_at,
        secret_ref=node.secret_ref,
        access_token_ref=node.access_token_ref,
    )
