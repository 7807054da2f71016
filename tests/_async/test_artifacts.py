"""Artifacts over real HTTP against LocalServer: names, versions, collections, types,
files, lineage, jobs, and every write (downloads: ``test_artifact_downloads.py``).

Reads use the demo artifacts (``DemoInfo``: ``artifact_project``, ``model_artifact``,
...; see ``_demo_artifacts``) and check what the client reports against the server's
own stored data; writes use a ``fresh`` server each.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from wandb_typed import (
    ArtifactState,
    AsyncApi,
    AsyncArtifact,
    AsyncArtifactCollection,
    AsyncArtifactType,
    AsyncJob,
    AsyncRun,
    GraphQLError,
    InputError,
    NotFoundError,
    UsageError,
)
from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.testing._store.artifacts import manifest_digest, md5_b64

from ..support import make_async_api

pytestmark = pytest.mark.anyio


def stored(server: LocalServer, project: str, name: str) -> dict[str, bytes]:
    """The server's own files of ``demo/<project>/<collection:alias>``."""
    arts = server.store.artifacts
    out: dict[str, bytes] = {}
    for file in arts.files_page(int(_membership(server, project, name)["id"]), first=5000).rows:
        content = arts.blob(str(file["digest"]))
        assert content is not None
        out[str(file["path"])] = content
    return out


def stored_version(server: LocalServer, project: str, name: str) -> dict[str, Any]:
    """The server's own metadata, aliases and tags of ``demo/<project>/<collection:alias>``."""
    arts = server.store.artifacts
    row = _membership(server, project, name)
    aliases = arts.aliases_of_memberships([int(row["membership_id"])])[int(row["membership_id"])]
    tags = arts.tags_of_artifacts([int(row["id"])])[int(row["id"])]
    return {
        "metadata": json.loads(str(row["metadata"])),
        "aliases": sorted(str(a["alias"]) for a in aliases),
        "tags": sorted(str(t["name"]) for t in tags),
    }


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


def _membership(server: LocalServer, project: str, name: str) -> dict[str, Any]:
    arts = server.store.artifacts
    row = server.store.project("demo", project)
    assert row is not None
    collection_name, _, alias = name.partition(":")
    collection = arts.collection(int(row["id"]), collection_name)
    assert collection is not None
    membership = arts.membership(int(collection["id"]), alias)
    assert membership is not None
    return dict(membership)


def graphql_ops(server: LocalServer, since: int) -> list[str | None]:
    return [r.operation_name for r in server.requests[since:] if r.path.endswith("/graphql")]


def labels(demo: DemoInfo) -> list[str]:
    """The model's versions, newest first (as listings order them)."""
    return [f"v{i}" for i in reversed(range(demo.model_versions))]


# ---------------------------------------------------------------------- names


async def test_artifact_fields_match_the_store(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    project, model = demo.artifact_project, demo.model_artifact
    for version in range(demo.model_versions):
        art = await api.artifact(f"demo/{project}/{model}:v{version}")
        files = stored(demo_server, project, f"{model}:v{version}")
        facts = stored_version(demo_server, project, f"{model}:v{version}")
        assert isinstance(art, AsyncArtifact)
        assert (art.name, art.version, art.type) == (
            f"{model}:v{version}", f"v{version}", demo.model_type,
        )  # fmt: skip
        assert (art.entity, art.project) == ("demo", project)
        assert art.qualified_name == f"demo/{project}/{model}:v{version}"
        assert (art.source_name, art.source_version) == (art.name, art.version)
        assert art.source_qualified_name == art.qualified_name
        assert art.is_link is False
        assert art.state is ArtifactState.COMMITTED
        assert art.digest == manifest_digest((p, md5_b64(b)) for p, b in files.items())
        assert art.size == sum(len(b) for b in files.values())
        assert art.file_count == len(files) > 0
        assert art.metadata == facts["metadata"] and art.metadata
        assert sorted(art.aliases) == facts["aliases"]
        assert ("latest" in art.aliases) == (version == demo.model_versions - 1)
        assert art.tags == facts["tags"]
        assert art.ttl is None
        assert art.url.endswith(f"/demo/{project}/artifacts/{demo.model_type}/{model}/v{version}")
        logged_by = await api.run(f"demo/{project}/{demo.model_logged_by[version]}")
        assert art.history_step == logged_by.last_step  # logged after its last step
        assert art.collection_name == model


async def test_alias_version_and_defaults_name_the_same_version(
    demo_server: LocalServer, demo: DemoInfo
) -> None:
    project, model = demo.artifact_project, demo.model_artifact
    newest = f"v{demo.model_versions - 1}"
    aliases = stored_version(demo_server, project, f"{model}:{newest}")["aliases"]
    assert "latest" in aliases
    overrides = {"entity": "demo", "project": project}
    async with make_async_api(demo_server, overrides=overrides) as api:
        names = [
            f"demo/{project}/{model}:{newest}",
            f"{project}/{model}:latest",
            *(f"{model}:{alias}" for alias in aliases),
            model,  # no version: latest
        ]
        ids = {(await api.artifact(n)).id for n in names}
        assert len(ids) == 1
        assert (await api.artifact(f"{model}:v0", type=demo.model_type)).version == "v0"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "a/b/c/d:v0",
        "a/b/c/d",
        "demo//mnist-cnn:v0",
        "demo/mnist/mnist-cnn:",
        "demo/mnist/:v0",
        "demo/mnist/mnist cnn:v0",
        "demo/mnist/mnist-cnn:a/b",
        "demo/mnist/mnist-cnn:bad\nalias",
        "demo/mn:ist/mnist-cnn:v0",
        5,
        None,
    ],
)
async def test_malformed_names_fail_before_any_request(
    api: AsyncApi, demo_server: LocalServer, name: Any
) -> None:
    since = len(demo_server.requests)
    with pytest.raises(InputError):
        await api.artifact(name)
    with pytest.raises(InputError):
        await api.artifact_exists(name)
    assert demo_server.requests[since:] == []


async def test_bad_arguments_fail_before_any_request(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    where = f"demo/{demo.artifact_project}"
    model = f"{where}/{demo.model_artifact}"
    project = await api.project(demo.artifact_project, "demo")
    since = len(demo_server.requests)
    with pytest.raises(InputError):
        await api.artifact(f"{model}:v0", type="bad type")
    with pytest.raises(InputError):
        api.artifacts(demo.model_type, f"{model}:v0")  # a collection has no version
    with pytest.raises(InputError):
        api.artifacts(demo.model_type, "a:b")
    with pytest.raises(InputError):
        api.artifacts(demo.model_type, model, per_page=0)
    with pytest.raises(InputError):
        api.artifacts(demo.model_type, model, tags="no/slash")
    with pytest.raises(InputError):
        api.artifact_collections("a/b/c", demo.model_type)
    with pytest.raises(InputError):
        await api.artifact_collection(demo.model_type, "x/y/z/w")
    with pytest.raises(InputError):
        await api.artifact_type("", where)
    with pytest.raises(InputError):
        project.collections(order="-name; drop")
    with pytest.raises(InputError):
        project.collections(filters={"name": object()})
    assert demo_server.requests[since:] == []


async def test_registry_paths_use_the_organization(fresh: LocalServer) -> None:
    fresh.store.create_team("acme", members=["demo"])
    fresh.store.create_project("acme", "wandb-registry-model")
    fresh.store.artifacts.create_artifact(
        "acme", "wandb-registry-model", "classifier", "model", {"m.bin": b"x"}
    )
    async with make_async_api(fresh, overrides={"organization": "acme"}) as with_org:
        art = await with_org.artifact("wandb-registry-model/classifier:latest")
    assert (art.entity, art.project, art.version) == ("acme", "wandb-registry-model", "v0")
    assert art.name == "classifier:latest"  # as asked for, like the official client
    async with make_async_api(fresh) as without:
        assert (await without.artifact("acme/wandb-registry-model/classifier:v0")).id == art.id
        since = len(fresh.requests)
        with pytest.raises(InputError, match="organization"):
            await without.artifact("wandb-registry-model/classifier:latest")
        assert fresh.requests[since:] == []


async def test_missing_and_mistyped_versions_are_not_found(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    model = f"demo/{demo.artifact_project}/{demo.model_artifact}"
    past_the_end = f"v{demo.model_versions}"
    newest = f"v{demo.model_versions - 1}"
    with pytest.raises(NotFoundError, match=f"{demo.model_artifact}:{past_the_end}"):
        await api.artifact(f"{model}:{past_the_end}")
    with pytest.raises(NotFoundError, match="no-such"):
        await api.artifact(f"demo/{demo.artifact_project}/no-such:latest")
    with pytest.raises(NotFoundError, match="project demo/nope"):
        await api.artifact(f"demo/nope/{demo.model_artifact}:v0")
    with pytest.raises(NotFoundError, match=f"of type '{demo.dataset_type}'.*'{demo.model_type}'"):
        await api.artifact(f"{model}:v0", type=demo.dataset_type)
    assert await api.artifact_exists(f"{model}:{newest}")
    for alias in stored_version(demo_server, demo.artifact_project, f"{demo.model_artifact}:{newest}")["aliases"]:  # fmt: skip
        assert await api.artifact_exists(f"{model}:{alias}", type=demo.model_type)
    assert not await api.artifact_exists(f"{model}:{past_the_end}")
    assert not await api.artifact_exists(f"{model}:v0", type=demo.dataset_type)
    assert not await api.artifact_exists("demo/nope/x:v0")


# ---------------------------------------------------------------------- versions


@pytest.mark.parametrize("per_page", [1, 2, 50])
async def test_versions_of_a_collection(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo, per_page: int
) -> None:
    model = f"demo/{demo.artifact_project}/{demo.model_artifact}"
    versions = api.artifacts(demo.model_type, model, per_page=per_page)
    since = len(demo_server.requests)
    assert await versions.count() == demo.model_versions
    assert graphql_ops(demo_server, since) == ["ArtifactVersionPage"]  # the count is on page 1
    listed = [a async for a in versions]
    assert [a.name for a in listed] == [f"{demo.model_artifact}:{v}" for v in labels(demo)]
    assert all(isinstance(a, AsyncArtifact) for a in listed)
    assert (await versions.at(1)).version == labels(demo)[1]
    assert (await versions.at(-1)).version == "v0"
    assert [a.version for a in await versions.at(slice(-2, None))] == labels(demo)[-2:]
    first = await anext(versions.pages())
    rest = versions.from_cursor(first.end_cursor)
    assert [a.version async for a in rest] == labels(demo)[per_page:]


async def test_versions_filtered_by_tags_on_the_client(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo
) -> None:
    model = f"demo/{demo.artifact_project}/{demo.model_artifact}"
    tags = {
        label: stored_version(demo_server, demo.artifact_project, f"{demo.model_artifact}:{label}")[
            "tags"
        ]
        for label in labels(demo)
    }
    tag = next(t for version_tags in tags.values() for t in version_tags)
    expected = [label for label in labels(demo) if tag in tags[label]]
    assert 0 < len(expected) < demo.model_versions
    tagged = api.artifacts(demo.model_type, model, tags=[tag])
    assert [a.version async for a in tagged] == expected
    assert await tagged.count() == len(expected)  # counted by walking: the server's ignores tags
    both = api.artifacts(demo.model_type, model, tags=[tag, "no-such-tag"])
    assert [a async for a in both] == []


async def test_versions_of_a_wrong_type_or_missing_collection(
    api: AsyncApi, demo: DemoInfo
) -> None:
    where = f"demo/{demo.artifact_project}"
    with pytest.raises(NotFoundError, match=f"of type '{demo.dataset_type}'"):
        [a async for a in api.artifacts(demo.dataset_type, f"{where}/{demo.model_artifact}")]
    with pytest.raises(NotFoundError):
        await api.artifacts(demo.model_type, f"{where}/no-such").count()


async def test_artifact_versions_is_deprecated(api: AsyncApi, demo: DemoInfo) -> None:
    model = f"demo/{demo.artifact_project}/{demo.model_artifact}"
    with pytest.warns(DeprecationWarning, match="artifacts"):
        versions = api.artifact_versions(demo.model_type, model)
    assert [a.version async for a in versions] == labels(demo)


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
    with pytest.raises(NotFoundError, match=f"of type '{demo.model_type}'"):
        await api.artifact_collection(demo.model_type, dataset)
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


# ---------------------------------------------------------------------- files, lineage


@pytest.mark.parametrize("per_page", [1, 50])
async def test_files_of_a_version(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo, per_page: int
) -> None:
    where = f"demo/{demo.artifact_project}"
    newest = f"{demo.model_artifact}:v{demo.model_versions - 1}"
    art = await api.artifact(f"{where}/{newest}")
    files = stored(demo_server, demo.artifact_project, newest)
    listed = art.files(per_page=per_page)
    assert await listed.count() == len(files)
    by_name = {f.name: f async for f in listed}
    assert {n: f.size for n, f in by_name.items()} == {n: len(b) for n, b in files.items()}
    assert all(f.md5 == md5_b64(files[n]) == f.digest for n, f in by_name.items())
    name = sorted(files)[0]
    assert [f.name async for f in art.files(names=[name])] == [name]
    assert await art.files(names=[name, "nope"]).count() == 1
    dataset = await api.artifact(f"{where}/{demo.dataset_artifact}:v0")
    assert await dataset.files(per_page=64).count() == demo.dataset_files


async def test_manifest_and_entries(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo, tmp_path: Path
) -> None:
    name = f"{demo.model_artifact}:v1"
    art = await api.artifact(f"demo/{demo.artifact_project}/{name}")
    files = stored(demo_server, demo.artifact_project, name)
    since = len(demo_server.requests)
    manifest = await art.manifest
    assert await art.manifest is manifest  # fetched once
    assert len(demo_server.requests[since:]) == 2  # its signed URL, then the document
    assert manifest.digest() == art.digest
    assert {e.path: e.digest for e in manifest} == {p: md5_b64(b) for p, b in files.items()}
    assert manifest.size == art.size
    path = sorted(files)[0]
    entry = await art.get_entry(path)
    assert (entry.path, entry.size, entry.ref, entry.is_reference) == (
        path, len(files[path]), None, False,
    )  # fmt: skip
    assert (await entry.download(root=tmp_path)).read_bytes() == files[path]
    with pytest.raises(NotFoundError, match="no file 'nope'"):
        await art.get_entry("nope")


async def test_file_listing_download(
    api: AsyncApi, demo_server: LocalServer, demo: DemoInfo, tmp_path: Path
) -> None:
    name = f"{demo.model_artifact}:v0"
    art = await api.artifact(f"demo/{demo.artifact_project}/{name}")
    files = stored(demo_server, demo.artifact_project, name)
    path_name = sorted(files)[-1]
    (file,) = [f async for f in art.files(names=[path_name])]
    path = await file.download(root=tmp_path)
    assert path.read_bytes() == files[path_name]
    with pytest.raises(InputError, match="already exists"):
        await file.download(root=tmp_path)
    assert await file.download(root=tmp_path, exist_ok=True) == path


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


# ---------------------------------------------------------------------- writes


def _sequence(server: LocalServer, name: str = "m", versions: int = 3) -> list[str]:
    """``demo/w/<name>`` with ``versions`` versions, each logged by its own run."""
    store = server.store
    if store.project("demo", "w") is None:
        store.create_project("demo", "w")
    runs: list[str] = []
    for i in range(versions):
        run = store.create_run("demo", "w", name=f"{name}-r{i}")
        runs.append(str(run["name"]))
        store.artifacts.create_artifact(
            "demo", "w", name, "model", {"w.bin": f"{name} {i}"}, run_id=int(run["id"])
        )
    return runs


@pytest.fixture
async def writable(fresh: LocalServer) -> AsyncIterator[tuple[LocalServer, AsyncApi]]:
    _sequence(fresh)
    async with make_async_api(fresh) as client:
        yield fresh, client


async def test_save_sends_only_what_changed_in_one_request(
    writable: tuple[LocalServer, AsyncApi],
) -> None:
    server, api = writable
    art = await api.artifact("demo/w/m:v1")
    since = len(server.requests)
    await art.save()  # nothing changed
    assert server.requests[since:] == []
    art.aliases.append("staging")
    art.tags = ["reviewed"]
    art.description = "second"
    art.metadata["score"] = 1.5  # in place
    art.ttl = timedelta(days=2)
    await art.save()
    (saved,) = [r for r in server.requests[since:] if r.path.endswith("/graphql")]
    assert saved.operation_name == "SaveArtifact"
    assert saved.variables is not None
    assert saved.variables["aliasesToAdd"] == [
        {
            "alias": "staging",
            "artifactCollectionName": "m",
            "entityName": "demo",
            "projectName": "w",
        }
    ]
    assert (saved.variables["tagsToAdd"], saved.variables["ttlDurationSeconds"]) == (
        [{"tagName": "reviewed"}], 2 * 86400,
    )  # fmt: skip
    again = await api.artifact("demo/w/m:staging")
    assert again.version == "v1"
    assert (again.description, again.metadata, again.tags, again.ttl) == (
        "second", {"score": 1.5}, ["reviewed"], timedelta(days=2),
    )  # fmt: skip
    only = await api.artifact("demo/w/m:v1")
    only.description = "third"
    since = len(server.requests)
    await only.save()
    (sent,) = [r for r in server.requests[since:] if r.path.endswith("/graphql")]
    assert sent.variables is not None
    assert set(sent.variables) == {
        "id", "description", "aliasesToAdd", "aliasesToDelete", "addAliases", "deleteAliases",
    }  # fmt: skip
    only.aliases.append("latest")  # moves latest off v2
    only.aliases.remove("staging")
    only.ttl = None
    await only.save()
    assert (await api.artifact("demo/w/m:latest")).version == "v1"
    assert (await api.artifact("demo/w/m:v2")).aliases == []
    assert not await api.artifact_exists("demo/w/m:staging")
    assert (await api.artifact("demo/w/m:v1")).ttl is None


async def test_bad_edits_fail_before_any_request(
    writable: tuple[LocalServer, AsyncApi],
) -> None:
    server, api = writable
    art = await api.artifact("demo/w/m:v0")
    since = len(server.requests)
    with pytest.raises(InputError):
        art.ttl = timedelta(seconds=-5)
    with pytest.raises(InputError):
        art.tags = "one"  # type: ignore[assignment]
    with pytest.raises(InputError):
        art.aliases = ["ok", "not/ok"]
    art.aliases.append("v7")  # a version label is not an alias
    with pytest.raises(InputError, match="version label"):
        await art.save()
    art.aliases.pop()
    art.tags.append("bad/tag")
    with pytest.raises(InputError, match="bad/tag"):
        await art.save()
    art.tags.pop()
    art.metadata["when"] = object()  # type: ignore[assignment]
    with pytest.raises(InputError, match="when"):
        await art.save()
    assert server.requests[since:] == []


async def test_link_unlink_and_linked_aliases(
    writable: tuple[LocalServer, AsyncApi], tmp_path: Path
) -> None:
    server, api = writable
    art = await api.artifact("demo/w/m:v0")
    linked = await art.link("m-portfolio", aliases=["production"])
    assert isinstance(linked, AsyncArtifact)
    assert (linked.name, linked.is_link, linked.source_name) == ("m-portfolio:v0", True, "m:v0")
    assert sorted(linked.aliases) == ["latest", "production"]
    through = await api.artifact("demo/w/m-portfolio:production")
    assert through.id == art.id and through.is_link
    assert await through.download(root=tmp_path / "p") == tmp_path / "p"
    assert (tmp_path / "p" / "w.bin").read_bytes() == b"m 0"
    portfolio = await through.collection
    assert portfolio.name == "m-portfolio"
    assert not portfolio.is_sequence()
    assert (await through.source_collection).name == "m"
    since = len(server.requests)
    through.aliases.append("canary")  # a link's aliases alone: the alias mutation only
    await through.save()
    assert graphql_ops(server, since) == ["AddArtifactAliases"]
    assert (await api.artifact("demo/w/m-portfolio:canary")).id == art.id
    await through.delete()  # a link is unlinked, not deleted
    assert not await api.artifact_exists("demo/w/m-portfolio:production")
    assert await api.artifact_exists("demo/w/m:v0")
    with pytest.raises(UsageError, match="not a link"):
        await art.unlink()
    with pytest.raises(InputError):
        await art.link("a/b/c/d")


async def test_delete_versions(writable: tuple[LocalServer, AsyncApi]) -> None:
    _, api = writable
    await (await api.artifact("demo/w/m:v0")).delete()
    assert not await api.artifact_exists("demo/w/m:v0")
    with pytest.raises(GraphQLError, match="has aliases"):
        await (await api.artifact("demo/w/m:v2")).delete()
    await (await api.artifact("demo/w/m:v2")).delete(delete_aliases=True)
    assert [a.version async for a in api.artifacts("model", "demo/w/m")] == ["v1"]
    with pytest.raises(InputError):
        await (await api.artifact("demo/w/m:v1")).delete(delete_aliases="yes")  # type: ignore[arg-type]


async def test_collection_save_change_type_and_delete(
    writable: tuple[LocalServer, AsyncApi],
) -> None:
    server, api = writable
    collection = await api.artifact_collection("model", "demo/w/m")
    since = len(server.requests)
    await collection.save()
    assert server.requests[since:] == []
    collection.description = "renamed"
    collection.tags = ["vision"]
    collection.name = "m-renamed"
    await collection.save()
    assert graphql_ops(server, since) == ["SaveArtifactSequence"]
    assert collection.path == "demo/w/m-renamed"
    renamed = await api.artifact_collection("model", "demo/w/m-renamed")
    assert (renamed.description, renamed.tags) == ("renamed", ["vision"])
    renamed.tags = []
    await renamed.save()
    assert (await api.artifact_collection("model", "demo/w/m-renamed")).tags == []
    await renamed.change_type("checkpoint")
    assert renamed.type == "checkpoint"
    assert (await api.artifact("demo/w/m-renamed:v0")).type == "checkpoint"
    with pytest.raises(InputError):
        await renamed.change_type("no spaces")
    await renamed.delete()
    assert not await api.artifact_collection_exists("demo/w/m-renamed", "checkpoint")
    assert not await api.artifact_exists("demo/w/m-renamed:v0")


async def test_portfolio_save_and_delete(writable: tuple[LocalServer, AsyncApi]) -> None:
    server, api = writable
    await (await api.artifact("demo/w/m:v1")).link("shelf")
    shelf = await api.artifact_collection("model", "demo/w/shelf")
    assert not shelf.is_sequence()
    shelf.description = "the shelf"
    since = len(server.requests)
    await shelf.save()
    assert graphql_ops(server, since) == ["SaveArtifactPortfolio"]
    assert (await api.artifact_collection("model", "demo/w/shelf")).description == "the shelf"
    with pytest.raises(UsageError, match="portfolio"):
        await shelf.change_type("other")
    await shelf.delete()
    assert not await api.artifact_collection_exists("demo/w/shelf", "model")
    assert await api.artifact_exists("demo/w/m:v1")  # the linked version stays


async def test_use_and_log_artifact(writable: tuple[LocalServer, AsyncApi]) -> None:
    server, api = writable
    consumer = await api.run("demo/w/m-r2")
    art = await api.artifact("demo/w/m:v0")
    assert await consumer.use_artifact(art) is art
    assert [a.name async for a in consumer.used_artifacts()] == ["m:v0"]
    assert "m-r2" in [r.id for r in await art.used_by()]
    logged = await consumer.log_artifact(art, aliases=["relogged"], tags=["again"])
    assert (logged.id, logged.aliases, logged.tags) == (art.id, ["relogged"], ["again"])
    assert "m:v0" in [a.name async for a in consumer.logged_artifacts()]
    server.store.create_project("demo", "other")
    server.store.create_run("demo", "other", name="elsewhere")
    since = len(server.requests)
    with pytest.raises(InputError, match="own project"):
        await (await api.run("demo/other/elsewhere")).log_artifact(art)
    with pytest.raises(InputError):
        await consumer.use_artifact("demo/w/m:v0")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        await consumer.log_artifact(art, aliases=["v3"])
    assert graphql_ops(server, since) == ["RunByName"]  # the run lookup only


async def test_single_file_artifacts(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path
) -> None:
    fresh.store.create_project("demo", "w")
    fresh.store.artifacts.create_artifact("demo", "w", "one", "data", {"d/only.txt": "hello"})
    fresh.store.artifacts.create_artifact("demo", "w", "two", "data", {"a": "1", "b": "2"})
    one = await fresh_api.artifact("demo/w/one:v0")
    assert (await one.file(tmp_path)).read_text() == "hello"
    two = await fresh_api.artifact("demo/w/two:v0")
    since = len(fresh.requests)
    with pytest.raises(UsageError, match="2 files"):
        await two.file(tmp_path)
    assert fresh.requests[since:] == []


async def test_one_sequence_read_and_written_end_to_end(
    writable: tuple[LocalServer, AsyncApi], tmp_path: Path
) -> None:
    _, api = writable
    art = await api.artifact("demo/w/m:v2")
    assert isinstance(art, AsyncArtifact)
    assert art.aliases == ["latest"]
    versions = api.artifacts("model", "demo/w/m", per_page=1)
    assert await versions.count() == 3
    assert [a.version async for a in versions] == ["v2", "v1", "v0"]
    assert (await versions.at(-1)).version == "v0"
    assert [t.name async for t in api.artifact_types("demo/w")] == ["model"]
    assert await (await art.collection).aliases == ["latest"]
    assert (await art.manifest).digest() == art.digest
    run = await art.logged_by()
    assert run is not None and run.id == "m-r2"
    art.tags.append("added")
    await art.save()
    assert (await api.artifact("demo/w/m:v2")).tags == ["added"]
    root = await art.download(tmp_path / "a")
    assert (root / "w.bin").read_bytes() == b"m 2"
    await art.verify(root)
    assert await api.artifact_exists("demo/w/m:v1")


async def test_no_warning_on_ordinary_use(api: AsyncApi, demo: DemoInfo) -> None:
    name = f"{demo.model_artifact}:v0"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (await api.artifact(f"demo/{demo.artifact_project}/{name}")).name == name
