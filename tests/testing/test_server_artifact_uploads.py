"""New artifact versions over HTTP, as wandb-core writes them: a pending version,
signed uploads checked for token, MD5, size and storage, manifests (full and
incremental), commit, digest deduplication, retries after an interruption, and the
features answered ``UNSUPPORTED``."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import make_api
from wandb_typed.testing import LocalServer, ServerLimits

from .helpers import Gql

CREATE = """mutation C($input: CreateArtifactInput!) {
  createArtifact(input: $input) { artifact { id state versionIndex digest
    artifactSequence { latestArtifact { id } } } } }"""
FILES = """mutation F($specs: [CreateArtifactFileSpecInput!]!) {
  createArtifactFiles(input: {artifactFiles: $specs, storageLayout: V2}) {
    files { edges { node { storagePath uploadUrl uploadHeaders
      uploadMultipartUrls { uploadID } artifact { id } } } } } }"""
MANIFEST = """mutation M($id: ID!, $base: ID, $digest: String!, $type: ArtifactManifestType!) {
  createArtifactManifest(input: {artifactID: $id, baseArtifactID: $base, name: "wandb_manifest.json",
    digest: $digest, entityName: "demo", projectName: "p", runName: "r1", type: $type}) {
    artifactManifest { id file { uploadUrl uploadHeaders } } } }"""
UPDATE_MANIFEST = """mutation U($id: ID!, $digest: String) {
  updateArtifactManifest(input: {artifactManifestID: $id, digest: $digest}) {
    artifactManifest { id file { uploadUrl } } } }"""
COMMIT = """mutation K($id: ID!) { commitArtifact(input: {artifactID: $id}) {
  artifact { id state versionIndex digest } } }"""
UPSERT = """mutation Up { upsertBucket(input: {name: "r1", modelName: "p", entityName: "demo"}) {
  bucket { id } } }"""


def md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def digest_of(files: dict[str, bytes]) -> str:
    hasher = hashlib.md5(b"wandb-artifact-manifest-v1\n")
    for path in sorted(files):
        hasher.update(f"{path}:{md5(files[path])}\n".encode())
    return hasher.hexdigest()


def manifest(files: dict[str, bytes | None]) -> bytes:
    contents = {
        p: (None if data is None else {"digest": md5(data), "size": len(data)})
        for p, data in files.items()
    }
    return json.dumps(
        {
            "version": 1,
            "storagePolicy": "wandb-storage-policy-v1",
            "storagePolicyConfig": {},
            "contents": contents,
        }
    ).encode()


class Writer:
    """Sends the chain wandb-core sends, one step at a time."""

    def __init__(self, server: LocalServer, api_key: str | None = None) -> None:
        self.server = server
        self.gql = Gql(server, api_key)
        if api_key is None:
            self.gql(UPSERT)

    def create(self, files: dict[str, bytes], name: str = "ds", **extra: Any) -> dict[str, Any]:
        data = self.gql(
            CREATE,
            input={
                "entityName": "demo", "projectName": "p", "runName": "r1",
                "artifactTypeName": "dataset", "artifactCollectionName": name,
                "digest": digest_of(files), "digestAlgorithm": "MANIFEST_MD5",
                "aliases": [{"alias": "latest", "artifactCollectionName": name},
                            {"alias": "best", "artifactCollectionName": name}],
                "enableDigestDeduplication": True, "historyStep": 3, **extra,
            },
        )  # fmt: skip
        artifact: dict[str, Any] = data["createArtifact"]["artifact"]
        return artifact

    def file_urls(self, artifact_id: str, files: dict[str, bytes]) -> dict[str, str | None]:
        specs = [{"artifactID": artifact_id, "name": p, "md5": md5(d)} for p, d in files.items()]
        edges = self.gql(FILES, specs=specs)["createArtifactFiles"]["files"]["edges"]
        assert all(e["node"]["artifact"]["id"] == artifact_id for e in edges)
        assert all(e["node"]["uploadMultipartUrls"] is None for e in edges)
        return {p: e["node"]["uploadUrl"] for p, e in zip(files, edges, strict=True)}

    def put_files(self, artifact_id: str, files: dict[str, bytes]) -> int:
        uploaded = 0
        for path, url in self.file_urls(artifact_id, files).items():
            if url is not None:
                assert httpx.put(url, content=files[path]).status_code == 200
                uploaded += 1
        return uploaded

    def put_manifest(
        self, artifact_id: str, body: bytes, *, kind: str = "FULL", base: str | None = None
    ) -> None:
        slot = self.gql(MANIFEST, id=artifact_id, base=base, digest="", type=kind)
        manifest_id = slot["createArtifactManifest"]["artifactManifest"]["id"]
        url = self.gql(UPDATE_MANIFEST, id=manifest_id, digest="x")["updateArtifactManifest"]
        response = httpx.put(url["artifactManifest"]["file"]["uploadUrl"], content=body)
        assert response.status_code == 200, response.text

    def commit(self, artifact_id: str) -> dict[str, Any]:
        committed: dict[str, Any] = self.gql(COMMIT, id=artifact_id)["commitArtifact"]["artifact"]
        return committed

    def log(self, files: dict[str, bytes], name: str = "ds") -> dict[str, Any]:
        artifact = self.create(files, name)
        if artifact["state"] == "COMMITTED":
            return artifact
        self.put_files(artifact["id"], files)
        self.put_manifest(artifact["id"], manifest(dict(files)))
        return self.commit(artifact["id"])


@pytest.fixture
def writer(server: LocalServer) -> Iterator[Writer]:
    w = Writer(server)
    yield w
    w.gql.close()


FILES_V0 = {"a.txt": b"alpha\n", "dir/b.bin": bytes(range(256))}


def test_new_contents_make_a_pending_version_until_commit(
    server: LocalServer, writer: Writer, tmp_path: Path
) -> None:
    artifact = writer.create(FILES_V0)
    assert (artifact["state"], artifact["versionIndex"]) == (
        "PENDING",
        None,
    )  # never COMMITTED here
    api = make_api(server)
    assert [c.name for c in api.artifact_collections("demo/p", "dataset")] == ["ds"]
    assert list(api.artifact_collection("dataset", "demo/p/ds").artifacts()) == []
    errors = writer.gql.errors(COMMIT, id=artifact["id"])
    assert "manifest was not uploaded" in errors[0]
    writer.put_manifest(artifact["id"], manifest(dict(FILES_V0)))
    errors = writer.gql.errors(COMMIT, id=artifact["id"])
    assert "2 file(s) were not uploaded" in errors[0]  # nothing half-committed
    assert writer.put_files(artifact["id"], FILES_V0) == 2
    committed = writer.commit(artifact["id"])
    assert (committed["state"], committed["versionIndex"]) == ("COMMITTED", 0)
    assert committed["digest"] == digest_of(FILES_V0)
    assert writer.commit(artifact["id"]) == committed  # a retried commit succeeds
    version = api.artifact("demo/p/ds:best")
    assert version.version == "v0"
    assert sorted(version.aliases) == ["best", "latest"]
    assert version.history_step == 2  # the step logged before it, as wandb.Api reads it
    assert [a.version for a in api.run("demo/p/r1").logged_artifacts()] == ["v0"]
    root = Path(version.download(root=tmp_path))
    assert (root / "dir/b.bin").read_bytes() == bytes(range(256))


def test_known_contents_are_deduplicated(server: LocalServer, writer: Writer) -> None:
    v0 = writer.log(FILES_V0)
    again = writer.create(FILES_V0)
    assert (again["id"], again["state"]) == (v0["id"], "COMMITTED")
    changed = {**FILES_V0, "a.txt": b"changed\n"}
    v1 = writer.create(changed)
    assert v1["state"] == "PENDING"
    urls = writer.file_urls(v1["id"], changed)
    assert urls["dir/b.bin"] is None  # the server has it: no upload
    assert urls["a.txt"] is not None
    assert writer.put_files(v1["id"], changed) == 1
    writer.put_manifest(v1["id"], manifest(dict(changed)))
    assert writer.commit(v1["id"])["versionIndex"] == 1
    assert make_api(server).artifact("demo/p/ds:latest").version == "v1"


def test_an_interrupted_version_is_finished_by_a_retry(writer: Writer) -> None:
    first = writer.create(FILES_V0)
    writer.put_files(first["id"], {"a.txt": FILES_V0["a.txt"]})  # then Ctrl-C
    retry = writer.create(FILES_V0)
    assert (retry["id"], retry["state"]) == (first["id"], "PENDING")
    assert writer.put_files(retry["id"], FILES_V0) == 1  # only what is missing
    writer.put_manifest(retry["id"], manifest(dict(FILES_V0)))
    assert writer.commit(retry["id"])["versionIndex"] == 0


def test_incremental_manifests_patch_their_base(server: LocalServer, writer: Writer) -> None:
    v0 = writer.log(FILES_V0)
    patch = {"c.txt": b"new\n", "a.txt": None}
    final = {"dir/b.bin": FILES_V0["dir/b.bin"], "c.txt": b"new\n"}
    v1 = writer.create(final)
    writer.put_files(v1["id"], {"c.txt": b"new\n"})
    writer.put_manifest(v1["id"], manifest(patch), kind="PATCH", base=v0["id"])
    assert writer.commit(v1["id"])["digest"] == digest_of(final)
    version = make_api(server).artifact("demo/p/ds:v1")
    assert sorted(f.name for f in version.files()) == ["c.txt", "dir/b.bin"]


def test_uploads_check_token_md5_size_and_storage(tmp_path: Path) -> None:
    limits = ServerLimits(max_file_bytes=1000, max_artifact_storage_bytes=1500)
    with LocalServer(limits=limits) as server:
        writer = Writer(server)
        files = {"a": b"x" * 900, "b": b"y" * 900, "c": b"z" * 1001}
        artifact = writer.create(files)
        urls = writer.file_urls(artifact["id"], files)
        a_url, b_url, c_url = (str(urls[k]) for k in "abc")
        assert httpx.put(a_url.replace("token=", "token=0"), content=files["a"]).status_code == 401
        wrong = httpx.put(a_url, content=b"q" * 900)
        assert (wrong.status_code, "MD5" in wrong.text) == (400, True)
        assert httpx.put(c_url, content=files["c"]).status_code == 413
        assert httpx.put(a_url, content=files["a"]).status_code == 200
        full = httpx.put(b_url, content=files["b"])
        assert full.status_code == 507
        assert "max_artifact_storage_bytes" in full.json()["errors"][0]["message"]
        assert server.store.artifacts.storage_bytes() == 900
        writer.gql.close()


def test_an_encoded_dot_dot_path_writes_nothing(
    server: LocalServer, writer: Writer, tmp_path: Path
) -> None:
    artifact = writer.create(FILES_V0)
    url = str(writer.file_urls(artifact["id"], FILES_V0)["a.txt"])
    _, _, query = url.partition("?")
    for evil in ("/artifact-uploads/%2e%2e%2f%2e%2e%2fescape", "/artifact-uploads/1/..%2F..%2Fescape",
                 "/artifact-manifest-uploads/..%2f1"):  # fmt: skip
        response = httpx.put(f"{server.base_url}{evil}?{query}", content=FILES_V0["a.txt"])
        assert response.status_code == 404
    bad_path = {"artifactID": artifact["id"], "name": "../escape.txt", "md5": md5(b"x")}
    assert "invalid artifact file path" in writer.gql.errors(FILES, specs=[bad_path])[0]
    evil_manifest = manifest({"../../escape": b"x"})
    slot = writer.gql(MANIFEST, id=artifact["id"], base=None, digest="", type="FULL")
    put = httpx.put(
        slot["createArtifactManifest"]["artifactManifest"]["file"]["uploadUrl"],
        content=evil_manifest,
    )
    assert put.status_code == 400
    assert not list(tmp_path.parent.glob("escape*"))
    assert server.store.path == ":memory:"  # contents live in the store, never in files


def test_other_users_cannot_write_a_pending_version(server: LocalServer, writer: Writer) -> None:
    artifact = writer.create(FILES_V0)
    eve = Writer(server, server.add_user("eve"))
    spec = {"artifactID": artifact["id"], "name": "a.txt", "md5": md5(b"x")}
    assert "not found" in eve.gql.errors(FILES, specs=[spec])[0]
    assert "not found" in eve.gql.errors(COMMIT, id=artifact["id"])[0]
    eve.gql.close()


def unsupported(gql: Gql, query: str, **variables: Any) -> dict[str, Any]:
    body = gql.raw(query, **variables).json()
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    assert extensions["code"] == "UNSUPPORTED", body
    return extensions


def test_what_the_local_server_does_not_build_is_named(server: LocalServer, writer: Writer) -> None:
    artifact = writer.create(FILES_V0)
    parts = {"artifactID": artifact["id"], "name": "big", "md5": md5(b"x"),
             "uploadPartsInput": [{"partNumber": 1, "hexMD5": "00" * 16}]}  # fmt: skip
    assert unsupported(writer.gql, FILES, specs=[parts])["feature"] == "multipart uploads"
    complete = """mutation { completeMultipartUploadArtifact(input: {completeMultipartAction: Complete,
      completedParts: [], artifactID: "x", storagePath: "s", uploadID: "u"}) { digest } }"""
    assert unsupported(writer.gql, complete)["feature"] == "multipart uploads"
    region = {"entityName": "demo", "projectName": "p", "artifactTypeName": "dataset",
              "artifactCollectionName": "ds", "digest": "d", "digestAlgorithm": "MANIFEST_MD5",
              "storageRegion": "coreweave-us"}  # fmt: skip
    assert unsupported(writer.gql, CREATE, input=region)["feature"] == "storage regions"
    resume = """query { model(name: "p", entityName: "demo") { bucket(name: "r1", missingOk: true) { id } } }"""
    assert "resuming run" in unsupported(writer.gql, resume)["feature"]
    missing = writer.gql(
        """query { model(name: "p", entityName: "demo") { bucket(name: "new", missingOk: true) { id } } }"""
    )
    assert missing["model"]["bucket"] is None  # wandb.init(resume="allow") of a new run works
    rewind = """mutation { rewindRun(input: {runName: "r1", entityName: "demo", projectName: "p",
      metricName: "_step", metricValue: 1}) { rewoundRun { id } } }"""
    assert unsupported(writer.gql, rewind)["feature"] == "rewinding a run"
    alert = """mutation { notifyScriptableRunAlert(input: {entityName: "demo", projectName: "p",
      runName: "r1", title: "t", text: "x"}) { success } }"""
    assert unsupported(writer.gql, alert)["feature"] == "run alerts"


def test_file_specs_answer_every_non_null_field(server: LocalServer, writer: Writer) -> None:
    """The connection's own fields too, for no specs and for some (the fuzzer found
    ``files { uploadHeaders }`` answered null, an internal error)."""
    query = """mutation F($specs: [CreateArtifactFileSpecInput!]!) {
      createArtifactFiles(input: {artifactFiles: $specs, storageLayout: V1}) {
        files { uploadHeaders totalCount pageInfo { hasNextPage } edges { node { name } } } } }"""
    empty = writer.gql(query, specs=[])["createArtifactFiles"]["files"]
    assert empty == {
        "uploadHeaders": [],
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False},
        "edges": [],
    }
    artifact = writer.create(FILES_V0)
    specs = [
        {"artifactID": artifact["id"], "name": path, "md5": md5(body)}
        for path, body in FILES_V0.items()
    ]
    files = writer.gql(query, specs=specs)["createArtifactFiles"]["files"]
    assert files["uploadHeaders"] == [] and files["totalCount"] == len(FILES_V0)
    assert [e["node"]["name"] for e in files["edges"]] == list(FILES_V0)
