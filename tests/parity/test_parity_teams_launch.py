"""Parity of teams, users, launch queues, queued runs, custom charts and the run
members users reach for (metadata, json_config, console logs, state, stop): both
clients against the same LocalServer, results normalized and compared.

Intended differences, erased here: our queue ``access`` is lower case (the official
client returns the server's ``PROJECT``); ``external_links`` is the label -> URL
mapping ``upsert_run_queue`` takes (official: the stored ``{"links": [{"label",
"url"}]}``, or ``None``); our template variables also carry a ``description``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import pytest

import wandb_typed

from . import _norm as n
from .conftest import ENTITY, WRITES, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]


def official_member(m: Any) -> dict[str, Any]:
    a = m._attrs
    return {
        "id": a["id"], "name": a["name"], "username": a["username"], "email": a["email"],
        "admin": bool(a["admin"]), "pending": bool(a["pending"]), "account_type": a["accountType"],
    }  # fmt: skip


def our_member(m: wandb_typed.Member) -> dict[str, Any]:
    return {
        "id": m.id, "name": m.name, "username": m.username, "email": m.email, "admin": m.admin,
        "pending": m.pending, "account_type": m.account_type,
    }  # fmt: skip


TEAM_ATTRS = (
    "id", "name", "available", "photo_url", "read_only", "read_only_admin", "is_team",
    "entity_type", "private_only", "storage_bytes", "code_saving_enabled", "default_access",
    "is_paid",
)  # fmt: skip


def official_team(t: Any) -> dict[str, Any]:
    return {
        **{k: getattr(t, k) for k in TEAM_ATTRS},
        "members": [official_member(m) for m in t.members],
    }


def our_team(t: wandb_typed.Team) -> dict[str, Any]:
    return {
        **{k: getattr(t, k) for k in TEAM_ATTRS},
        "members": [our_member(m) for m in t.members],
    }


def official_links(stored: Any) -> dict[str, str]:
    links = (stored or {}).get("links", [])
    return {link["label"]: link["url"] for link in links}


def official_queue(q: Any) -> dict[str, Any]:
    return {
        "id": q.id, "name": q.name, "entity": q.entity, "access": q.access.lower(),
        "prioritization_mode": q.prioritization_mode, "external_links": official_links(q.external_links),
        "type": q.type, "default_resource_config": q.default_resource_config,
        "template_variables": [{"name": v["name"], "schema": v["schema"]} for v in q.template_variables],
        "items": [(i.id, i.state) for i in q.items],
    }  # fmt: skip


def our_queue(q: wandb_typed.RunQueue) -> dict[str, Any]:
    return {
        "id": q.id, "name": q.name, "entity": q.entity, "access": q.access,
        "prioritization_mode": q.prioritization_mode, "external_links": q.external_links,
        "type": q.type, "default_resource_config": q.default_resource_config,
        "template_variables": [{"name": v.name, "schema": v.schema} for v in q.template_variables],
        "items": [(i.id, i.state) for i in q.items],
    }  # fmt: skip


def our_lines(lines: Any) -> list[dict[str, Any]]:
    return [
        {"number": ln.number, "timestamp": ln.timestamp, "level": ln.level, "label": ln.label,
         "content": ln.content}
        for ln in lines
    ]  # fmt: skip


# ---------------------------------------------------------------------- teams and users
def test_team(world: World) -> None:
    official = world.fresh_official().team(world.demo.teams.team)
    assert our_team(world.ours.team(world.demo.teams.team)) == official_team(official)


def test_user_and_users(world: World) -> None:
    official = world.fresh_official()
    for who in (world.demo.teams.pending_member, "alice"):
        ours = world.ours.user(who)
        assert ours is not None
        assert n.our_user(ours) == n.official_user(official.user(who))
    for text in ("a", "pat", "example.com"):
        expected = [n.official_user(u) for u in official.users(text)]
        assert [n.our_user(u) for u in world.ours.users(text)] == expected


# ---------------------------------------------------------------------- launch
def test_run_queue(world: World) -> None:
    official = world.fresh_official().run_queue(ENTITY, world.demo.teams.queue)
    assert our_queue(world.ours.run_queue(ENTITY, world.demo.teams.queue)) == official_queue(
        official
    )


@pytest.mark.parametrize("which", ["running_item", "pending_item"])
def test_queued_run(world: World, which: str) -> None:
    teams = world.demo.teams
    item_id = getattr(teams, which)
    official = world.fresh_official().queued_run(
        ENTITY, teams.running_item_project, teams.queue, item_id, project_queue="model-registry"
    )
    ours = world.ours.queued_run(ENTITY, teams.running_item_project, teams.queue, item_id)
    assert (ours.id, ours.state, ours.queue_name, ours.project, ours.entity) == (
        official.id, official.state, official.queue_name, official.project, official.entity,
    )  # fmt: skip
    if which == "running_item":
        assert ours.wait_until_running(timeout=0).id == official.wait_until_running().id


def test_created_queues_read_back_the_same(world: World) -> None:
    """Each client creates a queue with the same arguments; both read back alike."""
    official = world.fresh_official()
    args: dict[str, Any] = {
        "type": "kubernetes", "entity": ENTITY, "prioritization_mode": "V0",
        "config": {"namespace": "ml"}, "template_variables": {"n": {"schema": {"type": "integer"}}},
    }  # fmt: skip
    official.create_run_queue("parity-q-official", **args)
    world.ours.create_run_queue("parity-q-ours", **args)
    theirs = official_queue(official.run_queue(ENTITY, "parity-q-official"))
    mine = our_queue(world.ours.run_queue(ENTITY, "parity-q-ours"))
    for side in (theirs, mine):
        side.pop("id"), side.pop("name")
    assert mine == theirs


def test_upserted_queues_read_back_the_same(world: World) -> None:
    official = world.fresh_official()
    args: dict[str, Any] = {
        "resource_config": {"cpus": 2}, "resource_type": "local-process", "entity": ENTITY,
        "external_links": {"docs": "https://example.com/q"},
    }  # fmt: skip
    official.upsert_run_queue("parity-u-official", **args)
    world.ours.upsert_run_queue("parity-u-ours", **args)
    theirs = official_queue(official.run_queue(ENTITY, "parity-u-official"))
    mine = our_queue(world.ours.run_queue(ENTITY, "parity-u-ours"))
    for side in (theirs, mine):
        side.pop("id"), side.pop("name")
    assert mine == theirs


# ---------------------------------------------------------------------- custom charts
@pytest.mark.parametrize(
    ("access", "spec"),
    [
        ("private", {"mark": "bar", "encoding": {"x": {"field": "${field:x}"}}, "é": "✓"}),
        ("public", '{"mark":"line"}'),
    ],
)
def test_custom_chart_payload(
    world: World, access: Literal["private", "public"], spec: Any
) -> None:
    """The mutation each client sends carries the same variables (names aside)."""
    server = world.server
    sent: list[dict[str, Any]] = []
    for who, client in (("official", world.fresh_official()), ("ours", world.ours)):
        before = len(server.requests)
        name = f"parity-{who}-{access}"
        chart_id = client.create_custom_chart(ENTITY, name, "Parity", "vega2", access, spec)
        assert chart_id == f"{ENTITY}/{name}"
        [request] = [r for r in server.requests[before:] if r.operation_name == "CreateCustomChart"]
        assert request.variables is not None
        sent.append({k: v for k, v in request.variables.items() if k != "chartName"})
    assert sent[1] == sent[0]
    assert json.loads(sent[1]["spec"]) == (json.loads(spec) if isinstance(spec, str) else spec)


# ---------------------------------------------------------------------- run members
def _demo_run_path(world: World) -> str:
    teams = world.demo.teams
    assert teams.running_item_run, "the parity demo needs a running mnist run"
    return f"{ENTITY}/{teams.running_item_project}/{teams.running_item_run}"


def test_run_metadata_and_json_config(world: World) -> None:
    path = _demo_run_path(world)
    official = world.fresh_official().run(path)
    ours = world.ours.run(path)
    assert ours.metadata == official.metadata
    assert json.loads(ours.json_config) == json.loads(official.json_config)
    raw = world.ours.run(f"{ENTITY}/parity/rawcfg")
    assert json.loads(raw.json_config) == json.loads(
        world.fresh_official().run(f"{ENTITY}/parity/rawcfg").json_config
    )


@pytest.mark.parametrize(("per_page", "last"), [(1000, None), (4, None), (1000, 3), (1000, 100)])
def test_console_logs(world: World, per_page: int, last: int | None) -> None:
    path = _demo_run_path(world)
    official = world.fresh_official().run(path).console_logs(per_page=per_page, last=last)
    ours = world.ours.run(path).console_logs(per_page=per_page, last=last)
    assert our_lines(ours) == our_lines(official)


def test_update_state_and_stop(world: World) -> None:
    store = world.server.store
    for name in ("state-official", "state-ours"):
        store.create_run(ENTITY, WRITES, name=name, state="running")
    official = world.fresh_official().run(f"{ENTITY}/{WRITES}/state-official")
    ours = world.ours.run(f"{ENTITY}/{WRITES}/state-ours")
    assert ours.update_state("pending") == official.update_state("pending") is True
    assert ours.state.value == official.state == "pending"  # type: ignore[union-attr]
    official.stop()
    ours.stop()
    flags = [store.run(int(store.project(ENTITY, WRITES)["id"]), r)["should_stop"]  # type: ignore[index]
             for r in ("state-official", "state-ours")]  # fmt: skip
    assert flags == [1, 1]


def test_history_exports(world: World, tmp_path: Path) -> None:
    """Neither client finds parquet exports on the local server: complete history is
    refused by both, the exported part is empty for both."""
    from wandb.apis.public.runhistory import IncompleteRunHistoryError

    path = _demo_run_path(world)
    official = world.fresh_official().run(path)
    ours = world.ours.run(path)
    with pytest.raises(IncompleteRunHistoryError):
        official.download_history_exports(tmp_path / "official")
    with pytest.raises(wandb_typed.IncompleteHistoryError):
        ours.download_history_exports(tmp_path / "ours")
    theirs = official.download_history_exports(
        tmp_path / "official", require_complete_history=False
    )
    mine = ours.download_history_exports(tmp_path / "ours", require_complete_history=False)
    assert (list(mine.paths), mine.contains_live_data) == (
        list(theirs.paths),
        theirs.contains_live_data,
    )


def test_beta_scan_history(world: World) -> None:
    path = _demo_run_path(world)
    official = [
        n.loose(r) for r in world.fresh_official().run(path).beta_scan_history(keys=["loss"])
    ]
    assert [n.loose(r) for r in world.ours.run(path).beta_scan_history(keys=["loss"])] == official


def test_histories_as_polars(world: World) -> None:
    path = f"{ENTITY}/{world.demo.long_history_project}"
    official = (
        world.fresh_official().runs(path).histories(samples=5, keys=["loss"], format="polars")
    )
    ours = world.ours.runs(path).histories(samples=5, keys=["loss"], format="polars")

    def rows(frame: Any) -> list[Any]:
        return sorted(
            (n.loose(r) for r in frame.to_dicts()),
            key=lambda r: (str(r["run_id"]), str(r["_step"])),
        )

    assert sorted(ours.columns) == sorted(official.columns)
    assert rows(ours) == rows(official)
