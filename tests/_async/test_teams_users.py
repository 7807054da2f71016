"""Teams (members, invites, service accounts) and users (search, creation, API keys),
over real HTTP against LocalServer; refusals come from the server, bad input fails
before any request."""

from __future__ import annotations

import logging

import pytest

from wandb_typed import (
    ApiKeyInfo,
    AsyncApi,
    AsyncMember,
    AsyncTeam,
    AsyncUser,
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    UsageError,
)
from wandb_typed.testing import DemoInfo, LocalServer

from ..support import make_async_api

pytestmark = pytest.mark.anyio


def ops(server: LocalServer) -> list[str | None]:
    return [r.operation_name for r in server.requests if r.path == "/graphql"]


# ---------------------------------------------------------------------- teams
async def test_team_with_admin_and_pending_member(api: AsyncApi, demo: DemoInfo) -> None:
    team = await api.team(demo.teams.team)
    assert isinstance(team, AsyncTeam)
    assert (team.name, team.is_team) == (demo.teams.team, True)
    assert len(team.members) == demo.teams.team_members
    by_name = {m.username: m for m in team.members}
    admin, invited = by_name[demo.teams.team_admin], by_name[demo.teams.pending_member]
    assert isinstance(admin, AsyncMember)
    assert (admin.admin, admin.pending, admin.account_type) == (True, False, "MEMBER")
    assert admin.email == f"{demo.teams.team_admin}@example.com"  # the viewer's own
    assert (invited.pending, invited.admin, invited.team) == (True, False, demo.teams.team)
    assert repr(team) == f"<AsyncTeam {demo.teams.team}>"
    assert "invited" in repr(invited)
    assert await team.reload() == team


async def test_personal_entity_and_missing_team_are_not_teams(
    api: AsyncApi, demo: DemoInfo
) -> None:
    with pytest.raises(NotFoundError):
        await api.team(demo.entity)
    with pytest.raises(NotFoundError):
        await api.team("no-such-team")


async def test_bad_team_names_fail_before_any_request(
    api: AsyncApi, demo_server: LocalServer
) -> None:
    demo_server.requests.clear()
    for bad in ("", "a/b", "x\n"):
        with pytest.raises(InputError):
            await api.team(bad)
        with pytest.raises(InputError):
            await api.create_team(bad)
    with pytest.raises(InputError):
        await api.create_team("ok", admin_username="bad name/")
    assert ops(demo_server) == []


async def test_create_team_invite_and_remove(fresh: LocalServer) -> None:
    fresh.add_user("ann")
    async with make_async_api(fresh) as api:
        team = await api.create_team("crew")
        assert [(m.username, m.admin, m.pending) for m in team.members] == [("demo", True, False)]
        assert await team.invite("ann") is True
        assert await team.invite("someone@example.com", admin=True) is True
        team = await team.reload()
        pending = {m.name: m for m in team.members if m.pending}
        assert set(pending) == {"ann", "invited user"}
        assert pending["invited user"].email == "someone@example.com"  # the team's admin sees it
        assert pending["invited user"].admin is True
        with pytest.raises(ConflictError):
            await team.invite("ann")  # already invited
        with pytest.raises(ConflictError):
            await api.create_team("crew")  # the name is taken
        assert await pending["ann"].delete() is True
        team = await team.reload()
        assert "ann" not in {m.name for m in team.members}


async def test_create_team_refused_is_an_error_not_none(fresh: LocalServer) -> None:
    """Unlike the official client, a refused create raises."""
    eve = fresh.add_user("eve")
    fresh.add_user("bob")
    async with make_async_api(fresh, api_key=eve) as api:
        with pytest.raises(PermissionDeniedError):
            await api.create_team("bobs-team", admin_username="bob")
        with pytest.raises(ConflictError):
            await api.create_team("demo")  # a user's name


async def test_only_team_admins_invite_and_remove(fresh: LocalServer) -> None:
    eve_key = fresh.add_user("eve")
    fresh.add_user("mallory")
    fresh.store.create_team("crew", members=["eve"], admins=["demo"])
    async with make_async_api(fresh, api_key=eve_key) as eve:
        team = await eve.team("crew")
        with pytest.raises(PermissionDeniedError):
            await team.invite("mallory")
        admin = next(m for m in team.members if m.username == "demo")
        assert admin.email is None  # another member's e-mail stays hidden
        with pytest.raises(PermissionDeniedError):
            await admin.delete()
        with pytest.raises(PermissionDeniedError):
            await team.create_service_account("bot")
        me = next(m for m in team.members if m.username == "eve")
        assert await me.delete() is True  # a member may leave
    async with make_async_api(fresh) as api:
        assert {m.username for m in (await api.team("crew")).members} == {"demo"}


async def test_service_account(fresh: LocalServer) -> None:
    async with make_async_api(fresh) as api:
        team = await api.create_team("crew")
        member = await team.create_service_account("CI uploads")
        assert (member.account_type, member.pending, member.admin) == ("SERVICE", False, False)
        assert member.team == "crew"
        assert member in (await team.reload()).members
        with pytest.raises(InputError):
            await team.create_service_account("")


# ---------------------------------------------------------------------- users
async def test_user_and_users(api: AsyncApi, demo: DemoInfo) -> None:
    pat = await api.user(demo.teams.pending_member)
    assert isinstance(pat, AsyncUser)
    assert pat.username == demo.teams.pending_member
    assert await api.user(f"{demo.teams.pending_member.upper()}@EXAMPLE.COM") == pat
    assert await api.user("nobody-by-that-name") is None
    found = await api.users(demo.teams.pending_member[:2])
    assert pat in found and all(isinstance(u, AsyncUser) for u in found)
    assert pat.api_keys == ()  # another user's keys are not listed
    assert demo.teams.team in (await api.viewer).teams


async def test_search_and_create_users_take_an_instance_admin(fresh: LocalServer) -> None:
    eve = fresh.add_user("eve")
    async with make_async_api(fresh, api_key=eve) as api:
        with pytest.raises(PermissionDeniedError):
            await api.users("demo")
        with pytest.raises(PermissionDeniedError):
            await api.user("demo")
        with pytest.raises(PermissionDeniedError):
            await api.create_user("new@example.com")
    assert fresh.store.user_by_email("new@example.com") is None


async def test_create_user(fresh: LocalServer) -> None:
    async with make_async_api(fresh) as api:
        user = await api.create_user("sam@example.com", admin=True)
        assert (user.username, user.email, user.admin) == ("sam", "sam@example.com", True)
        again = await api.create_user("sam@other.example")
        assert (again.username, again.admin) == ("sam-2", False)
        with pytest.raises(ConflictError):
            await api.create_user("SAM@example.com")
        assert await api.user("Sam@Example.com") == user


async def test_bad_user_arguments_fail_before_any_request(
    api: AsyncApi, demo_server: LocalServer
) -> None:
    demo_server.requests.clear()
    for call in (
        lambda: api.user(""),
        lambda: api.users(""),
        lambda: api.create_user("not-an-address"),
        lambda: api.create_user("a b@example.com"),
        lambda: api.create_user("a@example.com", admin="yes"),  # type: ignore[arg-type]
    ):
        with pytest.raises(InputError):
            await call()
    assert ops(demo_server) == []


# ---------------------------------------------------------------------- API keys
async def test_generate_and_delete_api_keys(
    fresh: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with make_async_api(fresh) as api:
        viewer = await api.viewer
        assert len(viewer.api_keys) == 1 and isinstance(viewer.api_keys[0], ApiKeyInfo)
        made = await viewer.generate_api_key("for CI")
        secret = made.key.get_secret_value()
        assert len(secret) >= 40 and made.description == "for CI"
        texts = [repr(made), str(made), repr(made.key), str(made.key)]
        async with make_async_api(fresh, api_key=secret) as ci:
            assert (await ci.viewer).username == "demo"  # the new key works
            api.flush()
            fresh_viewer = await api.viewer
            assert made.id in {k.id for k in fresh_viewer.api_keys}
            assert await fresh_viewer.delete_api_key(made.id) is True
            ci.flush()
            with pytest.raises(AuthenticationError) as refused:
                _ = await ci.viewer  # the deleted key no longer works
            texts += [repr(refused.value), str(refused.value)]
        texts += [record.getMessage() for record in caplog.records]
        assert not any(secret in text for text in texts)


async def test_api_key_misuse(fresh: LocalServer) -> None:
    eve_key = fresh.add_user("eve")
    async with make_async_api(fresh) as api:
        demo_user = await api.viewer
        with pytest.raises(InputError) as no_such:
            await demo_user.delete_api_key(eve_key)  # a secret is not an id
        assert eve_key not in str(no_such.value)
        eve = await api.user("eve")
        assert eve is not None
        with pytest.raises(UsageError):
            await eve.generate_api_key()  # keys are made for the key's own user only
    async with make_async_api(fresh, api_key=eve_key) as as_eve:
        mine = await as_eve.viewer
        with pytest.raises(InputError):
            await mine.delete_api_key(demo_user.api_keys[0])  # not one of eve's keys
