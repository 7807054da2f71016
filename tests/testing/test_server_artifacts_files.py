"""Artifacts' contents on the local server, through our own operations
(queries/artifacts.graphql): the demo's files, manifests, file pages and signed
downloads; and the bounds (page sizes, keyset cursors, the row budget of nested
listings, per-version caps, contents stored once)."""

from __future__ import annotations

import json

import httpx

from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.testing._demo_artifacts import model_bytes
from wandb_typed.testing._store.artifacts import (
    MAX_FILE_PAGE,
    MAX_PAGE,
    MAX_PER_VERSION,
    manifest_digest,
)

from .artifact_helpers import (
    Ops,
    artifact_id,
    by_name,
    md5_b64,
)
from .helpers import JSON, Gql


# ---------------------------------------------------------------------- demo data
def test_demo_info_names_the_artifacts(demo: tuple[LocalServer, DemoInfo]) -> None:
    info = demo[1]
    assert (info.artifact_project, info.model_artifact, info.dataset_artifact) == (
        "mnist",
        "mnist-cnn",
        "mnist-train",
    )
    assert (info.job_artifact, info.model_versions, info.dataset_files) == ("train-mnist", 3, 200)
    assert len(info.model_logged_by) == 3
    assert all(info.model_logged_by)
    assert info.model_used_by not in (None, *info.model_logged_by)


def test_demo_model_versions(ops: Ops, demo: tuple[LocalServer, DemoInfo]) -> None:
    store = demo[0].store.artifacts
    for version in range(3):
        membership = by_name(ops, "demo", "mnist", f"mnist-cnn:v{version}")
        assert membership is not None
        artifact = membership["artifact"]
        files = ops("ArtifactFilePage", id=artifact["id"], perPage=10, withCount=True)
        by_path = {f["node"]["name"]: f["node"] for f in files["artifact"]["files"]["edges"]}
        assert sorted(by_path) == ["config.json", "model.pt"]
        model = store.blob(by_path["model.pt"]["md5"])
        assert model == model_bytes(version)
        assert len(model) == 64 * 1024
        config = store.blob(by_path["config.json"]["md5"])
        assert config is not None
        assert json.loads(config)["epochs"] == 10 * (version + 1)
        assert artifact["size"] == 64 * 1024 + len(config)
        assert artifact["fileCount"] == 2
        assert artifact["digest"] == manifest_digest([(p, f["md5"]) for p, f in by_path.items()])
        assert artifact["artifactType"]["name"] == "model"
        assert artifact["state"] == "COMMITTED"
        expected_aliases = {2: ["best", "latest"]}.get(version, [])
        assert [a["alias"] for a in membership["aliases"]] == expected_aliases
        assert [t["name"] for t in artifact["tags"]] == (["candidate"] if version == 1 else [])


def test_demo_dataset_and_job(ops: Ops, demo: tuple[LocalServer, DemoInfo]) -> None:
    dataset = by_name(ops, "demo", "mnist", "mnist-train:latest")
    assert dataset is not None
    assert dataset["versionIndex"] == 0
    assert dataset["artifact"]["artifactType"]["name"] == "dataset"
    assert dataset["artifact"]["fileCount"] == 200
    files = ops("ArtifactFileUrlPage", id=dataset["artifact"]["id"], perPage=1000)
    names = sorted(e["node"]["name"] for e in files["artifact"]["files"]["edges"])
    assert names == sorted(f"images/{d}/{n}.png" for d in range(10) for n in range(20))

    job = by_name(ops, "demo", "mnist", "train-mnist:latest")
    assert job is not None
    assert job["artifact"]["artifactType"]["name"] == "job"
    page = ops("ArtifactFilePage", id=job["artifact"]["id"], perPage=10, withCount=True)
    nodes = {e["node"]["name"]: e["node"] for e in page["artifact"]["files"]["edges"]}
    assert sorted(nodes) == ["requirements.frozen.txt", "wandb-job.json"]
    spec = json.loads(httpx.get(nodes["wandb-job.json"]["directUrl"]).content)
    assert spec["source_type"] == "repo"
    assert spec["source"]["entrypoint"] == ["python", "train.py"]
    assert spec["input_types"]["wb_type"] == "typedDict"


def test_demo_pngs_are_images(ops: Ops) -> None:
    dataset = artifact_id(ops, "mnist-train:v0")
    page = ops("ArtifactFilePage", id=dataset, names=["images/3/7.png"], perPage=5, withCount=True)
    (edge,) = page["artifact"]["files"]["edges"]
    body = httpx.get(edge["node"]["directUrl"]).content
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    assert body[12:16] == b"IHDR"
    assert edge["node"]["mimetype"] == "image/png"


# ---------------------------------------------------------------------- files & manifests
def test_manifest_matches_files_and_digest(ops: Ops, demo: tuple[LocalServer, DemoInfo]) -> None:
    artifact = artifact_id(ops, "mnist-cnn:v0")
    url = ops("ArtifactManifestUrl", id=artifact)["artifact"]["currentManifest"]["file"][
        "directUrl"
    ]
    response = httpx.get(url)  # signed: no API key
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    manifest = response.json()
    assert manifest["version"] == 1
    assert manifest["storagePolicy"] == "wandb-storage-policy-v1"
    assert sorted(manifest["contents"]) == ["config.json", "model.pt"]
    store = demo[0].store.artifacts
    for entry in manifest["contents"].values():
        content = store.blob(entry["digest"])
        assert content is not None
        assert md5_b64(content) == entry["digest"]
        assert len(content) == entry["size"]
    digest = ops("ArtifactById", id=artifact)["artifact"]["digest"]
    assert digest == manifest_digest((p, e["digest"]) for p, e in manifest["contents"].items())


def test_file_pages_and_signed_downloads(ops: Ops, demo: tuple[LocalServer, DemoInfo]) -> None:
    dataset = artifact_id(ops, "mnist-train:v0")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = ops(
            "ArtifactFilePage", id=dataset, cursor=cursor, perPage=64, withCount=cursor is None
        )["artifact"]["files"]
        if cursor is None:
            assert page["totalCount"] == 200
        else:
            assert "totalCount" not in page
        seen += [e["node"]["name"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursor = page["pageInfo"]["endCursor"]
    assert pages == 4
    assert seen == sorted(seen)
    assert len(set(seen)) == 200

    wanted = ["images/0/0.png", "images/9/19.png", "images/5/not-there.png"]
    page = ops("ArtifactFilePage", id=dataset, names=wanted, perPage=50, withCount=True)
    files = page["artifact"]["files"]
    assert files["totalCount"] == 2
    store = demo[0].store.artifacts
    for edge in files["edges"]:
        node = edge["node"]
        body = httpx.get(node["directUrl"]).content
        assert body == store.blob(node["md5"])
        assert md5_b64(body) == node["md5"] == node["digest"]
        assert len(body) == node["sizeBytes"]
        assert node["url"] == node["directUrl"]
        assert node["displayName"] == node["name"]


def test_file_url_batches(ops: Ops) -> None:
    dataset = artifact_id(ops, "mnist-train:v0")
    batch = ops("ArtifactFileUrlPage", id=dataset, perPage=150)["artifact"]["files"]
    assert len(batch["edges"]) == 150
    assert batch["pageInfo"]["hasNextPage"] is True
    rest = ops(
        "ArtifactFileUrlPage", id=dataset, perPage=150, cursor=batch["pageInfo"]["endCursor"]
    )["artifact"]["files"]
    assert len(rest["edges"]) == 50
    assert rest["pageInfo"]["hasNextPage"] is False
    assert all(e["node"]["directUrl"].startswith("http://") for e in batch["edges"])


# ---------------------------------------------------------------------- bounds & cursors
def test_page_sizes_are_bounded(server: LocalServer, gql: Gql) -> None:
    store = server.store
    store.create_project("demo", "big")
    for i in range(MAX_PAGE + 1):
        store.artifacts.create_artifact("demo", "big", "many", "model", {"n.txt": str(i)})
    store.artifacts.create_artifact(
        "demo", "big", "wide", "dataset", {f"f/{i:05d}": b"" for i in range(MAX_FILE_PAGE + 1)}
    )
    ops = Ops(gql)
    page = ops(
        "ArtifactVersionPage",
        entity="demo",
        project="big",
        collection="many",
        perPage=10**6,
        withCount=True,
    )["project"]["artifactCollection"]["artifacts"]
    assert len(page["edges"]) == MAX_PAGE
    assert page["totalCount"] == MAX_PAGE + 1
    assert page["pageInfo"]["hasNextPage"] is True

    wide = artifact_id(ops, "wide:v0", project="big")
    files = ops("ArtifactFileUrlPage", id=wide, perPage=10**6)["artifact"]["files"]
    assert len(files["edges"]) == MAX_FILE_PAGE
    assert files["pageInfo"]["hasNextPage"] is True
    rest = ops(
        "ArtifactFileUrlPage", id=wide, perPage=10**6, cursor=files["pageInfo"]["endCursor"]
    )["artifact"]["files"]
    assert [e["node"]["name"] for e in rest["edges"]] == [f"f/{MAX_FILE_PAGE:05d}"]

    assert "must not be negative" in ops.errors("ArtifactFileUrlPage", id=wide, perPage=-1)[0]
    assert "invalid cursor" in ops.errors("ArtifactFileUrlPage", id=wide, perPage=5, cursor="x")[0]
    too_many = [f"n{i}" for i in range(1001)]
    assert (
        "too many file names"
        in ops.errors("ArtifactFilePage", id=wide, names=too_many, perPage=5, withCount=True)[0]
    )


def test_keyset_cursor_survives_new_versions(server: LocalServer, gql: Gql) -> None:
    """A version logged while a client pages (newest first) neither shifts nor repeats rows."""
    store = server.store
    store.create_project("demo", "p")
    for i in range(5):
        store.artifacts.create_artifact("demo", "p", "seq", "model", {"n": str(i)})
    ops = Ops(gql)

    def page(cursor: str | None) -> JSON:
        result: JSON = ops(
            "ArtifactVersionPage",
            entity="demo",
            project="p",
            collection="seq",
            perPage=2,
            cursor=cursor,
            withCount=False,
        )["project"]["artifactCollection"]["artifacts"]
        return result

    first = page(None)
    store.artifacts.create_artifact("demo", "p", "seq", "model", {"n": "new"})
    labels = [e["version"] for e in first["edges"]]
    cursor = first["pageInfo"]["endCursor"]
    while cursor:
        nxt = page(cursor)
        labels += [e["version"] for e in nxt["edges"]]
        cursor = nxt["pageInfo"]["endCursor"] if nxt["pageInfo"]["hasNextPage"] else None
    assert labels == ["v4", "v3", "v2", "v1", "v0"]


def test_nested_listings_share_a_row_budget(server: LocalServer, gql: Gql) -> None:
    """260 jobs x 200 versions each (within the query cost limit) is refused by the row
    budget; modest pages pass."""
    store = server.store
    store.create_project("demo", "jobs")
    for i in range(260):
        store.artifacts.create_artifact("demo", "jobs", f"job-{i}", "job", {"wandb-job.json": "{}"})
    ops = Ops(gql)
    errors = ops.errors(
        "JobPage", entity="demo", project="jobs", perPage=260, versionsPerJob=200, withCount=True
    )
    assert "request too large" in errors[0]
    jobs = ops(
        "JobPage", entity="demo", project="jobs", perPage=300, versionsPerJob=10, withCount=True
    )["project"]["artifactType"]["artifactCollections"]
    assert jobs["totalCount"] == len(jobs["edges"]) == 260


def test_tags_and_aliases_per_version_are_capped(wops: Ops) -> None:
    v0 = artifact_id(wops, "mnist-cnn:v0")
    base: JSON = {"aliasesToAdd": [], "aliasesToDelete": [], "addAliases": False}
    many_tags = [{"tagName": f"t{i}"} for i in range(MAX_PER_VERSION + 1)]
    errors = wops.errors("SaveArtifact", id=v0, tagsToAdd=many_tags, deleteAliases=False, **base)
    assert "too many tags" in errors[0]
    alias = {"artifactCollectionName": "mnist-cnn", "entityName": "demo", "projectName": "mnist"}
    many_aliases = [{**alias, "alias": f"a{i}"} for i in range(MAX_PER_VERSION + 1)]
    errors = wops.errors("AddArtifactAliases", id=v0, aliases=many_aliases)
    assert "too many aliases" in errors[0]
    unchanged = wops("ArtifactById", id=v0)["artifact"]
    assert (unchanged["tags"], unchanged["aliases"]) == ([], [])


def test_shared_contents_are_stored_once(server: LocalServer) -> None:
    store = server.store
    store.create_project("demo", "p")
    first = store.artifacts.create_artifact("demo", "p", "a", "model", {"x": b"same bytes"})
    store.artifacts.create_artifact("demo", "p", "b", "model", {"y": b"same bytes"})

    def count() -> int:
        return int(store._scalar("SELECT count(*) FROM artifact_blobs"))

    assert count() == 1
    store.artifacts.delete_artifact(int(first["id"]), delete_aliases=True)
    assert count() == 1  # still used by b
    assert store.artifacts.blob(md5_b64(b"same bytes")) == b"same bytes"
