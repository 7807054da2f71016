"""Snapshots of the exact GraphQL each facade call sends: operation, query text, variables.

Requests are recorded on the wire (an httpx transport in front of a real
LocalServer with deterministic data). A change to a query, its variables or the
number of requests a call makes shows up as a snapshot diff; review it, then
``pytest --snapshot-update``.
"""

from __future__ import annotations

import ast
import json
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from wandb_typed import Api, AsyncApi, HistoryScan, Run, SkippedTensorBoardDataWarning
from wandb_typed.testing import DemoInfo, LocalServer

from .support import FAST_RETRY, Recorder

pytestmark = pytest.mark.xdist_group("snapshots")


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[LocalServer, DemoInfo]]:
    with LocalServer() as server:
        yield server, server.seed_demo()


@pytest.fixture
def api(seeded: tuple[LocalServer, DemoInfo]) -> Iterator[tuple[Api, Recorder]]:
    server, _ = seeded
    recorder = Recorder()
    with Api(
        {"base_url": server.base_url}, api_key=server.api_key, retry=FAST_RETRY, transport=recorder
    ) as client:
        yield client, recorder


def record(client: tuple[Api, Recorder], call: Callable[[Api], Any]) -> list[dict[str, Any]]:
    api, recorder = client
    recorder.bodies.clear()
    call(api)
    return [
        {
            "operationName": b.get("operationName"),
            "query": b["query"],
            "variables": b.get("variables"),
        }
        for b in recorder.bodies
    ]


def first_run(api: Api) -> str:
    return next(iter(api.runs("demo/mnist", per_page=1, include_sweeps=False))).path


def one_window_at_a_time(scan: HistoryScan) -> HistoryScan:
    """A scan's windows in flight go out in no fixed order: the snapshot pins what
    each request is, sent one after another."""
    scan.prefetch = False
    return scan


CNN = "demo/mnist/mnist-cnn"
#: A small TensorBoard log (written by the tensorboard package's writer).
TENSORBOARD = Path(__file__).parent / "fixtures" / "tensorboard"


def model_logger(api: Api) -> Run:
    logged_by = api.artifact(f"{CNN}:v0").logged_by()
    assert logged_by is not None
    return logged_by


def downloaded(call: Callable[[Path], object]) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        return call(Path(tmp))


def deprecated(call: Callable[[], object]) -> object:
    with pytest.warns(DeprecationWarning, match="deprecated"):
        return call()


READS: dict[str, Callable[[Api], Any]] = {
    "viewer": lambda api: api.viewer,
    "default_entity": lambda api: api.default_entity,
    "project": lambda api: api.project("mnist"),
    "projects_two_pages": lambda api: list(api.projects(per_page=2)),
    "from_path_project": lambda api: api.from_path("demo/mnist"),
    "runs_full_filtered_ordered": lambda api: list(
        api.runs(
            "demo/mnist",
            filters={"$and": [{"state": "finished"}, {"config.lr": {"$gte": 0.001}}]},
            order="-summary_metrics.acc",
            per_page=20,
        )
    ),
    "runs_len": lambda api: len(api.runs("demo/mnist")),
    "runs_light": lambda api: list(api.runs("demo/mnist", light=True, per_page=1000)),
    "runs_projected": lambda api: list(
        api.runs(
            "demo/mnist",
            config_keys=["lr"],
            summary_keys=["acc"],
            order="+config.lr",
            per_page=1000,
        )
    ),
    "run": lambda api: api.run(first_run(api)),
    "run_history": lambda api: api.run(first_run(api)).history(samples=10, pandas=False),
    "run_history_keys": lambda api: api.run(first_run(api)).history(
        samples=10, keys=["loss", "acc"], pandas=False
    ),
    "run_history_system": lambda api: api.run(first_run(api)).history(
        stream="system", pandas=False
    ),
    "run_scan": lambda api: list(
        one_window_at_a_time(api.run(first_run(api)).scan_history(page_size=100))
    ),
    "run_scan_keys": lambda api: list(
        one_window_at_a_time(
            api.run(first_run(api)).scan_history(
                keys=["loss"], page_size=100, min_step=5, max_step=150
            )
        )
    ),
    "run_files": lambda api: [f.name for f in api.run(first_run(api)).files(per_page=2)],
    "run_file": lambda api: api.run(first_run(api)).file("config.yaml"),
    "runs_histories": lambda api: api.runs("demo/llm-finetune").histories(samples=3, keys=["loss"]),
    "sweep": lambda api: api.sweep("demo/mnist/" + next(iter(api.project("mnist").sweeps())).id),
    "sweep_best_run": lambda api: api.sweep(
        "demo/mnist/" + next(iter(api.project("mnist").sweeps())).id
    ).best_run(),
    "reports": lambda api: list(api.reports("demo/mnist")),
    "reports_named": lambda api: list(api.reports("demo/mnist", name="mnist-baselines")),
    "artifact": lambda api: api.artifact(f"{CNN}:best", type="model"),
    "artifact_exists_missing": lambda api: api.artifact_exists(f"{CNN}:v9"),
    "artifacts_two_pages": lambda api: list(api.artifacts("model", CNN, per_page=2)),
    "artifacts_len": lambda api: len(api.artifacts("model", CNN)),
    "artifacts_tagged": lambda api: list(api.artifacts("model", CNN, tags=["candidate"])),
    "artifact_types": lambda api: list(api.artifact_types("demo/mnist")),
    "artifact_versions": lambda api: deprecated(
        lambda: list(api.artifact_versions("model", CNN, per_page=2))
    ),
    "artifact_type_collections": lambda api: list(
        api.artifact_type("model", "demo/mnist").collections(filters={"name": "mnist-cnn"})
    ),
    "artifact_collections": lambda api: list(api.artifact_collections("demo/mnist", "model")),
    "artifact_collection_aliases": lambda api: api.artifact_collection("model", CNN).aliases,
    "artifact_collection_exists": lambda api: api.artifact_collection_exists(CNN, "model"),
    "artifact_collection_versions": lambda api: list(
        api.artifact_collection("model", CNN).artifacts()
    ),
    "artifact_source_collection": lambda api: api.artifact(f"{CNN}:v1").source_collection,
    "artifact_files": lambda api: [f.name for f in api.artifact(f"{CNN}:v2").files(per_page=1)],
    "artifact_manifest_entry": lambda api: api.artifact(f"{CNN}:v2").get_entry("model.pt"),
    "artifact_logged_by": lambda api: api.artifact(f"{CNN}:v2").logged_by(),
    "artifact_used_by": lambda api: api.artifact(f"{CNN}:v2").used_by(),
    "artifact_download": lambda api: downloaded(api.artifact(f"{CNN}:v1").download),
    "artifact_verify": lambda api: downloaded(
        lambda tmp: api.artifact(f"{CNN}:v1").verify(api.artifact(f"{CNN}:v1").download(tmp))
    ),
    "run_logged_artifacts": lambda api: list(model_logger(api).logged_artifacts()),
    "run_used_artifacts": lambda api: list(model_logger(api).used_artifacts()),
    "project_collections": lambda api: list(api.project("mnist").collections(order="-name")),
    "project_artifacts_types": lambda api: list(api.project("mnist").artifacts_types()),
    # Operations only the generated client (api.client) exposes.
    "client_artifact_by_id": lambda api: api.client.artifact_by_id(id=api.artifact(f"{CNN}:v0").id),
    "client_artifact_memberships": lambda api: api.client.artifact_memberships(
        id=api.artifact(f"{CNN}:v0").id
    ),
    "job": lambda api: downloaded(lambda tmp: api.job("demo/mnist/train-mnist:latest", tmp)),
    "list_jobs": lambda api: api.list_jobs("demo", "mnist"),
    # registries, automations and integrations
    "registries": lambda api: list(api.registries()),
    "registries_filtered_ordered": lambda api: list(
        api.registries("demo-org", filter={"name": {"$regex": "mod"}}, order="-created_at")
    ),
    "registries_collections": lambda api: list(
        api.registries("demo-org").collections(filter={"name": "mnist-classifier"})
    ),
    "registries_versions": lambda api: list(
        api.registries("demo-org").versions(filter={"alias": "production"})
    ),
    "registry": lambda api: api.registry("model", "demo-org"),
    "registry_collections": lambda api: list(api.registry("model", "demo-org").collections()),
    "registry_versions": lambda api: list(api.registry("model", "demo-org").versions()),
    "registry_members": lambda api: api.registry("model", "demo-org").members(),
    "integrations": lambda api: list(api.integrations()),
    "slack_integrations": lambda api: list(api.slack_integrations("demo")),
    "webhook_integrations": lambda api: list(api.webhook_integrations("demo")),
    "automations": lambda api: list(api.automations()),
    "automations_named": lambda api: list(api.automations("demo-org", "deploy-on-production")),
    "automation": lambda api: api.automation("deploy-on-production", "demo-org"),
}


# -- teams, users, launch queues, custom charts and the run members users reach for
def demo_run(api: Api) -> Run:
    """A demo run with console lines and metadata (the one the claimed queue item started)."""
    item = api.run_queue("demo", "default").items[0]
    assert item.associated_run_id is not None
    return api.run(f"demo/mnist/{item.associated_run_id}")


READS.update({
    "team": lambda api: api.team("demo-team"),
    "user": lambda api: api.user("pat"),
    "users": lambda api: api.users("pa"),
    "run_queue": lambda api: api.run_queue("demo", "default"),
    "run_queue_items": lambda api: api.run_queue("demo", "default").items,
    "queued_run_wait_until_running": lambda api: api.queued_run(
        "demo", "mnist", "default", api.run_queue("demo", "default").items[0].id
    ).wait_until_running(timeout=0),
    "run_metadata": lambda api: demo_run(api).metadata,
    "run_console_logs": lambda api: list(demo_run(api).console_logs(per_page=5)),
    "run_console_logs_last": lambda api: list(demo_run(api).console_logs(last=3)),
    "report_runs": lambda api: list(next(iter(api.reports("demo/mnist"))).runs(0)),
    "sweep_agents": lambda api: api.sweep("demo/mnist/" + next(iter(api.project("mnist").sweeps())).id).agents(),
    "sweep_agent": lambda api: api.sweep("demo/mnist/" + next(iter(api.project("mnist").sweeps())).id).agent("agent001"),
    "runs_light_upgraded": lambda api: list(api.runs("demo/mnist", per_page=100, light=True).upgrade_to_full()),
    "artifact_linked_and_source": lambda api: (api.artifact(f"{CNN}:v2").linked_artifacts, api.artifact(f"{CNN}:v2").source_artifact),
    "artifact_collection_load": lambda api: api.artifact_collection("model", CNN).load(),
    "artifact_type_load": lambda api: api.artifact_type("model", "demo/mnist").load(),
})  # fmt: skip


#: Calls that send some of their requests concurrently, and which operation those are
#: (``runs.histories``: one request per run, several in flight): their order is the
#: scheduler's, not the client's, so they are compared sorted, after the others.
CONCURRENT = {"runs_histories": "RunSampledHistory"}


@pytest.mark.parametrize("name", sorted(READS))
def test_read_calls(api: tuple[Api, Recorder], name: str, snapshot: SnapshotAssertion) -> None:
    bodies = record(api, READS[name])
    concurrent = CONCURRENT.get(name)
    if concurrent is not None:
        together = [b for b in bodies if b["operationName"] == concurrent]
        assert len(together) > 1, f"{name} sent no concurrent {concurrent} requests"
        bodies = [b for b in bodies if b["operationName"] != concurrent]
        bodies += sorted(together, key=lambda b: json.dumps(b, sort_keys=True))
    assert bodies == snapshot


# -- writes: one scenario per resource, each on a small server of its own (so a
# scenario's ids and results do not depend on which others ran before it). A new
# mutation gets a new entry here, not an edit of an existing scenario.


@pytest.fixture
def writable() -> Iterator[LocalServer]:
    """An empty server with what the artifact scenarios change: ``demo/snap-art`` with
    run ``snapart1`` and two versions of ``weights`` (type ``model``) it logged."""
    with LocalServer() as server:
        server.store.create_project("demo", "snap-art")
        run = server.store.create_run("demo", "snap-art", name="snapart1")
        for i in range(2):
            server.store.artifacts.create_artifact(
                "demo", "snap-art", "weights", "model", {"w.bin": f"weights {i}"},
                run_id=int(run["id"]), created_at=f"2024-03-0{i + 1}T00:00:00",
            )  # fmt: skip
        server.store.create_organization("snap-org", admins=["demo"])  # for the registry writes
        yield server


def _run_edits(api: Api) -> None:
    run = api.create_run(run_id="snaprun1", project="snap-proj", entity="demo")
    run.config["lr"] = 0.5
    run.summary["acc"] = 0.9
    run.tags.append("t")
    run.notes = "n"
    run.update()


def _run_files(api: Api, tmp: Path) -> None:
    run = api.create_run(run_id="snaprun2", project="snap-proj", entity="demo")
    source = tmp / "out.txt"
    source.write_text("hello")
    run.upload_file(source, root=tmp).delete()


def _artifact_edits(api: Api) -> None:
    art = api.artifact("demo/snap-art/weights:v0")
    art.description = "first"
    art.metadata["score"] = 1
    art.aliases.append("staging")
    art.tags.append("reviewed")
    art.ttl = timedelta(days=1)
    art.save()


def _artifact_links(api: Api) -> None:
    art = api.artifact("demo/snap-art/weights:v0")
    linked = art.link("weights-shelf", aliases=["production"])
    linked.aliases.append("canary")
    linked.save()
    linked.aliases.remove("canary")
    linked.save()
    shelf = api.artifact_collection("model", "demo/snap-art/weights-shelf")
    shelf.description = "a shelf"
    shelf.save()
    linked.unlink()
    shelf.delete()


def _run_artifacts(api: Api) -> None:
    art = api.artifact("demo/snap-art/weights:v0")
    run = api.run("demo/snap-art/snapart1")
    run.use_artifact(art)
    run.log_artifact(art, aliases=["relogged"], tags=["again"])


def _collection_edits(api: Api) -> None:
    collection = api.artifact_collection("model", "demo/snap-art/weights")
    collection.description = "d"
    collection.tags = ["vision"]
    collection.name = "weights-renamed"
    collection.save()
    collection.change_type("checkpoint")
    api.artifact("demo/snap-art/weights-renamed:v1").delete(delete_aliases=True)
    collection.delete()


def _registry_writes(api: Api) -> None:
    registry = api.create_registry(
        "snap", "restricted", "snap-org", description="d", artifact_types=["model"]
    )
    registry.description = "e"
    registry.artifact_types.append("dataset")
    registry.name = "snap-renamed"
    registry.save()
    me = api.viewer
    registry.add_members(me).update_member(me, "admin").remove_members(me)
    registry.delete()


def _automation_writes(api: Api) -> None:
    from wandb_typed.automations import DoNothing, OnRunMetric, RunEvent

    event = OnRunMetric(scope=api.project("snap-art", "demo"), filter=RunEvent.metric("l") > 1)
    created = api.create_automation(event >> DoNothing(), name="snap-auto", description="d")
    created.enabled = False
    updated = api.update_automation(created, description="e")
    api.delete_automation(updated)


WRITES: dict[str, Callable[[Api, Path], Any]] = {
    "project_create": lambda api, _: api.create_project("snap-proj", entity="demo", description="d"),
    "run_create_and_update": lambda api, _: _run_edits(api),
    "run_file_upload_and_delete": _run_files,
    "run_delete": lambda api, _: api.create_run(run_id="snaprun3", project="snap-proj", entity="demo").delete(delete_artifacts=True),
    "artifact_edit_and_save": lambda api, _: _artifact_edits(api),
    "artifact_link_and_unlink": lambda api, _: _artifact_links(api),
    "run_use_and_log_artifact": lambda api, _: _run_artifacts(api),
    "collection_edit_retype_delete": lambda api, _: _collection_edits(api),
    # registries, automations and integrations
    "registry_create_save_members_delete": lambda api, _: _registry_writes(api),
    "automation_create_update_delete": lambda api, _: _automation_writes(api),
    # the write path (issue 16): the GraphQL of a TensorBoard sync (its history goes by file_stream)
    "sync_tensorboard": lambda api, _: _sync_tensorboard(api),
}  # fmt: skip


# -- teams, users, launch queues, custom charts and the run members users reach for
def _team_edits(api: Api) -> None:
    team = api.create_team("snap-team")
    team.invite("snap-friend@example.com", admin=True)
    team.create_service_account("snapshot bot")
    next(m for m in team.reload().members if m.pending).delete()


def _user_edits(api: Api) -> None:
    api.create_user("snap-user@example.com")
    made = api.viewer.generate_api_key("snap")
    api.flush()
    api.viewer.delete_api_key(made.id)


def _launch_edits(api: Api) -> None:
    queue = api.create_run_queue(
        "snap-q", "kubernetes", prioritization_mode="V0", config={"a": 1},
        template_variables={"n": {"schema": {"type": "integer"}}},
    )  # fmt: skip
    api.upsert_run_queue("snap-q2", {"b": 2}, "local-process", external_links={"l": "http://x"})
    queue.delete()


def _run_state_edits(api: Api) -> None:
    run = api.create_run(run_id="snaprun4", project="snap-proj", entity="demo")
    run.stop()
    run.update_state("failed")
    run.wait_until_finished(timeout=0)


WRITES.update({
    "team_create_invite_service_account": lambda api, _: _team_edits(api),
    "user_create_and_api_keys": lambda api, _: _user_edits(api),
    "run_queue_create_upsert_delete": lambda api, _: _launch_edits(api),
    "custom_chart_create": lambda api, _: api.create_custom_chart("demo", "snap-chart", "Snap", "vega2", "public", {"mark": "bar"}),
    "run_state_stop_wait": lambda api, _: _run_state_edits(api),
})  # fmt: skip


def _sync_tensorboard(api: Api) -> object:
    """The fixture's image summaries are named as skipped (the warning is part of it)."""
    with pytest.warns(SkippedTensorBoardDataWarning, match="images"):
        return api.sync_tensorboard(TENSORBOARD, run_id="snaptb", project="snap-tb", entity="demo")


@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_calls(
    writable: LocalServer, tmp_path: Path, name: str, snapshot: SnapshotAssertion
) -> None:
    recorder = Recorder()
    with Api(
        {"base_url": writable.base_url}, api_key=writable.api_key, retry=FAST_RETRY,
        transport=recorder,
    ) as client:  # fmt: skip
        assert record((client, recorder), lambda api: WRITES[name](api, tmp_path)) == snapshot


#: Api members that send nothing of their own: the guard below does not ask for a snapshot.
NO_REQUEST = {"aclose", "api_key", "flush", "settings", "user_agent"}


def test_every_api_method_has_a_snapshot() -> None:
    """Each public member of AsyncApi (and so of the generated Api) is called by some
    scenario above: a new method without a snapshot fails here."""
    tree = ast.parse(Path(__file__).read_text())
    called = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "api"
    }
    members = {name for name in dir(AsyncApi) if not name.startswith("_")}
    assert members - NO_REQUEST - called == set()
    assert members >= NO_REQUEST  # a stale exemption fails too
