"""Run files: createRunFiles -> signed PUT -> RunFiles -> signed GET; deleteFiles;
a different file host for credential-leak tests."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

import httpx

from wandb_typed.testing import LocalServer

from .helpers import JSON, Gql

CREATE_FILES = """
mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
  createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run,
                         files: $files}) {
    runID uploadHeaders files { name uploadUrl }
  }
}
"""
RUN_FILES = """
query RunFiles($name: String!, $fileCursor: String, $fileLimit: Int = 50,
               $fileNames: [String] = [], $pattern: String) {
  project(name: "p", entityName: "demo") {
    internalId
    run(name: $name) {
      fileCount
      files(names: $fileNames, after: $fileCursor, first: $fileLimit, pattern: $pattern) {
        totalCount
        edges { node { id name url directUrl sizeBytes mimetype updatedAt md5 } cursor }
        pageInfo { endCursor hasNextPage }
      }
    }
  }
}
"""


def upload(gql: Gql, files: dict[str, bytes]) -> JSON:
    created: JSON = gql(CREATE_FILES, entity="demo", project="p", run="r", files=list(files))[
        "createRunFiles"
    ]
    for item in created["files"]:
        response = httpx.put(item["uploadUrl"], content=files[item["name"]])
        assert response.status_code == 200, response.text
    return created


def list_files(gql: Gql, **variables: object) -> JSON:
    files: JSON = gql(RUN_FILES, name="r", **variables)["project"]["run"]["files"]
    return files


def test_upload_then_list_and_download(gql: Gql, server: LocalServer) -> None:
    server.store.create_run("demo", "p", name="r")
    payload = {"model/weights.bin": b"\x00\x01" * 500, "notes.txt": b"hello"}
    created = upload(gql, payload)
    assert base64.b64decode(created["runID"]).decode().startswith("Run:")
    assert created["uploadHeaders"] == []
    files = list_files(gql)
    assert files["totalCount"] == 2
    by_name = {e["node"]["name"]: e["node"] for e in files["edges"]}
    assert set(by_name) == set(payload)
    weights = by_name["model/weights.bin"]
    assert weights["sizeBytes"] == 1000
    assert (
        weights["md5"]
        == base64.b64encode(hashlib.md5(payload["model/weights.bin"]).digest()).decode()
    )
    assert by_name["notes.txt"]["mimetype"] == "text/plain"
    server.requests.clear()
    response = httpx.get(weights["url"])  # signed: no Authorization header needed
    assert response.status_code == 200
    assert response.content == payload["model/weights.bin"]
    assert response.headers["content-length"] == "1000"
    assert server.requests[-1].method == "GET"
    assert not server.requests[-1].had_authorization
    assert httpx.get(weights["directUrl"]).content == payload["model/weights.bin"]


def test_file_urls_need_a_valid_token_or_key(gql: Gql, server: LocalServer) -> None:
    server.store.create_run("demo", "p", name="r")
    upload(gql, {"a.txt": b"a"})
    url = list_files(gql)["edges"][0]["node"]["url"]
    bare = url.split("?")[0]
    assert httpx.get(bare).status_code == 401
    assert httpx.get(bare + "?token=forged").status_code == 401
    assert httpx.get(bare, headers={"Authorization": f"Bearer {server.api_key}"}).status_code == 200
    # a download token does not allow uploads
    assert httpx.put(url, content=b"evil").status_code == 401


def test_missing_file_and_run_are_404(gql: Gql, server: LocalServer) -> None:
    server.store.create_run("demo", "p", name="r")
    auth = {"Authorization": f"Bearer {server.api_key}"}
    assert httpx.get(f"{server.base_url}/files/demo/p/r/none.txt", headers=auth).status_code == 404
    assert httpx.get(f"{server.base_url}/files/demo/p/zz/a.txt", headers=auth).status_code == 404


def test_names_pattern_and_paging(gql: Gql, server: LocalServer) -> None:
    run = server.store.create_run("demo", "p", name="r")
    for i in range(5):
        server.store.add_file(int(run["id"]), f"f{i}.log", f"{i}")
    server.store.add_file(int(run["id"]), "config.yaml", "a: 1")
    names = [
        e["node"]["name"] for e in list_files(gql, fileNames=["f1.log", "config.yaml"])["edges"]
    ]
    assert names == ["config.yaml", "f1.log"]
    assert len(list_files(gql, pattern="f%.log")["edges"]) == 5
    seen: list[str] = []
    cursor = None
    while True:
        page = list_files(gql, fileLimit=2, fileCursor=cursor)
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursor = page["edges"][-1]["cursor"]
    assert seen == ["config.yaml", *[f"f{i}.log" for i in range(5)]]


def test_reserved_but_not_uploaded_files_are_hidden(gql: Gql, server: LocalServer) -> None:
    server.store.create_run("demo", "p", name="r")
    gql(CREATE_FILES, entity="demo", project="p", run="r", files=["pending.bin"])
    assert list_files(gql)["edges"] == []


def test_delete_files(gql: Gql, server: LocalServer) -> None:
    server.store.create_run("demo", "p", name="r")
    upload(gql, {"a.txt": b"a", "b.txt": b"b"})
    project = gql(RUN_FILES, name="r")["project"]
    file_id = project["run"]["files"]["edges"][0]["node"]["id"]
    result = gql(
        "mutation deleteFiles($files: [ID!]!, $projectId: Int) {"
        " deleteFiles(input: {files: $files, projectId: $projectId}) { success } }",
        files=[file_id],
        projectId=int(base64.b64decode(project["internalId"]).decode().split(":")[1]),
    )
    assert result == {"deleteFiles": {"success": True}}
    assert [e["node"]["name"] for e in list_files(gql)["edges"]] == ["b.txt"]


def test_file_host_changes_only_download_urls() -> None:
    with LocalServer(file_host="localhost") as server, Gql(server) as gql:
        server.store.create_run("demo", "p", name="r")
        created = upload(gql, {"a.txt": b"abc"})
        assert urlsplit(created["files"][0]["uploadUrl"]).hostname == "127.0.0.1"
        url = list_files(gql)["edges"][0]["node"]["url"]
        assert urlsplit(url).hostname == "localhost"
        assert urlsplit(url).port == server.port
        response = httpx.get(url)
        assert response.content == b"abc"
        assert server.requests[-1].host == f"localhost:{server.port}"
        assert not server.requests[-1].had_authorization


def test_demo_files(demo_gql: Gql) -> None:
    run = demo_gql("""{ project(name: "mnist", entityName: "demo") {
        runs(first: 1) { edges { node { name fileCount files { edges { node { name url } } } } } }
    } }""")["project"]["runs"]["edges"][0]["node"]
    assert run["fileCount"] == 3
    names = {e["node"]["name"]: e["node"]["url"] for e in run["files"]["edges"]}
    assert set(names) == {"config.yaml", "output.log", "wandb-metadata.json"}
    metadata = httpx.get(names["wandb-metadata.json"]).json()
    assert metadata["program"] == "train.py"
