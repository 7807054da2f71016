"""Artifacts on the local server, through our own operations (queries/artifacts.graphql):
every operation against the demo data, the writes on a fresh server, alias
uniqueness, keyset pages and counts, bounded page sizes, filters and orders."""

from __future__ import annotations

import json

import httpx
import pytest

from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.testing._demo_artifacts import model_bytes
from wandb_typed.testing._store.artifacts import (
    MAX_FILE_PAGE,
    MAX_PAGE,
    MAX_PER_VERSION,
    manifest_digest,
)

from .artifact_helpers import Ops, artifact_id, artifact_operations, by_name, md5_b64, small_demo
from .helpers import JSON, Gql, jdump


@pytest.fixture(scope="module")
def ops(demo_gql: Gql) -> Ops:
    """Our operations on the shared demo server (read-only)."""
    return Ops(demo_gql)


@pytest.fixture
def wops(server: LocalServer, gql: Gql) -> Ops:
    """Our operations on a fresh server with the (small) demo data, for writes."""
    small_demo(server)
    return Ops(gql)


def versions(ops: Ops, collection: str, *, per_page: int = 50, **variables: object) -> list[JSON]:
    """Every edge of a collection's versions, walking the cursors."""
    edges: list[JSON] = []
    cursor = None
    while True:
        page = ops(
            "ArtifactVersionPage",
            entity="demo",
            project="mnist",
            collection=collection,
            cursor=cursor,
            perPage=per_page,
            withCount=cursor is None,
            **variables,
        )["project"]["artifactCollection"]["artifacts"]
        edges += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            return edges
        cursor = page["pageInfo"]["endCursor"]


# ---------------------------------------------------------------------- coverage
EXERCISED = {
    # reads (demo server)
    "ArtifactByName",
    "ArtifactById",
    "ArtifactVersionPage",
    "ArtifactManifestUrl",
    "ArtifactFilePage",
    "ArtifactFileUrlPage",
    "ArtifactCreator",
    "ArtifactUsedByPage",
    "ArtifactMemberships",
    "RunOutputArtifactPage",
    "RunInputArtifactPage",
    "ArtifactTypePage",
    "ArtifactTypeByName",
    "ArtifactCollectionPage",
    "ProjectArtifactCollectionPage",
    "ArtifactCollectionByName",
    "ArtifactCollectionAliasPage",
    "JobPage",
    # writes (fresh servers)
    "SaveArtifact",
    "AddArtifactAliases",
    "DeleteArtifactAliases",
    "DeleteArtifact",
    "LinkArtifact",
    "UnlinkArtifact",
    "UseArtifact",
    "LogRunArtifact",
    "SaveArtifactSequence",
    "SaveArtifactPortfolio",
    "MoveArtifactSequence",
    "DeleteArtifactSequence",
    "DeleteArtifactPortfolio",
}


def test_every_operation_has_a_test_here() -> None:
    """Each operation in queries/artifacts.graphql is run by a test of this module."""
    assert artifact_operations() == EXERCISED


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


# ---------------------------------------------------------------------- reads
def test_artifact_by_name_alias_and_version_agree(ops: Ops) -> None:
    found = [by_name(ops, "demo", "mnist", n) for n in ("mnist-cnn:v2", "mnist-cnn:latest")]
    found.append(by_name(ops, "demo", "mnist", "mnist-cnn:best"))
    found.append(by_name(ops, "demo", "mnist", "mnist-cnn"))  # no alias: latest
    ids = {m["artifact"]["id"] for m in found if m is not None}
    assert len(ids) == 1
    assert len([m for m in found if m is not None]) == 4
    first = found[0]
    assert first is not None
    assert first["artifactCollection"]["name"] == "mnist-cnn"
    assert first["artifactCollection"]["project"] == {"name": "mnist", "entity": {"name": "demo"}}
    assert first["artifactCollection"]["__typename"] == "ArtifactSequence"
    artifact = first["artifact"]
    assert artifact["versionIndex"] == 2
    assert artifact["artifactSequence"]["name"] == "mnist-cnn"
    assert {a["alias"] for a in artifact["aliases"]} == {"best", "latest"}
    assert artifact["ttlIsInherited"] is True
    assert artifact["ttlDurationSeconds"] == -1
    assert len(artifact["commitHash"]) == 20
    creator = ops("ArtifactCreator", id=artifact["id"])["artifact"]["createdBy"]
    assert artifact["historyStep"] == creator["historyKeys"]["lastStep"] + 1
    assert json.loads(artifact["metadata"])["accuracy"] == 0.97


def test_artifact_by_name_missing_is_null_and_bad_name_is_an_error(ops: Ops) -> None:
    assert by_name(ops, "demo", "mnist", "mnist-cnn:v9") is None
    assert by_name(ops, "demo", "mnist", "mnist-cnn:nope") is None
    assert by_name(ops, "demo", "mnist", "no-such:latest") is None
    assert by_name(ops, "demo", "no-such-project", "mnist-cnn:v0") is None
    assert (
        "invalid artifact name"
        in ops.errors("ArtifactByName", entity="demo", project="mnist", name="mnist-cnn:")[0]
    )


def test_artifact_by_id(ops: Ops) -> None:
    membership = by_name(ops, "demo", "mnist", "mnist-cnn:v1")
    assert membership is not None
    artifact = ops("ArtifactById", id=membership["artifact"]["id"])["artifact"]
    assert artifact == {**membership["artifact"], "currentManifest": artifact["currentManifest"]}
    assert ops("ArtifactById", id="QXJ0aWZhY3Q6OTk5OTk=")["artifact"] is None  # Artifact:99999
    assert "invalid Artifact id" in ops.errors("ArtifactById", id="UnVuOjE=")[0]  # Run:1


def test_versions_newest_first_with_count_and_cursors(ops: Ops) -> None:
    first = ops(
        "ArtifactVersionPage",
        entity="demo",
        project="mnist",
        collection="mnist-cnn",
        perPage=1,
        withCount=True,
    )["project"]["artifactCollection"]
    assert first["defaultArtifactType"] == {"name": "model"}
    assert first["artifacts"]["totalCount"] == 3
    edges = versions(ops, "mnist-cnn", per_page=1)
    assert [e["version"] for e in edges] == ["v2", "v1", "v0"]
    assert [e["node"]["versionIndex"] for e in edges] == [2, 1, 0]
    later = ops(
        "ArtifactVersionPage",
        entity="demo",
        project="mnist",
        collection="mnist-cnn",
        perPage=1,
        withCount=False,
    )["project"]["artifactCollection"]["artifacts"]
    assert "totalCount" not in later


@pytest.mark.parametrize(
    ("filters", "order", "expected"),
    [
        ({"state": "COMMITTED"}, None, ["v2", "v1", "v0"]),
        ({"tag": "candidate"}, None, ["v1"]),
        ({"tags": {"$in": ["candidate", "none"]}}, None, ["v1"]),
        ({"tag": {"$ne": "candidate"}}, "+version", ["v0", "v2"]),
        ({"alias": "best"}, None, ["v2"]),
        ({"version": {"$in": ["v0", 2]}}, "+version", ["v0", "v2"]),
        ({"$or": [{"version": "v0"}, {"alias": "latest"}]}, "-version", ["v2", "v0"]),
        ({"state": "DELETED"}, None, []),
        (None, "+created_at", ["v0", "v1", "v2"]),
        (None, "-size", ["v2", "v1", "v0"]),  # sizes differ by the config.json text
    ],
)
def test_version_filters_and_orders(
    ops: Ops, filters: JSON | None, order: str | None, expected: list[str]
) -> None:
    variables: JSON = {"order": order}
    if filters is not None:
        variables["filters"] = jdump(filters)
    edges = versions(ops, "mnist-cnn", per_page=1, **variables)
    assert [e["version"] for e in edges] == expected
    page = ops(
        "ArtifactVersionPage",
        entity="demo",
        project="mnist",
        collection="mnist-cnn",
        perPage=1,
        withCount=True,
        **variables,
    )
    assert page["project"]["artifactCollection"]["artifacts"]["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("filters", "order", "message"),
    [
        ({"colour": "red"}, None, "unknown filter field"),
        ({"state": {"$near": 1}}, None, "unsupported operator"),
        ({"version": "latest"}, None, "needs a version"),
        ("not json", None, "not valid JSON"),
        (None, "-colour", "unknown order"),
    ],
)
def test_bad_version_filters_are_errors(
    ops: Ops, filters: object, order: str | None, message: str
) -> None:
    raw = filters if isinstance(filters, str) else (jdump(filters) if filters else None)
    errors = ops.errors(
        "ArtifactVersionPage",
        entity="demo",
        project="mnist",
        collection="mnist-cnn",
        perPage=5,
        withCount=True,
        filters=raw,
        order=order,
    )
    assert message in errors[0]


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


def test_logged_by_and_used_by(ops: Ops, demo: tuple[LocalServer, DemoInfo]) -> None:
    info = demo[1]
    for version, run in enumerate(info.model_logged_by):
        creator = ops("ArtifactCreator", id=artifact_id(ops, f"mnist-cnn:v{version}"))
        created_by = creator["artifact"]["createdBy"]
        assert created_by["__typename"] == "Run"
        assert created_by["name"] == run
        assert created_by["project"] == {"name": "mnist", "entity": {"name": "demo"}}
        assert json.loads(created_by["config"])["dataset"]["value"] == "mnist"
    used = ops("ArtifactUsedByPage", id=artifact_id(ops, "mnist-cnn:v2"), perPage=10)
    assert [e["node"]["name"] for e in used["artifact"]["usedBy"]["edges"]] == [info.model_used_by]
    unused = ops("ArtifactUsedByPage", id=artifact_id(ops, "mnist-cnn:v0"), perPage=10)
    assert unused["artifact"]["usedBy"]["edges"] == []

    dataset = artifact_id(ops, "mnist-train:v0")
    users: list[str] = []
    cursor = None
    while True:
        page = ops("ArtifactUsedByPage", id=dataset, perPage=2, cursor=cursor)["artifact"]
        users += [e["node"]["name"] for e in page["usedBy"]["edges"]]
        if not page["usedBy"]["pageInfo"]["hasNextPage"]:
            break
        cursor = page["usedBy"]["pageInfo"]["endCursor"]
    assert users == list(info.model_logged_by)


def test_memberships_of_a_version(ops: Ops) -> None:
    memberships = ops("ArtifactMemberships", id=artifact_id(ops, "mnist-cnn:v2"))
    (edge,) = memberships["artifact"]["artifactMemberships"]["edges"]
    assert edge["node"]["versionIndex"] == 2
    assert {a["alias"] for a in edge["node"]["aliases"]} == {"best", "latest"}
    assert edge["node"]["artifactCollection"]["name"] == "mnist-cnn"


def test_run_outputs_and_inputs(ops: Ops, demo: tuple[LocalServer, DemoInfo]) -> None:
    info = demo[1]
    outputs = ops(
        "RunOutputArtifactPage",
        entity="demo",
        project="mnist",
        run=info.model_logged_by[0],
        perPage=2,
        withCount=True,
    )["project"]["run"]["outputArtifacts"]
    assert outputs["totalCount"] == 3
    names = [
        f"{e['node']['artifactSequence']['name']}:v{e['node']['versionIndex']}"
        for e in outputs["edges"]
    ]
    rest = ops(
        "RunOutputArtifactPage",
        entity="demo",
        project="mnist",
        run=info.model_logged_by[0],
        perPage=2,
        cursor=outputs["pageInfo"]["endCursor"],
        withCount=False,
    )["project"]["run"]["outputArtifacts"]
    names += [
        f"{e['node']['artifactSequence']['name']}:v{e['node']['versionIndex']}"
        for e in rest["edges"]
    ]
    assert names == ["mnist-train:v0", "mnist-cnn:v0", "train-mnist:v0"]
    assert rest["pageInfo"]["hasNextPage"] is False

    inputs = ops(
        "RunInputArtifactPage",
        entity="demo",
        project="mnist",
        run=info.model_used_by,
        perPage=10,
        withCount=True,
    )["project"]["run"]["inputArtifacts"]
    assert inputs["totalCount"] == 1
    (edge,) = inputs["edges"]
    assert edge["node"]["artifactSequence"]["name"] == "mnist-cnn"
    assert edge["node"]["versionIndex"] == 2


def test_types_and_collections(ops: Ops) -> None:
    page = ops("ArtifactTypePage", entity="demo", project="mnist", perPage=2)["project"]
    names = [e["node"]["name"] for e in page["artifactTypes"]["edges"]]
    assert page["artifactTypes"]["pageInfo"]["hasNextPage"] is True
    rest = ops(
        "ArtifactTypePage",
        entity="demo",
        project="mnist",
        perPage=2,
        cursor=page["artifactTypes"]["pageInfo"]["endCursor"],
    )["project"]["artifactTypes"]
    names += [e["node"]["name"] for e in rest["edges"]]
    assert names == ["dataset", "model", "job"]
    model = ops("ArtifactTypeByName", entity="demo", project="mnist", type="model")
    assert model["project"]["artifactType"]["name"] == "model"
    missing = ops("ArtifactTypeByName", entity="demo", project="mnist", type="nope")
    assert missing["project"]["artifactType"] is None

    of_type = ops(
        "ArtifactCollectionPage",
        entity="demo",
        project="mnist",
        type="model",
        perPage=10,
        withCount=True,
    )["project"]["artifactType"]["artifactCollections"]
    assert of_type["totalCount"] == 1
    (node,) = [e["node"] for e in of_type["edges"]]
    assert node["name"] == "mnist-cnn"
    assert node["__typename"] == "ArtifactSequence"
    assert node["defaultArtifactType"] == {"name": "model"}
    assert node["state"] == "READY"


@pytest.mark.parametrize(
    ("filters", "order", "expected"),
    [
        (None, None, ["train-mnist", "mnist-cnn", "mnist-train"]),  # newest first
        (None, "+name", ["mnist-cnn", "mnist-train", "train-mnist"]),
        ({"name": {"$regex": "^mnist"}}, "-name", ["mnist-train", "mnist-cnn"]),
        ({"name": {"$in": ["train-mnist", "x"]}}, None, ["train-mnist"]),
        ({"tag": "none"}, None, []),
    ],
)
def test_project_collections_filters_orders_and_pages(
    ops: Ops, filters: JSON | None, order: str | None, expected: list[str]
) -> None:
    names: list[str] = []
    cursor = None
    while True:
        page = ops(
            "ProjectArtifactCollectionPage",
            entity="demo",
            project="mnist",
            filters=jdump(filters) if filters else None,
            order=order,
            cursor=cursor,
            perPage=2,
            withCount=True,
        )["project"]["artifactCollections"]
        assert page["totalCount"] == len(expected)
        names += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursor = page["pageInfo"]["endCursor"]
    assert names == expected


def test_collection_by_name_and_aliases(ops: Ops) -> None:
    collection = ops("ArtifactCollectionByName", entity="demo", project="mnist", name="mnist-cnn")
    node = collection["project"]["artifactCollection"]
    assert node["defaultArtifactType"] == {"name": "model"}
    assert node["tags"] == {"edges": []}
    missing = ops("ArtifactCollectionByName", entity="demo", project="mnist", name="nope")
    assert missing["project"]["artifactCollection"] is None

    aliases: list[str] = []
    cursor = None
    while True:
        page = ops("ArtifactCollectionAliasPage", id=node["id"], perPage=1, cursor=cursor)
        connection = page["artifactCollection"]["aliases"]
        aliases += [e["node"]["alias"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        cursor = connection["pageInfo"]["endCursor"]
    assert aliases == ["best", "latest"]


def test_jobs(ops: Ops) -> None:
    jobs = ops(
        "JobPage", entity="demo", project="mnist", perPage=10, versionsPerJob=5, withCount=True
    )["project"]["artifactType"]["artifactCollections"]
    assert jobs["totalCount"] == 1
    (job,) = [e["node"] for e in jobs["edges"]]
    assert job["name"] == "train-mnist"
    assert job["artifacts"]["totalCount"] == 1
    (version,) = job["artifacts"]["edges"]
    assert version["version"] == "v0"
    assert version["node"]["state"] == "COMMITTED"
    assert [a["alias"] for a in version["node"]["aliases"]] == ["latest"]
    no_jobs = ops(
        "JobPage", entity="demo", project="empty", perPage=10, versionsPerJob=5, withCount=True
    )
    assert no_jobs["project"]["artifactType"] is None


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


# ---------------------------------------------------------------------- writes
def test_save_artifact_in_one_request(wops: Ops, server: LocalServer) -> None:
    v1 = artifact_id(wops, "mnist-cnn:v1")
    alias = {"artifactCollectionName": "mnist-cnn", "entityName": "demo", "projectName": "mnist"}
    server.requests.clear()
    saved = wops(
        "SaveArtifact",
        id=v1,
        description="second try",
        metadata=jdump({"accuracy": 0.96}),
        ttlDurationSeconds=86400,
        tagsToAdd=[{"tagName": "reviewed"}],
        tagsToDelete=[{"tagName": "candidate"}],
        aliasesToAdd=[{**alias, "alias": "staging"}, {**alias, "alias": "best"}],
        aliasesToDelete=[],
        addAliases=True,
        deleteAliases=False,
    )
    assert len(server.requests) == 1
    artifact = saved["updateArtifact"]["artifact"]
    assert saved["addAliases"] == {"success": True}
    assert "deleteAliases" not in saved
    assert artifact["description"] == "second try"
    assert json.loads(artifact["metadata"]) == {"accuracy": 0.96}
    assert artifact["ttlDurationSeconds"] == 86400
    assert artifact["ttlIsInherited"] is False
    assert [t["name"] for t in artifact["tags"]] == ["reviewed"]
    assert sorted(a["alias"] for a in artifact["aliases"]) == ["best", "staging"]
    # "best" moved: an alias names one version of a collection
    v2 = by_name(wops, "demo", "mnist", "mnist-cnn:v2")
    assert v2 is not None
    assert [a["alias"] for a in v2["aliases"]] == ["latest"]
    best = by_name(wops, "demo", "mnist", "mnist-cnn:best")
    assert best is not None
    assert best["artifact"]["id"] == v1

    removed = wops(
        "SaveArtifact",
        id=v1,
        aliasesToAdd=[],
        aliasesToDelete=[{**alias, "alias": "staging"}],
        addAliases=False,
        deleteAliases=True,
        ttlDurationSeconds=-1,
        description=None,
    )
    artifact = removed["updateArtifact"]["artifact"]
    assert [a["alias"] for a in artifact["aliases"]] == ["best"]
    assert artifact["description"] is None  # an explicit null clears it
    assert artifact["ttlIsInherited"] is True
    assert json.loads(artifact["metadata"]) == {"accuracy": 0.96}  # absent: unchanged


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"metadata": jdump([1, 2])}, "metadata must be a JSON object"),
        ({"ttlDurationSeconds": 0}, "ttlDurationSeconds"),
        ({"tagsToAdd": [{"tagName": "bad/tag"}]}, "invalid tag"),
        ({"aliasesToAdd": [{"alias": "v7"}], "addAliases": True}, "is a version label"),
        ({"aliasesToAdd": [{"alias": "a:b"}], "addAliases": True}, "invalid alias"),
        ({"aliasesToAdd": [{"alias": "ok\n"}], "addAliases": True}, "invalid alias"),
    ],
)
def test_save_artifact_refuses_bad_values(wops: Ops, variables: JSON, message: str) -> None:
    alias = {"artifactCollectionName": "mnist-cnn", "entityName": "demo", "projectName": "mnist"}
    if "aliasesToAdd" in variables:
        variables = {**variables, "aliasesToAdd": [{**alias, **variables["aliasesToAdd"][0]}]}
    base: JSON = {
        "id": artifact_id(wops, "mnist-cnn:v0"),
        "aliasesToAdd": [],
        "aliasesToDelete": [],
        "addAliases": False,
        "deleteAliases": False,
    }
    assert message in wops.errors("SaveArtifact", **{**base, **variables})[0]


def test_alias_mutations_keep_aliases_unique(wops: Ops) -> None:
    alias = {"artifactCollectionName": "mnist-cnn", "entityName": "demo", "projectName": "mnist"}
    v0 = artifact_id(wops, "mnist-cnn:v0")
    added = wops("AddArtifactAliases", id=v0, aliases=[{**alias, "alias": "latest"}])
    assert added == {"addAliases": {"success": True}}
    latest = by_name(wops, "demo", "mnist", "mnist-cnn:latest")
    assert latest is not None
    assert latest["versionIndex"] == 0
    v2 = by_name(wops, "demo", "mnist", "mnist-cnn:v2")
    assert v2 is not None
    assert [a["alias"] for a in v2["aliases"]] == ["best"]
    wops("DeleteArtifactAliases", id=v0, aliases=[{**alias, "alias": "latest"}])
    assert by_name(wops, "demo", "mnist", "mnist-cnn:latest") is None
    # deleting an alias another version holds leaves it alone
    wops("DeleteArtifactAliases", id=v0, aliases=[{**alias, "alias": "best"}])
    best = by_name(wops, "demo", "mnist", "mnist-cnn:best")
    assert best is not None
    assert best["versionIndex"] == 2
    # a collection the version is not in
    other = {**alias, "artifactCollectionName": "mnist-train", "alias": "x"}
    assert "not in that collection" in wops.errors("AddArtifactAliases", id=v0, aliases=[other])[0]


def test_delete_artifact(wops: Ops, server: LocalServer) -> None:
    v2 = by_name(wops, "demo", "mnist", "mnist-cnn:v2")
    assert v2 is not None
    artifact = v2["artifact"]
    digests = [
        e["node"]["md5"]
        for e in wops("ArtifactFilePage", id=artifact["id"], perPage=5, withCount=False)[
            "artifact"
        ]["files"]["edges"]
    ]
    assert "has aliases" in wops.errors("DeleteArtifact", id=artifact["id"])[0]
    deleted = wops("DeleteArtifact", id=artifact["id"], deleteAliases=True)
    assert deleted["deleteArtifact"]["artifact"] == {"id": artifact["id"], "state": "DELETED"}
    assert by_name(wops, "demo", "mnist", "mnist-cnn:v2") is None
    assert by_name(wops, "demo", "mnist", "mnist-cnn:latest") is None
    by_id = wops("ArtifactById", id=artifact["id"])["artifact"]
    assert by_id["state"] == "DELETED"
    assert by_id["aliases"] == []
    assert by_id["currentManifest"] is None
    files = wops("ArtifactFilePage", id=artifact["id"], perPage=5, withCount=True)
    assert files["artifact"]["files"]["totalCount"] == 0
    assert all(server.store.artifacts.blob(d) is None for d in digests)  # contents released
    committed = versions(wops, "mnist-cnn", filters=jdump({"state": "COMMITTED"}))
    assert [e["version"] for e in committed] == ["v1", "v0"]
    everything = versions(wops, "mnist-cnn")
    assert (everything[0]["version"], everything[0]["node"]["state"]) == ("v2", "DELETED")
    # the version index is not reused
    store = server.store.artifacts
    row = store.create_artifact("demo", "mnist", "mnist-cnn", "model", {"n": "again"})
    assert row["version_index"] == 3


def test_link_and_unlink(wops: Ops) -> None:
    v1 = artifact_id(wops, "mnist-cnn:v1")
    v2 = artifact_id(wops, "mnist-cnn:v2")
    linked = wops(
        "LinkArtifact",
        id=v1,
        entity="demo",
        project="mnist",
        portfolio="production-models",
        aliases=[{"artifactCollectionName": "production-models", "alias": "production"}],
    )["linkArtifact"]
    assert linked["versionIndex"] == 0
    membership = linked["artifactMembership"]
    assert membership["artifactCollection"]["__typename"] == "ArtifactPortfolio"
    assert sorted(a["alias"] for a in membership["aliases"]) == ["latest", "production"]
    assert membership["artifact"]["id"] == v1
    through = by_name(wops, "demo", "mnist", "production-models:production")
    assert through is not None
    assert through["artifact"]["id"] == v1
    assert through["artifact"]["versionIndex"] == 1  # its index in its own sequence

    again = wops(
        "LinkArtifact", id=v2, entity="demo", project="mnist", portfolio="production-models"
    )
    assert again["linkArtifact"]["versionIndex"] == 1
    latest = by_name(wops, "demo", "mnist", "production-models:latest")
    assert latest is not None
    assert latest["artifact"]["id"] == v2  # linking moves latest
    relink = wops(
        "LinkArtifact", id=v1, entity="demo", project="mnist", portfolio="production-models"
    )
    assert relink["linkArtifact"]["versionIndex"] == 0  # already linked: same membership

    memberships = wops("ArtifactMemberships", id=v1)["artifact"]["artifactMemberships"]["edges"]
    assert [m["node"]["artifactCollection"]["name"] for m in memberships] == [
        "mnist-cnn",
        "production-models",
    ]
    aliases = wops("ArtifactById", id=v1)["artifact"]["aliases"]
    assert {(a["alias"], a["artifactCollection"]["name"]) for a in aliases} == {
        ("production", "production-models")
    }

    portfolio = wops(
        "ArtifactCollectionByName", entity="demo", project="mnist", name="production-models"
    )["project"]["artifactCollection"]
    assert wops("UnlinkArtifact", id=v1, portfolioId=portfolio["id"]) == {
        "unlinkArtifact": {"success": True}
    }
    assert by_name(wops, "demo", "mnist", "production-models:production") is None
    assert by_name(wops, "demo", "mnist", "production-models:v0") is None
    assert "not found" in wops.errors("UnlinkArtifact", id=v1, portfolioId=portfolio["id"])[0]
    sequence = wops("ArtifactCollectionByName", entity="demo", project="mnist", name="mnist-cnn")
    sequence_id = sequence["project"]["artifactCollection"]["id"]
    assert "own sequence" in wops.errors("UnlinkArtifact", id=v1, portfolioId=sequence_id)[0]
    assert (
        "is a sequence"
        in wops.errors(
            "LinkArtifact", id=v1, entity="demo", project="mnist", portfolio="mnist-train"
        )[0]
    )


def test_use_and_log_artifact(wops: Ops, server: LocalServer) -> None:
    run = server.store.create_run("demo", "mnist", name="consumer")
    v0 = artifact_id(wops, "mnist-cnn:v0")
    used = wops("UseArtifact", entity="demo", project="mnist", run="consumer", id=v0, usedAs="m")
    assert used == {"useArtifact": {"artifact": {"id": v0}}}
    wops(
        "UseArtifact",
        entity="demo",
        project="mnist",
        run="consumer",
        id=v0,
        artifactEntity="demo",
        artifactProject="mnist",
    )  # recording the same use again is one use
    inputs = wops(
        "RunInputArtifactPage",
        entity="demo",
        project="mnist",
        run="consumer",
        perPage=5,
        withCount=True,
    )["project"]["run"]["inputArtifacts"]
    assert inputs["totalCount"] == 1
    assert inputs["edges"][0]["node"]["id"] == v0
    users = wops("ArtifactUsedByPage", id=v0, perPage=5)["artifact"]["usedBy"]["edges"]
    assert [e["node"]["name"] for e in users] == ["consumer"]
    assert (
        "not found"
        in wops.errors(
            "UseArtifact",
            entity="demo",
            project="mnist",
            run="consumer",
            id=v0,
            artifactEntity="demo",
            artifactProject="empty",
        )[0]
    )

    v1 = by_name(wops, "demo", "mnist", "mnist-cnn:v1")
    assert v1 is not None
    logged = wops(
        "LogRunArtifact",
        entity="demo",
        project="mnist",
        run="consumer",
        type="model",
        collection="mnist-cnn",
        digest=v1["artifact"]["digest"],
        aliases=[{"artifactCollectionName": "mnist-cnn", "alias": "relogged"}],
        tags=[{"tagName": "again"}],
    )["createArtifact"]["artifact"]
    assert logged["id"] == v1["artifact"]["id"]  # no new version
    assert {t["name"] for t in logged["tags"]} == {"candidate", "again"}
    assert [a["alias"] for a in logged["aliases"]] == ["relogged"]
    outputs = wops(
        "RunOutputArtifactPage",
        entity="demo",
        project="mnist",
        run="consumer",
        perPage=5,
        withCount=True,
    )["project"]["run"]["outputArtifacts"]
    assert [e["node"]["id"] for e in outputs["edges"]] == [logged["id"]]
    assert run["name"] == "consumer"
    common: JSON = {
        "entity": "demo",
        "project": "mnist",
        "run": "consumer",
        "collection": "mnist-cnn",
    }
    assert (
        "uploading new contents is not supported"
        in wops.errors("LogRunArtifact", **common, type="model", digest="0" * 32)[0]
    )
    assert (
        "has type 'model'"
        in wops.errors("LogRunArtifact", **common, type="dataset", digest=v1["artifact"]["digest"])[
            0
        ]
    )


def test_enum_variables_are_accepted(wops: Ops, gql: Gql) -> None:
    """The official CreateArtifact passes $digestAlgorithm as a variable (an enum)."""
    v0 = by_name(wops, "demo", "mnist", "mnist-cnn:v0")
    assert v0 is not None
    data = gql(
        """mutation($alg: ArtifactDigestAlgorithm!, $digest: String!) {
          createArtifact(input: {entityName: "demo", projectName: "mnist",
            artifactTypeName: "model", artifactCollectionNames: ["mnist-cnn"],
            digest: $digest, digestAlgorithm: $alg}) { artifact { id } }
        }""",
        alg="MANIFEST_MD5",
        digest=v0["artifact"]["digest"],
    )
    assert data["createArtifact"]["artifact"]["id"] == v0["artifact"]["id"]


def _collection(ops: Ops, name: str) -> JSON:
    node: JSON = ops("ArtifactCollectionByName", entity="demo", project="mnist", name=name)[
        "project"
    ]["artifactCollection"]
    return node


def test_save_sequence_in_one_request(wops: Ops, server: LocalServer) -> None:
    sequence = _collection(wops, "mnist-cnn")
    server.requests.clear()
    saved = wops(
        "SaveArtifactSequence",
        id=sequence["id"],
        entity="demo",
        project="mnist",
        collection="mnist-cnn",
        name="cnn",
        description="the CNN",
        type="checkpoint",
        changeType=True,
        tagsToAdd=[{"tagName": "vision"}, {"tagName": "small"}],
        tagsToDelete=[],
        addTags=True,
        deleteTags=False,
    )
    assert len(server.requests) == 1
    assert sorted(t["name"] for t in saved["createArtifactCollectionTagAssignments"]["tags"]) == [
        "small",
        "vision",
    ]
    node = saved["updateArtifactSequence"]["artifactCollection"]
    assert (node["name"], node["description"]) == ("cnn", "the CNN")
    assert node["defaultArtifactType"] == {"name": "checkpoint"}
    assert sorted(e["node"]["name"] for e in node["tags"]["edges"]) == ["small", "vision"]
    renamed = by_name(wops, "demo", "mnist", "cnn:v2")
    assert renamed is not None
    assert renamed["artifact"]["artifactType"]["name"] == "checkpoint"
    assert by_name(wops, "demo", "mnist", "mnist-cnn:v2") is None
    tagged = wops(
        "ProjectArtifactCollectionPage",
        entity="demo",
        project="mnist",
        filters=jdump({"tag": "vision"}),
        perPage=5,
        withCount=True,
    )["project"]["artifactCollections"]
    assert [e["node"]["name"] for e in tagged["edges"]] == ["cnn"]

    untagged = wops(
        "SaveArtifactSequence",
        id=sequence["id"],
        entity="demo",
        project="mnist",
        collection="cnn",
        type="checkpoint",
        changeType=False,
        tagsToAdd=[],
        tagsToDelete=[{"tagName": "small"}],
        addTags=False,
        deleteTags=True,
    )
    node = untagged["updateArtifactSequence"]["artifactCollection"]
    assert [e["node"]["name"] for e in node["tags"]["edges"]] == ["vision"]
    assert node["description"] == "the CNN"  # not given: unchanged
    # The client's name rule, shared: the server's own regex let a trailing newline by.
    assert "invalid artifact collection name" in wops.errors(
        "SaveArtifactSequence", id=sequence["id"], entity="demo", project="mnist",
        collection="cnn", name="renamed\n", type="checkpoint", changeType=False,
        tagsToAdd=[], tagsToDelete=[], addTags=False, deleteTags=False,
    )[0]  # fmt: skip
    assert (
        "already exists"
        in wops.errors(
            "SaveArtifactSequence",
            id=sequence["id"],
            entity="demo",
            project="mnist",
            collection="cnn",
            name="mnist-train",
            type="checkpoint",
            changeType=False,
            tagsToAdd=[],
            tagsToDelete=[],
            addTags=False,
            deleteTags=False,
        )[0]
    )


def test_save_portfolio_and_move_sequence(wops: Ops) -> None:
    v0 = artifact_id(wops, "mnist-cnn:v0")
    wops("LinkArtifact", id=v0, entity="demo", project="mnist", portfolio="showcase")
    portfolio = _collection(wops, "showcase")
    saved = wops(
        "SaveArtifactPortfolio",
        id=portfolio["id"],
        entity="demo",
        project="mnist",
        collection="showcase",
        name="gallery",
        description="picked versions",
        tagsToAdd=[{"tagName": "curated"}],
        tagsToDelete=[],
        addTags=True,
        deleteTags=False,
    )["updateArtifactPortfolio"]["artifactCollection"]
    assert (saved["name"], saved["__typename"]) == ("gallery", "ArtifactPortfolio")
    assert [e["node"]["name"] for e in saved["tags"]["edges"]] == ["curated"]
    assert (
        "is not a sequence" in wops.errors("MoveArtifactSequence", id=portfolio["id"], type="x")[0]
    )

    dataset = _collection(wops, "mnist-train")
    moved = wops("MoveArtifactSequence", id=dataset["id"], type="raw-data")
    assert moved["moveArtifactSequence"]["artifactCollection"]["defaultArtifactType"] == {
        "name": "raw-data"
    }
    types = wops("ArtifactTypePage", entity="demo", project="mnist", perPage=10)
    assert "raw-data" in [e["node"]["name"] for e in types["project"]["artifactTypes"]["edges"]]


def test_delete_collections(wops: Ops, server: LocalServer) -> None:
    v2 = artifact_id(wops, "mnist-cnn:v2")
    wops("LinkArtifact", id=v2, entity="demo", project="mnist", portfolio="showcase")
    portfolio = _collection(wops, "showcase")
    deleted = wops("DeleteArtifactPortfolio", id=portfolio["id"])
    assert deleted["deleteArtifactPortfolio"]["artifactCollection"] == {
        "id": portfolio["id"],
        "state": "DELETED",
    }
    assert _collection(wops, "showcase") is None
    assert by_name(wops, "demo", "mnist", "mnist-cnn:v2") is not None  # the source stays

    sequence = _collection(wops, "mnist-cnn")
    digests = [
        e["node"]["md5"]
        for e in wops("ArtifactFilePage", id=v2, perPage=5, withCount=False)["artifact"]["files"][
            "edges"
        ]
    ]
    assert "is not a portfolio" in wops.errors("DeleteArtifactPortfolio", id=sequence["id"])[0]
    gone = wops("DeleteArtifactSequence", id=sequence["id"])
    assert gone["deleteArtifactSequence"]["artifactCollection"]["state"] == "DELETED"
    assert wops("ArtifactById", id=v2)["artifact"] is None
    assert all(server.store.artifacts.blob(d) is None for d in digests)
    collections = wops(
        "ProjectArtifactCollectionPage", entity="demo", project="mnist", perPage=10, withCount=True
    )["project"]["artifactCollections"]
    assert collections["totalCount"] == 2


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


@pytest.mark.parametrize("delete_artifacts", [True, False])
def test_deleting_a_run_and_its_artifacts(
    wops: Ops, server: LocalServer, gql: Gql, delete_artifacts: bool
) -> None:
    membership = by_name(wops, "demo", "mnist", "mnist-cnn:v0")
    assert membership is not None
    creator = wops("ArtifactCreator", id=membership["artifact"]["id"])["artifact"]["createdBy"]
    gql(
        "mutation($id: ID!, $all: Boolean) { deleteRun(input: {id: $id, deleteArtifacts: $all})"
        " { clientMutationId } }",
        id=creator["id"],
        all=delete_artifacts,
    )
    after = wops("ArtifactById", id=membership["artifact"]["id"])["artifact"]
    assert after["state"] == ("DELETED" if delete_artifacts else "COMMITTED")
    assert wops("ArtifactCreator", id=after["id"])["artifact"]["createdBy"] is None
    # the dataset and the job that run logged go (or stay) with it
    for name in ("mnist-train:v0", "train-mnist:v0"):
        assert (by_name(wops, "demo", "mnist", name) is None) == delete_artifacts
    assert by_name(wops, "demo", "mnist", "mnist-cnn:v1") is not None  # another run's
