"""Registries over real HTTP against LocalServer: listing and searching an
organization's registries, one registry, creating, editing and deleting them, their
members and roles, and what a second and third user may see and do."""

from __future__ import annotations

import pytest

from wandb_typed import (
    ArtifactTypes,
    AsyncApi,
    AsyncArtifact,
    AsyncArtifactCollection,
    AsyncRegistry,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    TeamMember,
    UnsupportedServerFeatureError,
    UsageError,
    UserMember,
)
from wandb_typed.testing import DemoInfo, LocalServer

from ..registry_support import seed_org
from ..support import make_async_api

pytestmark = pytest.mark.anyio


# ---------------------------------------------------------------------- reads (demo)
async def test_registries_of_the_demo_organization(api: AsyncApi, demo: DemoInfo) -> None:
    registries = api.registries()
    found = [r async for r in registries]
    assert [r.name for r in found] == list(demo.registries)
    assert await registries.count() == len(demo.registries)
    model = found[0]
    assert isinstance(model, AsyncRegistry)
    assert (model.organization, model.entity) == (demo.organization, demo.organization)
    assert model.full_name == f"wandb-registry-{demo.registry}"
    assert model.visibility == "organization"
    assert list(model.artifact_types) == list(demo.registry_types)
    assert model.allow_all_artifact_types is False
    assert model.path == f"{demo.organization}/wandb-registry-{demo.registry}"
    restricted = found[1]
    assert (restricted.name, restricted.visibility) == (demo.restricted_registry, "restricted")
    assert restricted.allow_all_artifact_types is True


async def test_one_registry_and_the_organization_it_defaults_to(
    api: AsyncApi, demo: DemoInfo, demo_server: LocalServer
) -> None:
    registry = await api.registry(demo.registry)
    assert registry == await api.registry(demo.registry, organization=demo.organization)
    assert registry.description
    assert registry.created_at.tzinfo is not None
    # the default entity's organization was looked up once per call (nothing configured)
    demo_server.requests.clear()
    async with make_async_api(demo_server, overrides={"organization": demo.organization}) as o:
        assert (await o.registry(demo.registry)).id == registry.id
    assert [r.operation_name for r in demo_server.requests] == ["RegistryPage"]


async def test_missing_registry_and_bad_names(
    api: AsyncApi, demo: DemoInfo, demo_server: LocalServer
) -> None:
    with pytest.raises(NotFoundError, match="registry 'nope'"):
        await api.registry("nope")
    demo_server.requests.clear()
    with pytest.raises(InputError, match="prefix"):
        await api.registry(f"wandb-registry-{demo.registry}")
    with pytest.raises(InputError):
        await api.registry("a/b")
    with pytest.raises(InputError):
        await api.registry(demo.registry, organization="bad/org")
    assert demo_server.requests == []


async def test_registry_filters_orders_and_their_checks(
    api: AsyncApi, demo: DemoInfo, demo_server: LocalServer
) -> None:
    by_name = [r.name async for r in api.registries(filter={"name": demo.registry})]
    assert by_name == [demo.registry]  # the wandb-registry- prefix is added
    regex = [r.name async for r in api.registries(filter={"name": {"$regex": "data"}})]
    assert regex == [demo.restricted_registry]
    newest = [r.name async for r in api.registries(order="-created_at")]
    assert newest == list(reversed(demo.registries))
    demo_server.requests.clear()
    with pytest.raises(InputError, match="allows created_at, description, entity_id, id, name"):
        api.registries(filter={"visibility": "restricted"})
    with pytest.raises(InputError, match="cannot order registry"):
        api.registries(order="-size")
    with pytest.raises(InputError):
        api.registries(per_page=0)
    with pytest.raises(InputError, match="unknown field 'size'"):
        api.registries().collections(filter={"size": 1})
    with pytest.raises(InputError, match="unknown field 'bogus'"):
        api.registries().versions(filter={"bogus": 1})
    assert demo_server.requests == []


async def test_collections_and_versions_across_registries(api: AsyncApi, demo: DemoInfo) -> None:
    collections = [c async for c in api.registries().collections()]
    assert demo.registry_collection in [c.name for c in collections]
    assert all(isinstance(c, AsyncArtifactCollection) for c in collections)
    only = api.registries(filter={"name": demo.registry}).collections()
    assert [c.name async for c in only] == [demo.registry_collection]
    assert await only.count() == 1
    versions = [v async for v in api.registries(filter={"name": demo.registry}).versions()]
    assert [v.name for v in versions] == [f"{demo.registry_collection}:v0"]
    version = versions[0]
    assert isinstance(version, AsyncArtifact)
    assert demo.registry_alias in version.aliases
    assert version.source_name == f"{demo.model_artifact}:v{demo.model_versions - 1}"
    by_alias = api.registries().versions(filter={"alias": demo.registry_alias})
    assert [v.id async for v in by_alias] == [version.id]
    # from collections to the versions linked into them
    chained = api.registries().collections(filter={"name": demo.registry_collection}).versions()
    assert [v.id async for v in chained] == [version.id]
    none = api.registries().collections(filter={"name": "no-such"}).versions()
    assert [v async for v in none] == []


async def test_one_registrys_collections_and_versions(api: AsyncApi, demo: DemoInfo) -> None:
    registry = await api.registry(demo.registry)
    assert [c.name async for c in registry.collections()] == [demo.registry_collection]
    tagged = registry.collections(filter={"name": {"$regex": "^nothing"}})
    assert [c.name async for c in tagged] == []
    assert [v.version async for v in registry.versions(filter={"alias": "latest"})] == ["v0"]
    restricted = await api.registry(demo.restricted_registry)
    names = [v.name async for v in restricted.versions()]
    assert names and all(not n.startswith(demo.registry_collection) for n in names)


async def test_order_of_versions_needs_advanced_search(api: AsyncApi, fresh: LocalServer) -> None:
    with pytest.raises(UnsupportedServerFeatureError, match="advanced registry search") as info:
        [v async for v in api.registries().versions(order="-linked_at")]
    assert info.value.feature == "advancedSearch"
    with pytest.raises(InputError, match="basic search of version filters"):
        [v async for v in api.registries().versions(filter={"artifact_size": 1})]
    org = seed_org(fresh, advanced_search=True)
    async with make_async_api(fresh) as client:
        ordered = client.registries(org.name).versions(order="-linked_at")
        assert [v.name async for v in ordered] == [f"{org.collection}:v0"]
        sized = client.registries(org.name).versions(filter={"artifact_size": {"$gte": 0}})
        assert await sized.count() == 1
        with pytest.raises(InputError, match="advanced search of version filters"):
            [v async for v in client.registries(org.name).versions(filter={"updated_at": "x"})]


async def test_a_linked_version_reads_through_its_registry_path(
    api: AsyncApi, demo: DemoInfo, demo_server: LocalServer
) -> None:
    path = f"wandb-registry-{demo.registry}/{demo.registry_collection}:{demo.registry_alias}"
    linked = await api.artifact(f"{demo.organization}/{path}")
    assert linked.is_link and linked.version == "v0"
    assert linked.source_name == f"{demo.model_artifact}:v{demo.model_versions - 1}"
    async with make_async_api(demo_server, overrides={"organization": demo.organization}) as o:
        assert (await o.artifact(path)).id == linked.id
        collection = await o.artifact_collection(demo.model_type, path.partition(":")[0])
        assert collection.project == f"wandb-registry-{demo.registry}"


# ---------------------------------------------------------------------- writes
async def test_create_edit_rename_and_delete_a_registry(fresh: LocalServer) -> None:
    org = seed_org(fresh)
    async with make_async_api(fresh) as api:
        created = await api.create_registry(
            "vision", "restricted", organization=org.name, description="d",
            artifact_types=["model", "dataset"],
        )  # fmt: skip
        assert (created.name, created.visibility, created.description) == (
            "vision", "restricted", "d",
        )  # fmt: skip
        assert list(created.artifact_types) == ["model", "dataset"]
        assert created.allow_all_artifact_types is False
        with pytest.raises(ConflictError, match="already exists"):
            await api.create_registry("vision", "organization", organization=org.name)
        created.description = "vision models"
        created.visibility = "organization"
        created.artifact_types.append("checkpoint")
        created.name = "vision-v2"
        fresh.requests.clear()
        await created.save()
        assert [r.operation_name for r in fresh.requests] == ["UpsertRegistry", "RenameRegistry"]
        again = await api.registry("vision-v2", organization=org.name)
        assert (again.description, again.visibility) == ("vision models", "organization")
        assert list(again.artifact_types) == ["model", "dataset", "checkpoint"]
        fresh.requests.clear()
        await again.save()  # nothing changed: nothing sent
        assert fresh.requests == []
        await again.load()
        assert again.name == "vision-v2"
        await again.delete()
        with pytest.raises(NotFoundError):
            await api.registry("vision-v2", organization=org.name)


async def test_artifact_types_are_add_only(fresh: LocalServer) -> None:
    org = seed_org(fresh)
    async with make_async_api(fresh) as api:
        registry = await api.registry(org.registry, organization=org.name)
        types = registry.artifact_types
        assert isinstance(types, ArtifactTypes) and list(types) == ["model"]
        with pytest.raises(UsageError, match="never removed"):
            types.remove("model")  # type: ignore[arg-type]  # also a type error
        with pytest.raises(UsageError, match="never removed"):
            del types[0]  # type: ignore[arg-type]
        with pytest.raises(InputError):
            types.append("no/slash")
        types.extend(["dataset", "model"])
        assert (types.saved, types.draft) == (("model",), ("dataset",))
        registry.allow_all_artifact_types = True
        fresh.requests.clear()
        with pytest.raises(InputError, match="allow_all_artifact_types"):
            await registry.save()
        assert fresh.requests == []
        with pytest.raises(InputError):
            registry.visibility = "public"  # type: ignore[assignment]
        with pytest.raises(InputError):
            await api.create_registry("x", "public", organization=org.name)  # type: ignore[arg-type]


async def test_a_registry_accepts_only_its_types(fresh: LocalServer) -> None:
    org = seed_org(fresh)
    fresh.store.artifacts.create_artifact(
        fresh.entity, org.project, "images", "dataset", {"a": "b"}
    )
    async with make_async_api(fresh) as api:
        images = await api.artifact(f"{fresh.entity}/{org.project}/images:v0")
        target = f"{org.name}/wandb-registry-{org.registry}/images"
        with pytest.raises(Exception, match="does not accept artifacts of type 'dataset'"):
            await images.link(target)
        linked = await images.link(f"{org.name}/wandb-registry-{org.restricted}/images")
        assert linked.is_link


# ---------------------------------------------------------------------- members
async def test_members_roles_and_what_they_allow(fresh: LocalServer) -> None:
    org = seed_org(fresh)
    eve_key = fresh.add_user("eve")
    fresh.store.add_organization_member(org.name, "eve")
    mallory_key = fresh.add_user("mallory")
    fresh.store.add_organization_member(org.name, "mallory")
    fresh.store.create_team("vision-team", members=["mallory"])
    fresh.store.add_organization_team(org.name, "vision-team")
    async with (
        make_async_api(fresh) as admin,
        make_async_api(fresh, api_key=eve_key) as eve,
        make_async_api(fresh, api_key=mallory_key) as mallory,
    ):
        eve_user = await eve.viewer
        registry = await admin.registry(org.registry, organization=org.name)
        members = await registry.members()
        assert [type(m) for m in members] == [UserMember]
        # an organization member reads an organization-visible registry as a viewer
        as_eve = await eve.registry(org.registry, organization=org.name)
        shown = [(m.user.username, m.role) for m in await as_eve.user_members()]
        assert shown == [(fresh.entity, "admin")]
        with pytest.raises(PermissionDeniedError):
            await as_eve.add_members(eve_user)
        with pytest.raises(PermissionDeniedError):
            await (await eve.artifact(f"{org.name}/wandb-registry-{org.registry}/{org.collection}:v0")).link(
                f"{org.name}/wandb-registry-{org.registry}/other"
            )  # fmt: skip
        # the restricted registry exists only for its members (and organization admins)
        assert [r.name async for r in eve.registries(org.name)] == [org.registry]
        with pytest.raises(NotFoundError):
            await eve.registry(org.restricted, organization=org.name)
        secret = await admin.registry(org.restricted, organization=org.name)
        await secret.add_members(eve_user)
        assert [r.name async for r in eve.registries(org.name)] == [org.registry, org.restricted]
        await secret.update_member(eve_user, "restricted_viewer")
        as_restricted = await eve.registry(org.restricted, organization=org.name)
        assert await as_restricted.members() == []  # restricted viewers see no member list
        # a team's role reaches its members
        team = (await mallory.viewer).teams
        assert team == ("vision-team",)
        assert [r.name async for r in mallory.registries(org.name)] == [org.registry]
        team_id = fresh.store.entity("vision-team")
        assert team_id is not None
        from base64 import b64encode

        team_gid = b64encode(f"Entity:{team_id['id']}".encode()).decode()
        await secret.add_members(team_gid)
        await secret.update_member(team_gid, "member")
        teams = await secret.team_members()
        assert [(t.team.name, t.role) for t in teams] == [("vision-team", "member")]
        assert isinstance(teams[0], TeamMember)
        assert org.restricted in [r.name async for r in mallory.registries(org.name)]
        # the team's member role lets mallory link what she can read into the registry
        shelf = f"{org.name}/wandb-registry-{org.registry}/{org.collection}:v0"
        linked = await (await mallory.artifact(shelf)).link(
            f"{org.name}/wandb-registry-{org.restricted}/from-team"
        )
        assert linked.is_link
        users = await secret.user_members()
        assert {(u.user.username, u.role) for u in users} == {
            (fresh.entity, "admin"), ("eve", "restricted_viewer"),
        }  # fmt: skip
        await secret.remove_members(eve_user, teams[0])
        assert await secret.team_members() == []
        assert [r.name async for r in eve.registries(org.name)] == [org.registry]


async def test_outsiders_see_nothing_and_member_arguments_are_checked(
    fresh: LocalServer,
) -> None:
    org = seed_org(fresh)
    async with (
        make_async_api(fresh, api_key=fresh.add_user("outsider")) as outsider,
        make_async_api(fresh) as admin,
    ):
        with pytest.raises(NotFoundError, match="organization acme"):  # not even the org
            [r async for r in outsider.registries(org.name)]
        with pytest.raises(NotFoundError):
            await outsider.registry(org.registry, organization=org.name)
        with pytest.raises(NotFoundError):
            await outsider.artifact(f"{org.name}/wandb-registry-{org.registry}/{org.collection}:v0")
        with pytest.raises(NotFoundError, match="organization acme"):
            await outsider.create_registry("mine", "organization", organization=org.name)
        registry = await admin.registry(org.registry, organization=org.name)
        fresh.requests.clear()
        with pytest.raises(InputError, match="at least one"):
            await registry.add_members()
        with pytest.raises(InputError, match="not a user's or team's id"):
            await registry.add_members("not-an-id")
        with pytest.raises(InputError, match="role must be"):
            await registry.update_member(await admin.viewer, "owner")  # type: ignore[arg-type]
        assert [r.operation_name for r in fresh.requests] == ["Viewer"]
        outsider_id = (await outsider.viewer).id
        with pytest.raises(Exception, match="not a member of"):
            await registry.add_members(outsider_id)


async def test_the_organization_must_be_known(fresh: LocalServer) -> None:
    async with make_async_api(fresh) as api:
        with pytest.raises(InputError, match="belongs to no organization"):
            [r async for r in api.registries()]
        seed_org(fresh, name="one")
        assert [r.name async for r in api.registries()] == ["models", "secret"]
        fresh.store.create_organization("two", admins=[fresh.entity])
        with pytest.raises(InputError, match="several organizations"):
            await api.registry("models")
        assert (await api.registry("models", organization="one")).organization == "one"
