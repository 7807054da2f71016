"""Artifacts on the local server, through our own operations (queries/artifacts.graphql):
every operation is run by a test of these modules; here the reads against the demo
data (lookups by name and id, version pages with counts, filters and orders, lineage,
types, collections and jobs). Files, manifests and bounds: ``test_server_artifacts_files.py``;
writes: ``test_server_artifacts_writes.py``."""

from __future__ import annotations

import json

import pytest

from wandb_typed.testing import DemoInfo, LocalServer

from .artifact_helpers import (
    Ops,
    artifact_id,
    artifact_operations,
    by_name,
    versions,
)
from .helpers import JSON, jdump

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
    """Each operation in queries/artifacts.graphql is run by a test of the
    test_server_artifacts_{reads,files,writes} modules."""
    assert artifact_operations() == EXERCISED


# ---------------------------------------------------------------------- reads
def test_artifact_by_name_alias_and_version_agree(
    ops: Ops, demo: tuple[LocalServer, DemoInfo]
) -> None:
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
    by_collection: dict[str, set[str]] = {}
    for alias in artifact["aliases"]:
        by_collection.setdefault(alias["artifactCollection"]["name"], set()).add(alias["alias"])
    assert by_collection.pop("mnist-cnn") == {"best", "latest"}
    # the demo links v2 into a registry: its aliases there come along
    assert by_collection == {demo[1].registry_collection: {"latest", demo[1].registry_alias}}
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


def test_memberships_of_a_version(ops: Ops, demo: tuple[LocalServer, DemoInfo]) -> None:
    memberships = ops("ArtifactMemberships", id=artifact_id(ops, "mnist-cnn:v2"))
    edge, link = memberships["artifact"]["artifactMemberships"]["edges"]  # its sequence first
    assert edge["node"]["versionIndex"] == 2
    assert {a["alias"] for a in edge["node"]["aliases"]} == {"best", "latest"}
    assert edge["node"]["artifactCollection"]["name"] == "mnist-cnn"
    # the demo links v2 into a registry's collection, where it is the first version
    assert link["node"]["versionIndex"] == 0
    assert link["node"]["artifactCollection"]["name"] == demo[1].registry_collection
    assert {a["alias"] for a in link["node"]["aliases"]} == {"latest", demo[1].registry_alias}


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
