"""Artifact writes on the local server, through our own operations
(queries/artifacts.graphql), each on a fresh server with the small demo data: edits in
one request, alias uniqueness, deletes, links, use and log, collection edits."""

from __future__ import annotations

import json

import pytest

from wandb_typed.testing import LocalServer

from .artifact_helpers import (
    Ops,
    artifact_id,
    by_name,
    versions,
)
from .helpers import JSON, Gql, jdump


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
    # contents no version has: a new *pending* version, which nothing lists until the
    # write path (tests/testing/test_server_artifact_uploads.py) commits it
    pending = wops("LogRunArtifact", **common, type="model", digest="0" * 32)
    assert pending["createArtifact"]["artifact"]["state"] == "PENDING"
    assert pending["createArtifact"]["artifact"]["versionIndex"] is None
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
