"""Who may see and change artifacts, and the signed URLs that serve their contents."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from wandb_typed.testing import LocalServer

from .artifact_helpers import Ops, artifact_id, by_name, md5_b64, small_demo
from .helpers import JSON, Gql, jdump


@dataclass
class Two:
    """A server where ``demo`` and ``alice`` each own a private project with artifacts;
    alice also has a public one."""

    server: LocalServer
    demo: Ops
    alice: Ops
    alice_private: str  # id of alice/secret/weights:v0
    alice_public: str  # id of alice/open/weights:v0
    secret_bytes: bytes


@pytest.fixture
def two(server: LocalServer) -> Iterator[Two]:
    small_demo(server)
    key = server.add_user("alice")
    store = server.store
    store.create_project("alice", "secret")
    store.create_project("alice", "open", access="PUBLIC")
    secret = b"alice's private weights"
    run = store.create_run("alice", "secret", name="a-run")
    store.artifacts.create_artifact(
        "alice", "secret", "weights", "model", {"w.bin": secret}, run_id=int(run["id"])
    )
    store.artifacts.create_artifact("alice", "open", "weights", "model", {"w.bin": b"public"})
    with Gql(server) as demo_gql, Gql(server, api_key=key) as alice_gql:
        demo, alice = Ops(demo_gql), Ops(alice_gql)
        yield Two(
            server,
            demo,
            alice,
            artifact_id(alice, "weights:v0", entity="alice", project="secret"),
            artifact_id(alice, "weights:v0", entity="alice", project="open"),
            secret,
        )


# ---------------------------------------------------------------------- reads
def test_private_artifacts_are_invisible(two: Two) -> None:
    demo = two.demo
    assert by_name(demo, "alice", "secret", "weights:v0") is None
    assert demo("ArtifactById", id=two.alice_private)["artifact"] is None
    assert demo("ArtifactFilePage", id=two.alice_private, perPage=5, withCount=True) == {
        "artifact": None
    }
    assert demo("ArtifactCreator", id=two.alice_private)["artifact"] is None
    assert demo("ArtifactManifestUrl", id=two.alice_private)["artifact"] is None
    collection = two.alice(
        "ArtifactCollectionByName", entity="alice", project="secret", name="weights"
    )["project"]["artifactCollection"]
    assert demo("ArtifactCollectionAliasPage", id=collection["id"], perPage=5) == {
        "artifactCollection": None
    }
    types = demo("ArtifactTypePage", entity="alice", project="secret", perPage=5)
    assert types == {"project": None}
    # alice herself sees everything
    assert two.alice("ArtifactById", id=two.alice_private)["artifact"]["id"] == two.alice_private


def test_public_artifacts_are_readable_but_not_writable(two: Two) -> None:
    demo = two.demo
    found = by_name(demo, "alice", "open", "weights:latest")
    assert found is not None
    assert found["artifact"]["id"] == two.alice_public
    errors = demo.errors(
        "SaveArtifact",
        id=two.alice_public,
        description="mine now",
        aliasesToAdd=[],
        aliasesToDelete=[],
        addAliases=False,
        deleteAliases=False,
    )
    assert "permission denied" in errors[0]
    assert "permission denied" in demo.errors("DeleteArtifact", id=two.alice_public)[0]
    alias = {"artifactCollectionName": "weights", "entityName": "alice", "projectName": "open"}
    assert (
        "permission denied"
        in demo.errors(
            "AddArtifactAliases", id=two.alice_public, aliases=[{**alias, "alias": "mine"}]
        )[0]
    )
    # linking a readable version into one's own project is allowed
    linked = demo(
        "LinkArtifact", id=two.alice_public, entity="demo", project="mnist", portfolio="borrowed"
    )
    assert linked["linkArtifact"]["versionIndex"] == 0
    # but not into someone else's project
    assert (
        "permission denied"
        in demo.errors(
            "LinkArtifact",
            id=artifact_id(demo, "mnist-cnn:v0"),
            entity="alice",
            project="open",
            portfolio="gift",
        )[0]
    )
    collection = demo("ArtifactCollectionByName", entity="alice", project="open", name="weights")
    sequence_id = collection["project"]["artifactCollection"]["id"]
    assert "permission denied" in demo.errors("DeleteArtifactSequence", id=sequence_id)[0]
    assert "permission denied" in demo.errors("MoveArtifactSequence", id=sequence_id, type="x")[0]
    unchanged = two.alice("ArtifactById", id=two.alice_public)["artifact"]
    assert unchanged["description"] is None
    assert unchanged["state"] == "COMMITTED"


def test_mutations_on_private_artifacts_are_not_found(two: Two) -> None:
    demo = two.demo
    secret = two.alice_private
    alias = {"artifactCollectionName": "weights", "entityName": "alice", "projectName": "secret"}
    cases: list[tuple[str, JSON]] = [
        (
            "SaveArtifact",
            {
                "id": secret,
                "aliasesToAdd": [],
                "aliasesToDelete": [],
                "addAliases": False,
                "deleteAliases": False,
            },
        ),
        ("DeleteArtifact", {"id": secret, "deleteAliases": True}),
        ("AddArtifactAliases", {"id": secret, "aliases": [{**alias, "alias": "x"}]}),
        ("LinkArtifact", {"id": secret, "entity": "demo", "project": "mnist", "portfolio": "p"}),
        (
            "UseArtifact",
            {"entity": "demo", "project": "mnist", "run": _a_run(two), "id": secret},
        ),
        (
            "LinkArtifact",
            {
                "id": artifact_id(demo, "mnist-cnn:v0"),
                "entity": "alice",
                "project": "secret",
                "portfolio": "p",
            },
        ),
        (
            "LogRunArtifact",
            {
                "entity": "alice",
                "project": "secret",
                "run": "a-run",
                "type": "model",
                "collection": "weights",
                "digest": "0" * 32,
            },
        ),
    ]
    for operation, variables in cases:
        errors = demo.errors(operation, **variables)
        assert "not found" in errors[0], (operation, errors)
    collection = two.alice(
        "ArtifactCollectionByName", entity="alice", project="secret", name="weights"
    )["project"]["artifactCollection"]
    for operation in ("DeleteArtifactSequence", "DeleteArtifactPortfolio"):
        assert "not found" in demo.errors(operation, id=collection["id"])[0]
    still = two.alice("ArtifactById", id=secret)["artifact"]
    assert still["state"] == "COMMITTED"
    assert [a["alias"] for a in still["aliases"]] == ["latest"]


def _a_run(two: Two) -> str:
    project = two.server.store.project("demo", "mnist")
    assert project is not None
    return str(two.server.store.runs_page(int(project["id"]), first=1).rows[0]["name"])


def test_unreadable_runs_and_links_are_left_out(two: Two) -> None:
    """A private run that used a public version, and a private portfolio it is linked
    to, do not show up for other users."""
    alice = two.alice
    alice("UseArtifact", entity="alice", project="secret", run="a-run", id=two.alice_public)
    alice("LinkArtifact", id=two.alice_public, entity="alice", project="secret", portfolio="hidden")
    assert [
        e["node"]["name"]
        for e in alice("ArtifactUsedByPage", id=two.alice_public, perPage=5)["artifact"]["usedBy"][
            "edges"
        ]
    ] == ["a-run"]
    seen = two.demo("ArtifactUsedByPage", id=two.alice_public, perPage=5)["artifact"]
    assert seen["usedBy"]["edges"] == []
    memberships = two.demo("ArtifactMemberships", id=two.alice_public)["artifact"]
    assert [
        m["node"]["artifactCollection"]["name"] for m in memberships["artifactMemberships"]["edges"]
    ] == ["weights"]
    aliases = two.demo("ArtifactById", id=two.alice_public)["artifact"]["aliases"]
    assert {a["artifactCollection"]["project"]["name"] for a in aliases} == {"open"}
    creator = two.demo("ArtifactCreator", id=two.alice_public)["artifact"]["createdBy"]
    assert creator is None


def test_linked_version_is_readable_through_a_readable_portfolio(two: Two) -> None:
    """Linking a version into a public portfolio makes it readable there (registry-like)."""
    two.server.store.create_project("alice", "registry", access="PUBLIC")
    two.alice(
        "LinkArtifact", id=two.alice_private, entity="alice", project="registry", portfolio="w"
    )
    through = by_name(two.demo, "alice", "registry", "w:latest")
    assert through is not None
    assert through["artifact"]["id"] == two.alice_private
    assert two.demo("ArtifactById", id=two.alice_private)["artifact"] is not None
    # its creator run lives in the private project: hidden
    assert two.demo("ArtifactCreator", id=two.alice_private)["artifact"]["createdBy"] is None


# ---------------------------------------------------------------------- signed URLs
def _file_url(ops: Ops, artifact: str, name: str) -> str:
    page = ops("ArtifactFilePage", id=artifact, names=[name], perPage=1, withCount=False)
    return str(page["artifact"]["files"]["edges"][0]["node"]["directUrl"])


def test_signed_urls_need_no_key_and_are_byte_exact(two: Two) -> None:
    url = _file_url(two.alice, two.alice_private, "w.bin")
    response = httpx.get(url)  # no Authorization header at all
    assert response.status_code == 200
    assert response.content == two.secret_bytes
    assert md5_b64(response.content) == md5_b64(two.secret_bytes)
    assert response.headers["content-length"] == str(len(two.secret_bytes))
    head = httpx.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(two.secret_bytes))


def test_tampered_or_expired_urls_are_refused(two: Two) -> None:
    url = _file_url(two.alice, two.alice_private, "w.bin")
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    base = f"{parts.scheme}://{parts.netloc}"

    def get(path: str, expires: str, token: str) -> httpx.Response:
        return httpx.get(f"{base}{path}", params={"expires": expires, "token": token})

    assert get(parts.path, query["expires"], query["token"]).status_code == 200
    assert get(parts.path, query["expires"], "0" * 40).status_code == 401
    assert get(parts.path, str(int(query["expires"]) + 60), query["token"]).status_code == 401
    other = _file_url(two.demo, artifact_id(two.demo, "mnist-cnn:v0"), "model.pt")
    assert get(urlsplit(other).path, query["expires"], query["token"]).status_code == 401
    assert httpx.get(f"{base}{parts.path}").status_code == 401
    # a correctly signed URL whose time is up
    artifact_number = parts.path.split("/")[2]
    old = two.server.store.artifacts.signed_query(
        "file", f"{artifact_number}/w.bin", now=time.time() - 7200
    )
    expired = httpx.get(f"{base}{parts.path}?{old}")
    assert expired.status_code == 403
    assert "expired" in expired.json()["errors"][0]["message"]


def test_manifest_url_is_signed(two: Two) -> None:
    url = two.alice("ArtifactManifestUrl", id=two.alice_private)["artifact"]["currentManifest"][
        "file"
    ]["directUrl"]
    assert httpx.get(url).json()["contents"]["w.bin"]["digest"] == md5_b64(two.secret_bytes)
    assert httpx.get(url.replace("token=", "token=0")).status_code == 401


def test_blob_route_needs_a_key_that_can_read(two: Two) -> None:
    """``/artifacts/{entity}/{md5 hex}``: W&B's fallback download path (storage layout V1)."""
    digest_hex = base64.b64decode(md5_b64(two.secret_bytes)).hex()
    url = f"{two.server.base_url}/artifacts/alice/{digest_hex}"
    assert httpx.get(url).status_code == 401
    alice_key = two.alice.gql.http.headers["Authorization"].split()[1]
    basic = base64.b64encode(f"api:{alice_key}".encode()).decode()
    ok = httpx.get(url, headers={"Authorization": f"Basic {basic}"})
    assert ok.status_code == 200
    assert ok.content == two.secret_bytes
    demo_key = two.server.api_key
    assert httpx.get(url, headers={"Authorization": f"Bearer {demo_key}"}).status_code == 404
    wrong_entity = f"{two.server.base_url}/artifacts/demo/{digest_hex}"
    assert (
        httpx.get(wrong_entity, headers={"Authorization": f"Bearer {alice_key}"}).status_code == 404
    )
    public_hex = base64.b64decode(md5_b64(b"public")).hex()
    public = f"{two.server.base_url}/artifacts/alice/{public_hex}"
    assert httpx.get(public, headers={"Authorization": f"Bearer {demo_key}"}).content == b"public"
    bad = f"{two.server.base_url}/artifacts/alice/not-hex"
    assert httpx.get(bad, headers={"Authorization": f"Bearer {demo_key}"}).status_code == 404


def test_urls_use_the_file_host() -> None:
    with LocalServer(file_host="localhost") as server:
        small_demo(server)
        with Gql(server) as gql:
            ops = Ops(gql)
            url = _file_url(ops, artifact_id(ops, "mnist-cnn:v0"), "config.json")
            assert urlsplit(url).hostname == "localhost"
            assert httpx.get(url).status_code == 200


def test_traffic_stats_group_artifact_routes(two: Two) -> None:
    url = _file_url(two.alice, two.alice_private, "w.bin")
    httpx.get(url)
    httpx.get(url)
    stats = httpx.get(
        f"{two.server.base_url}/_local/stats",
        headers={"Authorization": f"Bearer {two.server.api_key}"},
    ).json()["operations"]
    assert stats["GET /artifact-files"]["requests"] == 2
    assert not [name for name in stats if "w.bin" in name]


def test_filters_cannot_inject_sql(two: Two) -> None:
    page = two.demo(
        "ProjectArtifactCollectionPage",
        entity="demo",
        project="mnist",
        filters=jdump({"name": "x' OR 1=1 --"}),
        perPage=5,
        withCount=True,
    )["project"]["artifactCollections"]
    assert page["totalCount"] == 0
    assert page["edges"] == []
