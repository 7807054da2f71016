"""New artifact versions from our client, over real HTTP against LocalServer: drafts
built like ``wandb.Artifact`` (files, directories, new files, references, removals),
saved or logged by a run through the Core chain, incremental versions that upload
only what changed, deduplication, retries after an interruption, progress, and bad
input refused before any request."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from wandb_typed import AsyncApi, AsyncArtifactDraft, DownloadProgress, InputError
from wandb_typed.testing import FaultPlan, LocalServer

from ..support import make_async_api

pytestmark = pytest.mark.anyio


def files(root: Path, contents: dict[str, str]) -> Path:
    for name, text in contents.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def uploads(server: LocalServer) -> list[str]:
    return [r.path for r in server.requests if r.path.startswith("/artifact-uploads/")]


async def test_a_draft_is_saved_as_a_new_version(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path
) -> None:
    data = files(tmp_path / "data", {"a.txt": "alpha", "sub/b.txt": "beta"})
    draft = AsyncArtifactDraft("corpus", "dataset", description="two files", metadata={"rows": 2})
    draft.add_dir(data)
    with draft.new_file("notes/readme.md") as f:
        f.write("# corpus\n")
    draft.add_reference("https://example.com/big.bin", name="remote/big.bin")
    draft.add_file(data / "a.txt", name="copy/a.txt")
    assert sorted(draft.entries) == [
        "a.txt",
        "copy/a.txt",
        "notes/readme.md",
        "remote/big.bin",
        "sub/b.txt",
    ]
    v0 = await draft.save("p", api=fresh_api, aliases=["best"], tags=["raw"])
    assert (v0.version, v0.type, v0.description, v0.metadata) == (
        "v0",
        "dataset",
        "two files",
        {"rows": 2},
    )
    assert sorted(v0.aliases) == ["best", "latest"]
    assert v0.tags == ["raw"]
    assert v0.digest == draft.digest
    assert len(uploads(fresh)) == 3  # a.txt once (copy/a.txt has the same contents), b, readme
    manifest = await v0.manifest
    assert manifest.entries["remote/big.bin"].ref == "https://example.com/big.bin"
    out = await v0.download(root=tmp_path / "out", path_prefix="sub")
    assert (out / "sub/b.txt").read_text() == "beta"
    got = await fresh_api.artifact("demo/p/corpus:best")
    assert got.id == v0.id
    runs = [r async for r in fresh_api.runs("demo/p")]
    # saved outside a run: as wandb.Artifact.save() does, a run of job type auto logs it
    assert [(r.job_type, str(r.state)) for r in runs] == [("auto", "finished")]
    creator = await got.logged_by()
    assert creator is not None and creator.id == runs[0].id


async def test_new_draft_uploads_only_what_changed(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path
) -> None:
    data = files(tmp_path, {"a.txt": "alpha", "b.txt": "beta", "c.txt": "gamma"})
    draft = AsyncArtifactDraft("corpus", "dataset")
    draft.add_dir(data)
    v0 = await draft.save("p", api=fresh_api)
    fresh.requests.reset()
    nxt = await v0.new_draft()
    assert nxt.base_id == v0.id
    assert sorted(nxt.entries) == ["a.txt", "b.txt", "c.txt"]
    (data / "b.txt").write_text("BETA")
    nxt.add_file(data / "b.txt", overwrite=True)
    nxt.remove("c.txt")
    v1 = await nxt.save()
    assert v1.version == "v1"
    assert len(uploads(fresh)) == 1  # only b.txt
    assert sorted([f.name async for f in v1.files()]) == ["a.txt", "b.txt"]
    out = await v1.download(root=tmp_path / "v1")
    assert (out / "b.txt").read_text() == "BETA"
    assert (await fresh_api.artifact("demo/p/corpus:latest")).version == "v1"


async def test_an_incremental_draft_patches_the_latest_version(
    fresh_api: AsyncApi, tmp_path: Path
) -> None:
    data = files(tmp_path, {"a.txt": "alpha", "b.txt": "beta"})
    base = AsyncArtifactDraft("corpus", "dataset")
    base.add_dir(data)
    await base.save("p", api=fresh_api)
    patch = AsyncArtifactDraft("corpus", "dataset", incremental=True)
    patch.add_file(files(tmp_path / "more", {"c.txt": "gamma"}) / "c.txt")
    v1 = await patch.save("p", api=fresh_api)
    assert sorted([f.name async for f in v1.files()]) == ["a.txt", "b.txt", "c.txt"]
    first = AsyncArtifactDraft("fresh", "dataset", incremental=True)  # nothing to patch yet
    first.add_file(data / "a.txt")
    assert (await first.save("p", api=fresh_api)).version == "v0"


async def test_run_log_artifact_logs_a_draft(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path
) -> None:
    run = await fresh_api.create_run(project="p")
    draft = AsyncArtifactDraft("model", "model")
    draft.add_file(files(tmp_path, {"w.bin": "weights"}) / "w.bin")
    seen: list[DownloadProgress] = []
    logged = await run.log_artifact(draft, aliases=["prod"], progress=seen.append)
    assert logged.version == "v0"
    assert sorted(logged.aliases) == ["latest", "prod"]
    assert seen and seen[-1].files_done == seen[-1].files_total == 1
    assert [a.id async for a in run.logged_artifacts()] == [logged.id]
    creator = await logged.logged_by()
    assert creator is not None and creator.id == run.id


async def test_known_contents_are_not_stored_again(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path
) -> None:
    data = files(tmp_path, {"a.txt": "alpha"})
    first = AsyncArtifactDraft("corpus", "dataset")
    first.add_dir(data)
    v0 = await first.save("p", api=fresh_api)
    fresh.requests.reset()
    again = AsyncArtifactDraft("corpus", "dataset")
    again.add_dir(data)
    same = await again.save("p", api=fresh_api)
    assert same.id == v0.id
    assert uploads(fresh) == []
    assert not fresh.requests.graphql("CommitDraftVersion")


async def test_an_interrupted_save_is_finished_by_saving_again(
    fresh: LocalServer, tmp_path: Path
) -> None:
    data = files(tmp_path, {f"f{i}.txt": f"file {i}" for i in range(6)})
    draft = AsyncArtifactDraft("corpus", "dataset")
    draft.add_dir(data)
    fresh.faults = FaultPlan(rate=1.0, kinds=("500",), operations={"CommitDraftVersion"})
    async with make_async_api(fresh) as api:
        with pytest.raises(Exception, match="500"):
            await draft.save("p", api=api)
        pending = fresh.store.artifacts._all("SELECT state FROM artifacts", ())
        assert [r["state"] for r in pending] == ["PENDING"]
        assert [
            a async for a in (await api.artifact_collection("dataset", "demo/p/corpus")).artifacts()
        ] == []
        fresh.faults = FaultPlan()
        fresh.requests.reset()
        saved = await draft.save("p", api=api)
    assert saved.version == "v0"
    assert uploads(fresh) == []  # everything was there: only the manifest and the commit


async def test_bad_drafts_are_refused_before_any_request(
    fresh: LocalServer, fresh_api: AsyncApi, tmp_path: Path
) -> None:
    with pytest.raises(InputError):
        AsyncArtifactDraft("bad/name", "dataset")
    with pytest.raises(InputError):
        AsyncArtifactDraft("ok", "")
    draft = AsyncArtifactDraft("ok", "dataset")
    with pytest.raises(InputError, match="not a file"):
        draft.add_file(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="relative path"):
        draft.add_file(files(tmp_path, {"a.txt": "a"}) / "a.txt", name="../escape.txt")
    draft.add_file(tmp_path / "a.txt")
    with pytest.raises(InputError, match="overwrite"):
        draft.add_file(tmp_path / "a.txt")
    with pytest.raises(InputError, match="no entry"):
        draft.remove("nope.txt")
    with pytest.raises(InputError, match="not a URI"):
        draft.add_reference("just-a-path")
    fresh.requests.reset()
    with pytest.raises(InputError):
        await draft.save("p", api=fresh_api, aliases=["v3"])
    with pytest.raises(InputError):
        await draft.save("p", api=fresh_api, max_workers=0)
    assert [r for r in fresh.requests if r.operation_name != "Viewer"] == []


async def test_a_big_file_round_trips_with_its_md5(fresh_api: AsyncApi, tmp_path: Path) -> None:
    blob = hashlib.sha256(b"seed").digest() * 40_000  # 1.28 MB
    (tmp_path / "big.bin").write_bytes(blob)
    draft = AsyncArtifactDraft("big", "model")
    draft.add_file(tmp_path / "big.bin")
    saved = await draft.save("p", api=fresh_api)
    out = await saved.download(root=tmp_path / "out")
    assert (out / "big.bin").read_bytes() == blob
