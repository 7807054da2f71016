"""Parity of registries and integrations: the official client's ``registries()``,
``registry()`` (its collections, versions and members) and ``integrations()`` against
ours, on the same server."""

from __future__ import annotations

from typing import Any

import pytest

import wandb_typed

from .conftest import ENTITY, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]


def official_registry(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "full_name": r.full_name,
        "organization": r.organization,
        "entity": r.entity,
        "description": r.description,
        "visibility": r.visibility,
        "allow_all_artifact_types": r.allow_all_artifact_types,
        "artifact_types": list(r.artifact_types),
        "created_at": str(r.created_at).replace("T", " ")[:19],
    }


def our_registry(r: wandb_typed.Registry) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "full_name": r.full_name,
        "organization": r.organization,
        "entity": r.entity,
        "description": r.description,
        "visibility": r.visibility,
        "allow_all_artifact_types": r.allow_all_artifact_types,
        "artifact_types": list(r.artifact_types),
        "created_at": r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _version(a: Any) -> tuple[str, str, list[str]]:
    return (a.name, a.version, sorted(a.aliases))


@pytest.mark.parametrize(
    "filters", [None, {"name": {"$regex": "mod"}}, {"name": "dataset"}, {"description": "x"}]
)
def test_registries(world: World, filters: dict[str, Any] | None) -> None:
    org = world.demo.organization
    official = [official_registry(r) for r in world.official.registries(org, filter=filters)]
    ours = [our_registry(r) for r in world.ours.registries(org, filter=filters)]
    assert ours == official
    if filters is None:
        assert [r["name"] for r in ours] == list(world.demo.registries)


def test_the_organization_is_found_alike(world: World) -> None:
    """Neither client is told the organization: both find the default entity's."""
    official = [r.name for r in world.official.registries()]
    assert [r.name for r in world.ours.registries()] == official == list(world.demo.registries)


@pytest.mark.parametrize("name", ["model", "dataset"])
def test_registry_and_its_contents(world: World, name: str) -> None:
    org = world.demo.organization
    official = world.official.registry(name, organization=org)
    ours = world.ours.registry(name, organization=org)
    assert our_registry(ours) == official_registry(official)
    assert [c.name for c in ours.collections()] == [c.name for c in official.collections()]
    assert [_version(v) for v in ours.versions()] == [_version(v) for v in official.versions()]
    official_users = [(m.user.username, m.role) for m in official.user_members()]
    assert [(m.user.username, m.role) for m in ours.user_members()] == official_users
    assert ours.team_members() == [] and official.team_members() == []


def test_search_across_registries(world: World) -> None:
    org = world.demo.organization
    alias = {"alias": world.demo.registry_alias}
    official, ours = world.official.registries(org), world.ours.registries(org)
    assert [c.name for c in ours.collections()] == [c.name for c in official.collections()]
    assert [_version(v) for v in ours.versions(filter=alias)] == [
        _version(v) for v in official.versions(filter=alias)
    ]
    assert [_version(v) for v in ours.versions()] == [_version(v) for v in official.versions()]


def test_registry_paths_read_alike(world: World) -> None:
    demo = world.demo
    path = (
        f"{demo.organization}/wandb-registry-{demo.registry}/"
        f"{demo.registry_collection}:{demo.registry_alias}"
    )
    official, ours = world.official.artifact(path), world.ours.artifact(path)
    assert (ours.id, ours.version, sorted(ours.aliases)) == (
        official.id, official.version, sorted(official.aliases),
    )  # fmt: skip


def test_a_registry_made_by_one_is_read_alike_by_the_other(world: World) -> None:
    org = world.demo.organization
    made = world.ours.create_registry(
        "parity-ours", "restricted", organization=org, description="d", artifact_types=["model"]
    )
    theirs = world.official.create_registry(
        "parity-official", "restricted", organization=org, description="d",
        artifact_types=["model"],
    )  # fmt: skip
    for name in ("parity-ours", "parity-official"):
        official = world.official.registry(name, organization=org)
        ours = world.ours.registry(name, organization=org)
        assert our_registry(ours) == official_registry(official)
    made.description = "changed by ours"
    made.artifact_types.append("dataset")
    made.save()
    theirs.description = "changed by official"
    theirs.artifact_types.append("dataset")
    theirs.save()
    for name in ("parity-ours", "parity-official"):
        official = world.official.registry(name, organization=org)
        ours = world.ours.registry(name, organization=org)
        assert our_registry(ours) == official_registry(official)
        assert list(ours.artifact_types) == ["model", "dataset"]
        ours.delete()


# ---------------------------------------------------------------------- integrations
def _integration(i: Any) -> tuple[str, ...]:
    if getattr(i, "team_name", None) is not None:
        return ("slack", i.id, i.team_name, i.channel_name)
    return ("webhook", i.id, i.name, i.url_endpoint)


def test_integrations(world: World) -> None:
    official = [_integration(i) for i in world.official.integrations(entity=ENTITY)]
    assert [_integration(i) for i in world.ours.integrations(ENTITY)] == official
    assert [i[0] for i in official] == ["slack", "webhook"]
    slack = [_integration(i) for i in world.official.slack_integrations(entity=ENTITY)]
    assert [_integration(i) for i in world.ours.slack_integrations(ENTITY)] == slack
    hooks = [_integration(i) for i in world.official.webhook_integrations(entity=ENTITY)]
    assert [_integration(i) for i in world.ours.webhook_integrations(ENTITY)] == hooks
