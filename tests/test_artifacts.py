"""Artifacts over real HTTP against LocalServer: names, versions, collections, types,
files, lineage, jobs, and every write (downloads: ``test_artifact_downloads.py``).

Reads use the demo artifacts in ``demo/mnist`` (see ``_demo_artifacts``) and check
what the client reports against the server's own stored data; writes use a
``fresh`` server each.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from wandb_typed import (
    Api,
    Artifact,
    ArtifactCollection,
    ArtifactState,
    ArtifactType,
    AsyncApi,
    AsyncArtifact,
    GraphQLError,
    InputError,
    Job,
    NotFoundError,
    Run,
    UsageError,
)
from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.testing._store.artifacts import manifest_digest, md5_b64

from .support import make_api, make_async_api

MNIST = "demo/mnist"


def stored(server: LocalServer, project: str, name: str) -> dict[str, bytes]:
    """The server's own files of ``demo/<project>/<collection:alias>``."""
    arts = server.store.artifacts
    row = server.store.project("demo", project)
    assert row is not None
    collection_name, _, alias = name.partition(":")
    collection = arts.collection(int(row["id"]), collection_name)
    assert collection is not None
    membership = arts.membership(int(collection["id"]), alias)
    assert membership is not None
    out: dict[str, bytes] = {}
    for file in arts.files_page(int(membership["id"]), first=5000).rows:
        content = arts.blob(str(file["digest"]))
        assert content is not None
        out[str(file["path"])] = content
    return out


def graphql_ops(server: LocalServer, since: int) -> list[str | None]:
    return [r.operation_name for r in server.requests[since:] if r.path.endswith("/graphql")]


# ---------------------------------------------------------------------- names


@pytest.mark.parametrize("version", [0, 1, 2])
def test_artifact_fields_match_the_store(
    api: Api, demo_server: LocalServer, demo: DemoInfo, version: int
) -> None:
    art = api.artifact(f"{MNIST}/mnist-cnn:v{version}")
    files = stored(demo_server, "mnist", f"mnist-cnn:v{version}")
    assert isinstance(art, Artifact)
    assert (art.name, art.version, art.type) == (f"mnist-cnn:v{version}", f"v{version}", "model")
    assert (art.entity, art.project) == ("demo", "mnist")
    assert art.qualified_name == f"demo/mnist/mnist-cnn:v{version}"
    assert (art.source_name, art.source_version) == (art.name, art.version)
    assert art.source_qualified_name == art.qualified_name
    assert art.is_link is False
    assert art.state is ArtifactState.COMMITTED
    assert art.digest == manifest_digest((p, md5_b64(b)) for p, b in files.items())
    assert art.size == sum(len(b) for b in files.values())
    assert art.file_count == 2
    assert art.metadata["accuracy"] == [0.91, 0.95, 0.97][version]
    assert sorted(art.aliases) == (["best", "latest"] if version == 2 else [])
    assert art.tags == (["candidate"] if version == 1 else [])
    assert art.ttl is None
    assert art.url.endswith(f"/demo/mnist/artifacts/model/mnist-cnn/v{version}")
    logged_by = api.run(f"{MNIST}/{demo.model_logged_by[version]}")
    assert art.history_step == logged_by.last_step  # logged after its last step
    assert art.collection_name == "mnist-cnn"


def test_alias_version_and_defaults_name_the_same_version(demo_server: LocalServer) -> None:
    api = make_api(demo_server, overrides={"entity": "demo", "project": "mnist"})
    ids = {
        api.artifact(n).id
        for n in (
            "demo/mnist/mnist-cnn:v2",
            "mnist/mnist-cnn:latest",
            "mnist-cnn:best",
            "mnist-cnn",  # no version: latest
        )
    }
    assert len(ids) == 1
    assert api.artifact("mnist-cnn:v0", type="model").version == "v0"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "a/b/c/d:v0",
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
def test_malformed_names_fail_before_any_request(demo_server: LocalServer, name: Any) -> None:
    api = make_api(demo_server)
    since = len(demo_server.requests)
    with pytest.raises(InputError):
        api.artifact(name)
    with pytest.raises(InputError):
        api.artifact_exists(name)
    assert demo_server.requests[since:] == []


def test_bad_arguments_fail_before_any_request(demo_server: LocalServer) -> None:
    api = make_api(demo_server)
    project = api.project("mnist", "demo")
    since = len(demo_server.requests)
    with pytest.raises(InputError):
        api.artifact(f"{MNIST}/mnist-cnn:v0", type="bad type")
    with pytest.raises(InputError):
        api.artifacts("model", f"{MNIST}/mnist-cnn:v0")  # a collection has no version
    with pytest.raises(InputError):
        api.artifacts("model", f"{MNIST}/mnist-cnn", per_page=0)
    with pytest.raises(InputError):
        api.artifacts("model", f"{MNIST}/mnist-cnn", tags="no/slash")
    with pytest.raises(InputError):
        api.artifact_collections("a/b/c", "model")
    with pytest.raises(InputError):
        api.artifact_collection("model", "x/y/z/w")
    with pytest.raises(InputError):
        api.artifact_type("", MNIST)
    with pytest.raises(InputError):
        project.collections(order="-name; drop")
    with pytest.raises(InputError):
        project.collections(filters={"name": object()})
    assert demo_server.requests[since:] == []


def test_registry_paths_use_the_organization(fresh: LocalServer) -> None:
    fresh.store.create_team("acme", members=["demo"])
    fresh.store.create_project("acme", "wandb-registry-model")
    fresh.store.artifacts.create_artifact(
        "acme", "wandb-registry-model", "classifier", "model", {"m.bin": b"x"}
    )
    with_org = make_api(fresh, overrides={"organization": "acme"})
    art = with_org.artifact("wandb-registry-model/classifier:latest")
    assert (art.entity, art.project, art.version) == ("acme", "wandb-registry-model", "v0")
    assert art.name == "classifier:latest"  # as asked for, like the official client
    assert make_api(fresh).artifact("acme/wandb-registry-model/classifier:v0").id == art.id
    since = len(fresh.requests)
    with pytest.raises(InputError, match="organization"):
        make_api(fresh).artifact("wandb-registry-model/classifier:latest")
    assert fresh.requests[since:] == []


def test_missing_and_mistyped_versions_are_not_found(api: Api) -> None:
    with pytest.raises(NotFoundError, match="mnist-cnn:v9"):
        api.artifact(f"{MNIST}/mnist-cnn:v9")
    with pytest.raises(NotFoundError, match="no-such"):
        api.artifact(f"{MNIST}/no-such:latest")
    with pytest.raises(NotFoundError, match="project demo/nope"):
        api.artifact("demo/nope/mnist-cnn:v0")
    with pytest.raises(NotFoundError, match=r"of type 'dataset'.*'model'"):
        api.artifact(f"{MNIST}/mnist-cnn:v0", type="dataset")
    assert api.artifact_exists(f"{MNIST}/mnist-cnn:v1")
    assert api.artifact_exists(f"{MNIST}/mnist-cnn:best", type="model")
    assert not api.artifact_exists(f"{MNIST}/mnist-cnn:v3")
    assert not api.artifact_exists(f"{MNIST}/mnist-cnn:v0", type="dataset")
    assert not api.artifact_exists("demo/nope/x:v0")


# ---------------------------------------------------------------------- versions


@pytest.mark.parametrize("per_page", [1, 2, 50])
def test_versions_of_a_collection(api: Api, demo_server: LocalServer, per_page: int) -> None:
    versions = api.artifacts("model", f"{MNIST}/mnist-cnn", per_page=per_page)
    since = len(demo_server.requests)
    assert len(versions) == 3
    assert graphql_ops(demo_server, since) == ["ArtifactVersionPage"]  # the count is on page 1
    assert [a.name for a in versions] == ["mnist-cnn:v2", "mnist-cnn:v1", "mnist-cnn:v0"]
    assert versions[1].version == "v1"
    assert [a.version for a in versions[-2:]] == ["v1", "v0"]
    assert all(isinstance(a, Artifact) for a in versions)
    first = next(iter(versions.pages()))
    assert [a.version for a in versions.from_cursor(first.end_cursor)] == (
        ["v1", "v0"] if per_page == 1 else ["v0"] if per_page == 2 else []
    )


def test_versions_filtered_by_tags_on_the_client(api: Api) -> None:
    tagged = api.artifacts("model", f"{MNIST}/mnist-cnn", tags=["candidate"])
    assert [a.version for a in tagged] == ["v1"]
    assert len(tagged) == 1  # counted by walking: the server's count ignores the tags
    assert list(api.artifacts("model", f"{MNIST}/mnist-cnn", tags=["candidate", "x"])) == []


def test_versions_of_a_wrong_type_or_missing_collection(api: Api) -> None:
    with pytest.raises(NotFoundError, match="of type 'dataset'"):
        list(api.artifacts("dataset", f"{MNIST}/mnist-cnn"))
    with pytest.raises(NotFoundError):
        len(api.artifacts("model", f"{MNIST}/no-such"))


def test_artifact_versions_is_deprecated(api: Api) -> None:
    with pytest.warns(DeprecationWarning, match="artifacts"):
        versions = api.artifact_versions("model", f"{MNIST}/mnist-cnn")
    assert [a.version for a in versions] == ["v2", "v1", "v0"]


# ---------------------------------------------------------------------- types, collections


def test_types_and_collections(api: Api) -> None:
    types = api.artifact_types(MNIST)
    assert [t.name for t in types] == ["dataset", "model", "job"]
    assert len(types) == 3
    model = api.artifact_type("model", MNIST)
    assert isinstance(model, ArtifactType)
    assert (model.name, model.entity, model.project) == ("model", "demo", "mnist")
    (collection,) = list(model.collections())
    assert isinstance(collection, ArtifactCollection)
    assert (collection.name, collection.type, collection.entity) == ("mnist-cnn", "model", "demo")
    assert collection.is_sequence()
    assert sorted(collection.aliases) == ["best", "latest"]
    assert [a.version for a in collection.artifacts()] == ["v2", "v1", "v0"]
    assert model.collection("mnist-cnn") == collection
    assert [c.name for c in model.collections(filters={"name": "mnist-cnn"}, order="-name")] == [
        "mnist-cnn"
    ]
    collections = api.artifact_collections(MNIST, "dataset")
    assert len(collections) == 1
    assert [c.name for c in collections] == ["mnist-train"]
    by_name = api.artifact_collection("dataset", f"{MNIST}/mnist-train")
    assert by_name.aliases == ["latest"]
    assert by_name.path == "demo/mnist/mnist-train"
    assert by_name.url.endswith("/demo/mnist/artifacts/dataset/mnist-train")
    project = api.project("mnist", "demo")
    assert sorted(c.name for c in project.collections()) == [
        "mnist-cnn",
        "mnist-train",
        "train-mnist",
    ]
    assert [c.name for c in project.collections(filters={"name": "mnist-train"})] == ["mnist-train"]
    assert [t.name for t in project.artifacts_types()] == ["dataset", "model", "job"]


def test_collection_existence_and_types(api: Api) -> None:
    assert api.artifact_collection_exists(f"{MNIST}/mnist-train", "dataset")
    assert not api.artifact_collection_exists(f"{MNIST}/mnist-train", "model")
    assert not api.artifact_collection_exists(f"{MNIST}/nope", "dataset")
    with pytest.raises(NotFoundError, match="of type 'model'"):
        api.artifact_collection("model", f"{MNIST}/mnist-train")
    with pytest.raises(NotFoundError, match="artifact type 'nope'"):
        api.artifact_type("nope", MNIST)
    assert list(api.artifact_collections(MNIST, "nope")) == []


def test_collection_and_source_collection_are_fetched_once(
    api: Api, demo_server: LocalServer
) -> None:
    art = api.artifact(f"{MNIST}/mnist-cnn:v2")
    since = len(demo_server.requests)
    assert art.collection.name == "mnist-cnn"
    assert art.collection is art.collection
    assert art.source_collection is art.collection  # not a link: the same collection
    assert graphql_ops(demo_server, since) == ["ArtifactCollectionByName"]


# ---------------------------------------------------------------------- files, lineage


@pytest.mark.parametrize("per_page", [1, 50])
def test_files_of_a_version(api: Api, demo_server: LocalServer, per_page: int) -> None:
    art = api.artifact(f"{MNIST}/mnist-cnn:v2")
    files = stored(demo_server, "mnist", "mnist-cnn:v2")
    listed = art.files(per_page=per_page)
    assert len(listed) == 2
    by_name = {f.name: f for f in listed}
    assert {n: f.size for n, f in by_name.items()} == {n: len(b) for n, b in files.items()}
    assert all(f.md5 == md5_b64(files[n]) == f.digest for n, f in by_name.items())
    assert [f.name for f in art.files(names=["model.pt"])] == ["model.pt"]
    assert len(art.files(names=["model.pt", "nope"])) == 1
    assert len(api.artifact(f"{MNIST}/mnist-train:v0").files(per_page=64)) == 200


def test_manifest_and_entries(api: Api, demo_server: LocalServer, tmp_path: Path) -> None:
    art = api.artifact(f"{MNIST}/mnist-cnn:v1")
    files = stored(demo_server, "mnist", "mnist-cnn:v1")
    since = len(demo_server.requests)
    manifest = art.manifest
    assert art.manifest is manifest  # fetched once
    assert len(demo_server.requests[since:]) == 2  # its signed URL, then the document
    assert manifest.digest() == art.digest
    assert {e.path: e.digest for e in manifest} == {p: md5_b64(b) for p, b in files.items()}
    assert manifest.size == art.size
    entry = art.get_entry("config.json")
    assert (entry.path, entry.size, entry.ref, entry.is_reference) == (
        "config.json", len(files["config.json"]), None, False,
    )  # fmt: skip
    assert entry.download(root=tmp_path).read_bytes() == files["config.json"]
    with pytest.raises(NotFoundError, match="no file 'nope'"):
        art.get_entry("nope")


def test_file_listing_download(api: Api, demo_server: LocalServer, tmp_path: Path) -> None:
    art = api.artifact(f"{MNIST}/mnist-cnn:v0")
    (model,) = list(art.files(names=["model.pt"]))
    path = model.download(root=tmp_path)
    assert path.read_bytes() == stored(demo_server, "mnist", "mnist-cnn:v0")["model.pt"]
    with pytest.raises(InputError, match="already exists"):
        model.download(root=tmp_path)
    assert model.download(root=tmp_path, exist_ok=True) == path


def test_lineage_is_one_request_each(api: Api, demo_server: LocalServer, demo: DemoInfo) -> None:
    for version, run_id in enumerate(demo.model_logged_by):
        art = api.artifact(f"{MNIST}/mnist-cnn:v{version}")
        since = len(demo_server.requests)
        logged_by = art.logged_by()
        assert isinstance(logged_by, Run)
        assert logged_by.id == run_id
        assert graphql_ops(demo_server, since) == ["ArtifactCreator"]
    art = api.artifact(f"{MNIST}/mnist-cnn:v2")
    since = len(demo_server.requests)
    used_by = art.used_by()
    assert graphql_ops(demo_server, since) == ["ArtifactUsedByPage"]
    assert [r.id for r in used_by] == [demo.model_used_by]
    assert used_by[0].config  # full runs: config and summary included
    assert api.artifact(f"{MNIST}/mnist-cnn:v0").used_by() == []


def test_run_inputs_and_outputs(api: Api, demo: DemoInfo) -> None:
    first = api.run(f"{MNIST}/{demo.model_logged_by[0]}")
    logged = first.logged_artifacts()
    assert len(logged) == 3
    assert [a.name for a in logged] == ["mnist-train:v0", "mnist-cnn:v0", "train-mnist:v0"]
    assert [a.name for a in first.used_artifacts()] == ["mnist-train:v0"]
    consumer = api.run(f"{MNIST}/{demo.model_used_by}")
    assert [a.name for a in consumer.used_artifacts(per_page=1)] == ["mnist-cnn:v2"]
    assert len(consumer.logged_artifacts()) == 0


def test_jobs(api: Api, tmp_path: Path, demo_server: LocalServer) -> None:
    (summary,) = api.list_jobs("demo", "mnist")
    assert (summary.name, summary.entity, summary.project) == ("train-mnist", "demo", "mnist")
    assert [(v.version, v.aliases, v.state) for v in summary.versions] == [
        ("v0", ("latest",), ArtifactState.COMMITTED)
    ]
    assert summary.version_count == 1
    job = api.job(f"{MNIST}/train-mnist:latest", path=tmp_path / "job")
    assert isinstance(job, Job)
    assert job.name == f"{MNIST}/train-mnist:latest"
    assert job.entrypoint == ["python", "train.py"]
    assert job.source_type == "repo"
    assert job.spec.git_remote == "https://github.com/example/mnist.git"
    params = job.input_types["params"]
    assert isinstance(params, dict) and isinstance(params["type_map"], dict)
    assert sorted(params["type_map"]) == ["batch_size", "epochs", "lr", "optimizer"]
    spec = json.loads((tmp_path / "job" / "wandb-job.json").read_bytes())
    assert spec == json.loads(stored(demo_server, "mnist", "train-mnist:v0")["wandb-job.json"])
    assert job.spec.raw == spec
    assert job.artifact.type == "job"
    with pytest.raises(NotFoundError, match="of type 'job'"):
        api.job(f"{MNIST}/mnist-cnn:latest", path=tmp_path / "not-a-job")
    assert api.list_jobs("demo", "llm-finetune") == []
    with pytest.raises(NotFoundError):
        api.list_jobs("demo", "nope")


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
def writable(fresh: LocalServer) -> Iterator[tuple[LocalServer, Api]]:
    _sequence(fresh)
    with make_api(fresh) as client:
        yield fresh, client


def test_save_sends_only_what_changed_in_one_request(writable: tuple[LocalServer, Api]) -> None:
    server, api = writable
    art = api.artifact("demo/w/m:v1")
    since = len(server.requests)
    art.save()  # nothing changed
    assert server.requests[since:] == []
    art.aliases.append("staging")
    art.tags = ["reviewed"]
    art.description = "second"
    art.metadata["score"] = 1.5  # in place
    art.ttl = timedelta(days=2)
    art.save()
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
    again = api.artifact("demo/w/m:staging")
    assert again.version == "v1"
    assert (again.description, again.metadata, again.tags, again.ttl) == (
        "second", {"score": 1.5}, ["reviewed"], timedelta(days=2),
    )  # fmt: skip
    only = api.artifact("demo/w/m:v1")
    only.description = "third"
    since = len(server.requests)
    only.save()
    (sent,) = [r for r in server.requests[since:] if r.path.endswith("/graphql")]
    assert sent.variables is not None
    assert set(sent.variables) == {
        "id", "description", "aliasesToAdd", "aliasesToDelete", "addAliases", "deleteAliases",
    }  # fmt: skip
    only.aliases.append("latest")  # moves latest off v2
    only.aliases.remove("staging")
    only.ttl = None
    only.save()
    assert api.artifact("demo/w/m:latest").version == "v1"
    assert api.artifact("demo/w/m:v2").aliases == []
    assert not api.artifact_exists("demo/w/m:staging")
    assert api.artifact("demo/w/m:v1").ttl is None


def test_bad_edits_fail_before_any_request(writable: tuple[LocalServer, Api]) -> None:
    server, api = writable
    art = api.artifact("demo/w/m:v0")
    since = len(server.requests)
    with pytest.raises(InputError):
        art.ttl = timedelta(seconds=-5)
    with pytest.raises(InputError):
        art.tags = "one"  # type: ignore[assignment]
    with pytest.raises(InputError):
        art.aliases = ["ok", "not/ok"]
    art.aliases.append("v7")  # a version label is not an alias
    with pytest.raises(InputError, match="version label"):
        art.save()
    art.aliases.pop()
    art.tags.append("bad/tag")
    with pytest.raises(InputError, match="bad/tag"):
        art.save()
    art.tags.pop()
    art.metadata["when"] = object()  # type: ignore[assignment]
    with pytest.raises(InputError, match="when"):
        art.save()
    assert server.requests[since:] == []


def test_link_unlink_and_linked_aliases(writable: tuple[LocalServer, Api], tmp_path: Path) -> None:
    server, api = writable
    art = api.artifact("demo/w/m:v0")
    linked = art.link("m-portfolio", aliases=["production"])
    assert isinstance(linked, Artifact)
    assert (linked.name, linked.is_link, linked.source_name) == ("m-portfolio:v0", True, "m:v0")
    assert sorted(linked.aliases) == ["latest", "production"]
    through = api.artifact("demo/w/m-portfolio:production")
    assert through.id == art.id and through.is_link
    assert through.download(root=tmp_path / "p") == tmp_path / "p"
    assert (tmp_path / "p" / "w.bin").read_bytes() == b"m 0"
    assert through.collection.name == "m-portfolio"
    assert not through.collection.is_sequence()
    assert through.source_collection.name == "m"
    since = len(server.requests)
    through.aliases.append("canary")  # a link's aliases alone: the alias mutation only
    through.save()
    assert graphql_ops(server, since) == ["AddArtifactAliases"]
    assert api.artifact("demo/w/m-portfolio:canary").id == art.id
    through.delete()  # a link is unlinked, not deleted
    assert not api.artifact_exists("demo/w/m-portfolio:production")
    assert api.artifact_exists("demo/w/m:v0")
    with pytest.raises(UsageError, match="not a link"):
        art.unlink()
    with pytest.raises(InputError):
        art.link("a/b/c/d")


def test_delete_versions(writable: tuple[LocalServer, Api]) -> None:
    _, api = writable
    api.artifact("demo/w/m:v0").delete()
    assert not api.artifact_exists("demo/w/m:v0")
    with pytest.raises(GraphQLError, match="has aliases"):
        api.artifact("demo/w/m:v2").delete()
    api.artifact("demo/w/m:v2").delete(delete_aliases=True)
    assert [a.version for a in api.artifacts("model", "demo/w/m")] == ["v1"]
    with pytest.raises(InputError):
        api.artifact("demo/w/m:v1").delete(delete_aliases="yes")  # type: ignore[arg-type]


def test_collection_save_change_type_and_delete(writable: tuple[LocalServer, Api]) -> None:
    server, api = writable
    collection = api.artifact_collection("model", "demo/w/m")
    since = len(server.requests)
    collection.save()
    assert server.requests[since:] == []
    collection.description = "renamed"
    collection.tags = ["vision"]
    collection.name = "m-renamed"
    collection.save()
    assert graphql_ops(server, since) == ["SaveArtifactSequence"]
    assert collection.path == "demo/w/m-renamed"
    renamed = api.artifact_collection("model", "demo/w/m-renamed")
    assert (renamed.description, renamed.tags) == ("renamed", ["vision"])
    renamed.tags = []
    renamed.save()
    assert api.artifact_collection("model", "demo/w/m-renamed").tags == []
    renamed.change_type("checkpoint")
    assert renamed.type == "checkpoint"
    assert api.artifact("demo/w/m-renamed:v0").type == "checkpoint"
    with pytest.raises(InputError):
        renamed.change_type("no spaces")
    renamed.delete()
    assert not api.artifact_collection_exists("demo/w/m-renamed", "checkpoint")
    assert not api.artifact_exists("demo/w/m-renamed:v0")


def test_portfolio_save_and_delete(writable: tuple[LocalServer, Api]) -> None:
    server, api = writable
    api.artifact("demo/w/m:v1").link("shelf")
    shelf = api.artifact_collection("model", "demo/w/shelf")
    assert not shelf.is_sequence()
    shelf.description = "the shelf"
    since = len(server.requests)
    shelf.save()
    assert graphql_ops(server, since) == ["SaveArtifactPortfolio"]
    assert api.artifact_collection("model", "demo/w/shelf").description == "the shelf"
    with pytest.raises(UsageError, match="portfolio"):
        shelf.change_type("other")
    shelf.delete()
    assert not api.artifact_collection_exists("demo/w/shelf", "model")
    assert api.artifact_exists("demo/w/m:v1")  # the linked version stays


def test_use_and_log_artifact(writable: tuple[LocalServer, Api]) -> None:
    server, api = writable
    consumer = api.run("demo/w/m-r2")
    art = api.artifact("demo/w/m:v0")
    assert consumer.use_artifact(art) is art
    assert [a.name for a in consumer.used_artifacts()] == ["m:v0"]
    assert "m-r2" in [r.id for r in art.used_by()]
    logged = consumer.log_artifact(art, aliases=["relogged"], tags=["again"])
    assert (logged.id, logged.aliases, logged.tags) == (art.id, ["relogged"], ["again"])
    assert "m:v0" in [a.name for a in consumer.logged_artifacts()]
    server.store.create_project("demo", "other")
    server.store.create_run("demo", "other", name="elsewhere")
    since = len(server.requests)
    with pytest.raises(InputError, match="own project"):
        api.run("demo/other/elsewhere").log_artifact(art)
    with pytest.raises(InputError):
        consumer.use_artifact("demo/w/m:v0")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        consumer.log_artifact(art, aliases=["v3"])
    assert graphql_ops(server, since) == ["RunByName"]  # the run lookup only


def test_single_file_artifacts(fresh: LocalServer, tmp_path: Path) -> None:
    fresh.store.create_project("demo", "w")
    fresh.store.artifacts.create_artifact("demo", "w", "one", "data", {"d/only.txt": "hello"})
    fresh.store.artifacts.create_artifact("demo", "w", "two", "data", {"a": "1", "b": "2"})
    api = make_api(fresh)
    assert api.artifact("demo/w/one:v0").file(tmp_path).read_text() == "hello"
    two = api.artifact("demo/w/two:v0")
    since = len(fresh.requests)
    with pytest.raises(UsageError, match="2 files"):
        two.file(tmp_path)
    assert fresh.requests[since:] == []


# ---------------------------------------------------------------------- async


def test_async_twin_reads_and_writes(fresh: LocalServer, tmp_path: Path) -> None:
    _sequence(fresh)

    async def scenario() -> None:
        async with make_async_api(fresh) as aapi:
            art = await aapi.artifact("demo/w/m:v2")
            assert isinstance(art, AsyncArtifact)
            assert art.aliases == ["latest"]
            versions = aapi.artifacts("model", "demo/w/m", per_page=1)
            assert await versions.count() == 3
            assert [a.version async for a in versions] == ["v2", "v1", "v0"]
            assert (await versions.at(-1)).version == "v0"
            assert [t.name async for t in aapi.artifact_types("demo/w")] == ["model"]
            assert (await (await art.collection).aliases) == ["latest"]
            assert (await art.manifest).digest() == art.digest
            run = await art.logged_by()
            assert run is not None and run.id == "m-r2"
            art.tags.append("async")
            await art.save()
            assert (await aapi.artifact("demo/w/m:v2")).tags == ["async"]
            root = await art.download(tmp_path / "a")
            assert (root / "w.bin").read_bytes() == b"m 2"
            await art.verify(root)
            assert await aapi.artifact_exists("demo/w/m:v1")

    asyncio.run(scenario())


def test_async_bad_names_fail_before_any_request(fresh: LocalServer) -> None:
    async def scenario(aapi: AsyncApi) -> None:
        with pytest.raises(InputError):
            await aapi.artifact("a/b/c/d")
        with pytest.raises(InputError):
            aapi.artifacts("model", "a:b")

    from .support import run_async

    run_async(scenario, fresh)
    assert fresh.requests == []


def test_no_warning_on_ordinary_use(api: Api) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert api.artifact(f"{MNIST}/mnist-cnn:v0").name == "mnist-cnn:v0"
