"""Parity of run files (listing, metadata and downloaded bytes), sweeps and reports."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from . import _norm as n
from .conftest import ENTITY, PARITY, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]


# ---------------------------------------------------------------------- files
def _file_runs(world: World) -> list[str]:
    first_mnist = next(iter(world.ours.runs(f"{ENTITY}/mnist", per_page=1)))
    return [f"{ENTITY}/{PARITY}/{world.files_run}", first_mnist.path, f"{ENTITY}/{PARITY}/p00"]


@pytest.mark.parametrize("per_page", [1, 7, 50, 1000])
@pytest.mark.parametrize("index", [0, 1, 2])
def test_files(world: World, index: int, per_page: int) -> None:
    path = _file_runs(world)[index]
    official_run = world.fresh_official().run(path)
    official_files = official_run.files(per_page=per_page)
    ours_files = world.ours.run(path).files(per_page=per_page)
    expected = [n.official_file(f) for f in official_files]
    assert [n.our_file(f) for f in ours_files] == expected
    assert len(ours_files) == len(official_run.files(per_page=per_page)) == len(expected)


@pytest.mark.parametrize(
    "names",
    [["binary.bin"], ["my file.txt", "données.csv"], ["no-such-file"], ["logs/part-007.log"]],
)
def test_files_by_name(world: World, names: list[str]) -> None:
    path = _file_runs(world)[0]
    expected = [n.official_file(f) for f in world.fresh_official().run(path).files(names=names)]
    assert [n.our_file(f) for f in world.ours.run(path).files(names=names)] == expected


@pytest.mark.parametrize(
    "name",
    [
        "binary.bin",
        "media/images/pic.png",
        "empty.txt",
        "my file.txt",
        "données.csv",
        "large.bin",
        "logs/part-059.log",
    ],
)
def test_file_download(world: World, name: str) -> None:
    """``file(name)`` metadata and the bytes each client writes to disk."""
    path = _file_runs(world)[0]
    official = world.fresh_official().run(path).file(name)
    ours = world.ours.run(path).file(name)
    assert n.our_file(ours) == n.official_file(official)
    root_o = world.download_root / "official" / name.replace("/", "_")
    root_u = world.download_root / "ours" / name.replace("/", "_")
    official.download(root=str(root_o), replace=True).close()
    written = ours.download(root=root_u, replace=True)
    assert written == (root_u / name).resolve()
    data_o, data_u = (root_o / name).read_bytes(), written.read_bytes()
    assert data_u == data_o
    assert len(data_u) == ours.size
    stored = world.server.store.file_content(_file_id(world, path, name))
    assert data_u == stored
    assert hashlib.md5(data_u).digest().hex() == _md5_hex(ours.md5)


def test_demo_file_downloads(world: World) -> None:
    """Every file of a demo run, downloaded by both."""
    path = _file_runs(world)[1]
    official = list(world.fresh_official().run(path).files())
    ours = list(world.ours.run(path).files())
    assert [f.name for f in ours] == [f.name for f in official]
    for o, u in zip(official, ours, strict=True):
        o.download(root=str(world.download_root / "demo-o"), replace=True).close()
        got: Path = u.download(root=world.download_root / "demo-u", replace=True)
        assert got.read_bytes() == (world.download_root / "demo-o" / o.name).read_bytes()


def _file_id(world: World, path: str, name: str) -> int:
    entity, project, run_id = path.split("/")
    store = world.server.store
    project_row = store.project(entity, project)
    assert project_row is not None
    run = store.run(int(project_row["id"]), run_id)
    assert run is not None
    row = store.file(int(run["id"]), name)
    assert row is not None
    return int(row["id"])


def _md5_hex(md5: str | None) -> str:
    import base64

    assert md5 is not None
    return base64.b64decode(md5).hex()


# ---------------------------------------------------------------------- sweeps
def _sweep_paths(world: World) -> list[str]:
    return [
        f"{ENTITY}/{world.demo.sweep_project}/{world.demo.sweep_id}",
        f"{ENTITY}/{PARITY}/{world.extra_sweep}",
    ]


@pytest.mark.parametrize("index", [0, 1])
def test_sweep(world: World, index: int) -> None:
    path = _sweep_paths(world)[index]
    official = world.fresh_official().sweep(path)
    ours = world.ours.sweep(path)
    assert n.our_sweep(ours) == n.official_sweep(official)


@pytest.mark.parametrize("index", [0, 1])
def test_sweep_runs(world: World, index: int) -> None:
    """The sweep's runs, in order, with every attribute; and its best run."""
    path = _sweep_paths(world)[index]
    official = world.fresh_official().sweep(path)
    ours = world.ours.sweep(path)
    expected = [n.official_run(r) for r in official.runs]
    assert [n.our_run(r) for r in ours.runs] == expected
    assert len(ours.runs) == len(official.runs) == len(expected) == ours.run_count
    best_o, best_u = official.best_run(), ours.best_run()
    assert (best_u.id if best_u else None) == (best_o.id if best_o else None)
    for order in ("-summary_metrics.loss", "+created_at"):
        o, u = official.best_run(order=order), ours.best_run(order=order)
        assert (u.id if u else None) == (o.id if o else None), order


def test_run_sweep(world: World) -> None:
    """``run.sweep`` of a run in a sweep."""
    path = f"{ENTITY}/{PARITY}/p05"
    official = world.fresh_official().run(path).sweep
    ours = world.ours.run(path).sweep
    assert ours is not None and official is not None
    assert n.our_sweep(ours) == n.official_sweep(official)


def test_project_sweeps(world: World) -> None:
    for project in ("mnist", PARITY, "empty"):
        official = world.fresh_official().project(project, entity=ENTITY).sweeps()
        ours = world.ours.project(project, entity=ENTITY).sweeps()
        assert [n.our_sweep(s) for s in ours] == [n.official_sweep(s) for s in official]
        assert len(ours) == len(official)


# ---------------------------------------------------------------------- reports
@pytest.mark.parametrize(
    ("project", "name", "per_page"),
    [
        ("mnist", None, 50),
        (PARITY, None, 50),
        (PARITY, None, 1),
        (PARITY, "second-report", 50),
        ("mnist", "mnist-baselines", 1),
        ("empty", None, 50),
    ],
)
def test_reports(world: World, project: str, name: str | None, per_page: int) -> None:
    path = f"{ENTITY}/{project}"
    official = world.fresh_official().reports(path, name=name, per_page=per_page)
    expected = [n.official_report(r) for r in official]
    assert [n.our_report(r) for r in world.ours.reports(path, name=name, per_page=per_page)] == (
        expected
    )


def test_report_section_runs(world: World) -> None:
    """The demo report's run set selects the same runs (official ``BetaReport.runs``)."""
    official = next(iter(world.fresh_official().reports(f"{ENTITY}/mnist")))
    ours = next(iter(world.ours.reports(f"{ENTITY}/mnist")))
    section: dict[str, Any] = official.sections[0]
    selected = section["runSets"][0]["selections"]["tree"]
    expected = [r.id for r in official.runs(section)]
    got = [
        r.id
        for r in world.ours.runs(
            f"{ENTITY}/mnist",
            {"$and": [{"state": "finished"}, {"name": {"$in": selected}}]},
            order="-createdAt",
        )
    ]
    assert got == expected
    assert ours.sections == n.canon(official.sections)
