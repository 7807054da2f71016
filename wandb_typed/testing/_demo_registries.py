"""Demo registries, integrations and an automation (part of ``seed_demo``;
deterministic, fast).

=========================  ===========================================================
what                       contents
=========================  ===========================================================
organization ``demo-org``  the demo user is its admin; its entity ``demo-org`` holds
                           the registries
registry ``model``         visibility ``organization``, accepts type ``model``;
                           collection ``mnist-classifier`` links ``demo/mnist/mnist-cnn:v2``
                           with the alias ``production``
registry ``dataset``       visibility ``restricted`` (its members only), accepts every
                           type; collection ``mnist-images`` links
                           ``demo/mnist/mnist-train:v0``
integrations of ``demo``   Slack ``demo-workspace`` / ``#ml-alerts``; webhook
                           ``deploy-hook`` (``https://hooks.example.com/deploy``)
automation                 ``deploy-on-production``: when a version is linked into
                           registry ``model`` with the alias ``production``, call
                           ``deploy-hook`` (listed under the entity ``demo-org``)
=========================  ===========================================================
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TypedDict

from ._resolvers._common import gid
from ._store import Store, format_time

__all__ = ["RegistryDemo", "seed_registries"]

ORGANIZATION = "demo-org"
REGISTRY = "model"
COLLECTION = "mnist-classifier"
ALIAS = "production"
RESTRICTED = "dataset"
SLACK_CHANNEL = "#ml-alerts"
WEBHOOK = "deploy-hook"
AUTOMATION = "deploy-on-production"


class RegistryDemo(TypedDict):
    """The :class:`~wandb_typed.testing.DemoInfo` fields :func:`seed_registries` fills."""

    organization: str
    registries: tuple[str, ...]
    registry: str
    registry_collection: str
    registry_alias: str
    registry_types: tuple[str, ...]
    restricted_registry: str
    slack_channel: str
    webhook_integration: str
    automation: str


def _link(store: Store, entity: str, source: str, registry_id: int, collection: str,
          aliases: list[str], when: datetime) -> None:  # fmt: skip
    """Link the version ``source`` (``collection:vN`` in ``entity/mnist``) into a registry."""
    project = store.project(entity, "mnist")
    assert project is not None
    name, _, version = source.partition(":")
    sequence = store.artifacts.collection(int(project["id"]), name)
    assert sequence is not None
    version_row = store.artifacts.membership(int(sequence["id"]), version)
    assert version_row is not None
    row = store.artifacts.link(int(version_row["id"]), registry_id, collection, aliases)
    with store.transaction() as db:  # a fixed link time: the demo is deterministic
        db.execute(
            "UPDATE artifact_memberships SET created_at = ? WHERE id = ?",
            (format_time(when), row["membership_id"]),
        )


def seed_registries(store: Store, entity: str, start: datetime) -> RegistryDemo:
    """Create the organization, registries, integrations and automation above; the
    :class:`~wandb_typed.testing.DemoInfo` fields that describe them."""
    org = store.create_organization(ORGANIZATION, admins=[entity], created_at=start)
    model = store.create_registry(
        ORGANIZATION, REGISTRY, visibility="organization", artifact_types=["model"],
        description="Models ready for production", creator=entity,
        created_at=start + timedelta(days=7),
    )  # fmt: skip
    _link(store, entity, "mnist-cnn:v2", int(model["id"]), COLLECTION, [ALIAS],
          start + timedelta(days=7, hours=1))  # fmt: skip
    dataset = store.create_registry(
        ORGANIZATION, RESTRICTED, visibility="restricted", description="Curated datasets",
        creator=entity, created_at=start + timedelta(days=8),
    )  # fmt: skip
    _link(store, entity, "mnist-train:v0", int(dataset["id"]), "mnist-images", [],
          start + timedelta(days=8, hours=1))  # fmt: skip
    store.create_slack_integration(
        entity, team_name="demo-workspace", channel_name=SLACK_CHANNEL,
        created_at=start + timedelta(days=9),
    )  # fmt: skip
    hook = store.create_webhook_integration(
        entity, name=WEBHOOK, url_endpoint="https://hooks.example.com/deploy",
        created_at=start + timedelta(days=9, minutes=1),
    )  # fmt: skip
    user = store.user_by_name(entity)
    payload = {"event": "${event_type}", "version": "${artifact_version_string}"}
    event_filter = {"$or": [{"$and": [{"alias": {"$eq": ALIAS}}]}]}
    store.create_trigger(
        {
            "entity_id": org["entity_id"],
            "name": AUTOMATION,
            "description": "Deploy what is linked as production",
            "enabled": 1,
            "scope_type": "PROJECT",
            "scope_id": model["id"],
            "event_type": "LINK_MODEL",
            "event_filter": json.dumps(event_filter, separators=(",", ":")),
            "action_type": "GENERIC_WEBHOOK",
            "action_input": json.dumps(
                {
                    "integrationID": gid("Integration", int(hook["id"])),
                    "requestPayload": json.dumps(payload, separators=(",", ":")),
                }
            ),
            "integration_id": hook["id"],
            "created_by": user["id"] if user else None,
            "created_at": format_time(start + timedelta(days=9, minutes=2)),
        }
    )
    return {
        "organization": ORGANIZATION,
        "registries": (REGISTRY, RESTRICTED),
        "registry": REGISTRY,
        "registry_collection": COLLECTION,
        "registry_alias": ALIAS,
        "registry_types": ("model",),
        "restricted_registry": RESTRICTED,
        "slack_channel": SLACK_CHANNEL,
        "webhook_integration": WEBHOOK,
        "automation": AUTOMATION,
    }
