"""Artifacts over real HTTP against LocalServer: names, versions and files of a version
(collections, types, lineage and jobs: ``test_artifacts_collections.py``; writes:
``test_artifacts_writes.py``; downloads: ``test_artifact_downloads.py``).

These read the demo artifacts (``DemoInfo``: ``artifact_project``, ``model_artifact``,
...; see ``_demo_artifacts``) and check what the client reports against the server's
own stored data.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from wandb_typed import (
    ArtifactState,
    AsyncApi,
    AsyncArtifact,
    InputError,
    NotFoundError,
)
from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.testing._store.artifacts import manifest_digest, md5_b64

from ..support import make_async_api
from .artifact_helpers import graphql_ops, labels, stored, stored_version

pytestmark = pytest.mark.anyio


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
    with pytest.raises(ValueError, match="of type"):  # the seed's error, for the same mistake
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


# ---------------------------------------------------------------------- files


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


# ---------------------------------------------------------------------- warnings


async def test_no_warning_on_ordinary_use(api: AsyncApi, demo: DemoInfo) -> None:
    name = f"{demo.model_artifact}:v0"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (await api.artifact(f"demo/{demo.artifact_project}/{name}")).name == name
