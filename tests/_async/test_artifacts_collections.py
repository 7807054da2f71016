"""Artifacts over real HTTP against LocalServer: types, collections, lineage, a run's
inputs and outputs, and jobs (names, versions and files: ``test_artifacts_versions.py``).

These read the demo artifacts (``DemoInfo``; see ``_demo_artifacts``) and check what the
client reports against the server's own stored data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wandb_typed import (
    ArtifactState,
    AsyncApi,
    AsyncArtifactCollection,
    AsyncArtifactType,
    AsyncJob,
    AsyncRun,
    NotFoundError,
    TypeMismatchError,
)
from wandb_typed.testing import DemoInfo, LocalServer

from .artifact_helpers import graphql_ops, labels, stored

pytestmark = pytest.mark.anyio


def stored_aliases(server: LocalServer, project: str, collection: str) -> list[str]:
    """The server's own aliases of the collection ``demo/<project>/<collection>``, sorted."""
    arts = server.store.artifacts
    row = server.store.project("demo", project)
    assert row is not None
    found = arts.collection(int(row["id"]), collection)
    assert found is not None
    return sorted(
        str(a["alias"]) for a in arts.collection_aliases_page(int(found["id"]), None, None).rows
    )


# ---------------------------------------------------------------------- types, collections


def of_type(demo: DemoInfo, type_name: str) -> list[str]:
    """The demo's collections of one type, oldest first."""
    return [name for name, t in demo.artifact_collections.items() if t == type_name]


async def test_types_and_collections(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    where = f"demo/{demo.artifact_project}"
    types = api.artifact_types(where)
    assert [t.name async for t in types] == list(demo.artifact_types)
    assert await types.count() == len(demo.artifact_types)
    model = await api.artifact_type(demo.model_type, where)
    assert isinstance(model, AsyncArtifactType)
    assert (model.name, model.entity, model.project) == (
        demo.model_type, "demo", demo.artifact_project,
    )  # fmt: skip
    collections = [c async for c in model.collections()]
    assert sorted(c.name for c in collections) == sorted(of_type(demo, demo.model_type))
    (collection,) = [c for c in collections if c.name == demo.model_artifact]
    assert isinstance(collection, AsyncArtifactCollection)
    assert (collection.name, collection.type, collection.entity) == (
        demo.model_artifact, demo.model_type, "demo",
    )  # fmt: skip
    assert collection.is_sequence()
    aliases = stored_aliases(demo_server, demo.artifact_project, demo.model_artifact)
    assert sorted(await collection.aliases) == aliases
    assert len(aliases) > 1 and "latest" in aliases  # latest and the demo's own
    assert [a.version async for a in collection.artifacts()] == labels(demo)
    assert await model.collection(demo.model_artifact) == collection
    by_filter = model.collections(filters={"name": demo.model_artifact}, order="-name")
    assert [c.name async for c in by_filter] == [demo.model_artifact]
    datasets = api.artifact_collections(where, demo.dataset_type)
    assert await datasets.count() == len(of_type(demo, demo.dataset_type))
    assert sorted([c.name async for c in datasets]) == sorted(of_type(demo, demo.dataset_type))
    by_name = await api.artifact_collection(demo.dataset_type, f"{where}/{demo.dataset_artifact}")
    aliases = stored_aliases(demo_server, demo.artifact_project, demo.dataset_artifact)
    assert sorted(await by_name.aliases) == aliases
    assert "latest" in aliases
    assert by_name.path == f"{where}/{demo.dataset_artifact}"
    assert by_name.url.endswith(f"/{where}/artifacts/{demo.dataset_type}/{demo.dataset_artifact}")
    project = await api.project(demo.artifact_project, "demo")
    assert sorted([c.name async for c in project.collections()]) == sorted(
        demo.artifact_collections
    )
    one = project.collections(filters={"name": demo.dataset_artifact})
    assert [c.name async for c in one] == [demo.dataset_artifact]
    assert [t.name async for t in project.artifacts_types()] == list(demo.artifact_types)


async def test_collection_existence_and_types(api: AsyncApi, demo: DemoInfo) -> None:
    where = f"demo/{demo.artifact_project}"
    dataset = f"{where}/{demo.dataset_artifact}"
    assert await api.artifact_collection_exists(dataset, demo.dataset_type)
    assert not await api.artifact_collection_exists(dataset, demo.model_type)
    assert not await api.artifact_collection_exists(f"{where}/nope", demo.dataset_type)
    with pytest.raises(NotFoundError, match=f"of type '{demo.model_type}'") as wrong:
        await api.artifact_collection(demo.model_type, dataset)
    assert isinstance(wrong.value, TypeMismatchError) and isinstance(wrong.value, ValueError)
    with pytest.raises(NotFoundError, match="artifact type 'nope'"):
        await api.artifact_type("nope", where)
    assert [c async for c in api.artifact_collections(where, "nope")] == []


async def test_collection_and_source_collection_are_fetched_once(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    art = await api.artifact(f"demo/{demo.artifact_project}/{demo.model_artifact}:latest")
    since = len(demo_server.requests)
    collection = await art.collection
    assert collection.name == demo.model_artifact
    assert await art.collection is collection
    assert await art.source_collection is collection  # not a link: the same collection
    assert graphql_ops(demo_server, since) == ["ArtifactCollectionByName"]


# ---------------------------------------------------------------------- lineage, runs, jobs


async def test_lineage_is_one_request_each(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    model = f"demo/{demo.artifact_project}/{demo.model_artifact}"
    assert len(demo.model_logged_by) == demo.model_versions
    for version, run_id in enumerate(demo.model_logged_by):
        art = await api.artifact(f"{model}:v{version}")
        since = len(demo_server.requests)
        logged_by = await art.logged_by()
        assert isinstance(logged_by, AsyncRun)
        assert logged_by.id == run_id
        assert graphql_ops(demo_server, since) == ["ArtifactCreator"]
    art = await api.artifact(f"{model}:v{demo.model_versions - 1}")
    since = len(demo_server.requests)
    used_by = await art.used_by()
    assert graphql_ops(demo_server, since) == ["ArtifactUsedByPage"]
    assert [r.id for r in used_by] == [demo.model_used_by]
    assert used_by[0].config  # full runs: config and summary included
    assert await (await api.artifact(f"{model}:v0")).used_by() == []


async def test_run_inputs_and_outputs(api: AsyncApi, demo: DemoInfo) -> None:
    where = f"demo/{demo.artifact_project}"
    first = await api.run(f"{where}/{demo.model_logged_by[0]}")
    logged = first.logged_artifacts()
    expected = [f"{demo.dataset_artifact}:v0", f"{demo.model_artifact}:v0", f"{demo.job_artifact}:v0"]  # fmt: skip
    assert await logged.count() == len(expected)
    assert [a.name async for a in logged] == expected
    assert [a.name async for a in first.used_artifacts()] == [f"{demo.dataset_artifact}:v0"]
    consumer = await api.run(f"{where}/{demo.model_used_by}")
    newest = f"{demo.model_artifact}:v{demo.model_versions - 1}"
    assert [a.name async for a in consumer.used_artifacts(per_page=1)] == [newest]
    assert await consumer.logged_artifacts().count() == 0


async def test_jobs(
    api: AsyncApi, tmp_path: Path, demo_server: LocalServer, demo: DemoInfo
) -> None:
    project = demo.artifact_project
    where = f"demo/{project}"
    (summary,) = await api.list_jobs("demo", project)
    assert (summary.name, summary.entity, summary.project) == (demo.job_artifact, "demo", project)
    assert summary.version_count == len(summary.versions) == demo.job_versions
    newest = f"v{demo.job_versions - 1}"
    assert [(v.version, v.aliases, v.state) for v in summary.versions][:1] == [
        (newest, ("latest",), ArtifactState.COMMITTED)
    ]
    spec = json.loads(stored(demo_server, project, f"{demo.job_artifact}:latest")["wandb-job.json"])
    job = await api.job(f"{where}/{demo.job_artifact}:latest", path=tmp_path / "job")
    assert isinstance(job, AsyncJob)
    assert job.name == f"{where}/{demo.job_artifact}:latest"
    assert job.entrypoint == spec["source"]["entrypoint"] and job.entrypoint
    assert job.source_type == spec["source_type"] == "repo"
    assert job.spec.git_remote == spec["source"]["git"]["remote"] and job.spec.git_remote
    params = job.input_types["params"]
    assert isinstance(params, dict) and isinstance(params["type_map"], dict)
    assert sorted(params["type_map"]) == sorted(spec["input_types"]["params"]["type_map"])
    assert params["type_map"]
    assert json.loads((tmp_path / "job" / "wandb-job.json").read_bytes()) == spec
    assert job.spec.raw == spec
    assert job.artifact.type == "job"
    with pytest.raises(NotFoundError, match="of type 'job'"):
        await api.job(f"{where}/{demo.model_artifact}:latest", path=tmp_path / "not-a-job")
    assert await api.list_jobs("demo", demo.empty_project) == []
    with pytest.raises(NotFoundError):
        await api.list_jobs("demo", "nope")
