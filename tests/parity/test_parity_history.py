"""Parity of run history: sampled ``history()`` and the full ``scan_history()``.

Both clients ask the server for the same samples, and the server samples
deterministically, so sampled rows must match exactly, not just in count.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import _norm as n
from .conftest import ENTITY, PARITY, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]

_RUNS: dict[str, tuple[Any, Any]] = {}


def _pair(world: World, which: str) -> tuple[Any, Any]:
    """(official run, our run) for ``history`` (sparse steps, odd keys, NaN),
    ``mnist`` (the first demo run) or ``long`` (5000 steps)."""
    if which not in _RUNS:
        if which == "history":
            path = f"{ENTITY}/{PARITY}/{world.history_run}"
        elif which == "mnist":
            first = next(iter(world.ours.runs(f"{ENTITY}/mnist", per_page=1)))
            path = first.path
        else:
            path = f"{ENTITY}/{world.demo.long_history_project}/{world.demo.long_history_run}"
        _RUNS[which] = (world.fresh_official().run(path), world.ours.run(path))
    return _RUNS[which]


def rows(value: Any) -> list[Any]:
    return [n.typed(row) for row in value]


# ---------------------------------------------------------------------- history()
@pytest.mark.parametrize("which", ["history", "mnist", "long"])
@pytest.mark.parametrize("samples", [1, 2, 5, 37, 500, 10_000])
def test_history_all_keys(world: World, which: str, samples: int) -> None:
    official, ours = _pair(world, which)
    expected = rows(official.history(samples=samples, pandas=False))
    got = rows(ours.history(samples=samples, pandas=False))
    assert got == expected
    assert len(got) == min(samples, ours.history_line_count)


KEYS: dict[str, list[list[str]]] = {
    "history": [
        ["loss"],
        ["train.loss"],
        ["eval/acc"],
        ["loss", "eval/acc"],
        ["nested", "text"],
        ["maybe"],
        ["flag", "image", "big"],
        ["no-such-key"],
    ],
    "mnist": [["loss"], ["loss", "acc"], ["val_loss"], ["val_acc", "epoch"]],
    "long": [["loss"], ["eval/loss"], ["lr", "tokens_per_sec"]],
}
CASES = [(which, keys) for which, key_sets in KEYS.items() for keys in key_sets]


@pytest.mark.parametrize("samples", [3, 50, 500])
@pytest.mark.parametrize(("which", "keys"), CASES, ids=[f"{w}-{'+'.join(k)}" for w, k in CASES])
def test_history_keys(world: World, which: str, keys: list[str], samples: int) -> None:
    official, ours = _pair(world, which)
    expected = rows(official.history(samples=samples, keys=keys, pandas=False))
    assert rows(ours.history(samples=samples, keys=keys, pandas=False)) == expected


@pytest.mark.parametrize("x_axis", ["_runtime", "_timestamp", "epoch"])
def test_history_x_axis(world: World, x_axis: str) -> None:
    official, ours = _pair(world, "mnist")
    expected = rows(official.history(samples=20, keys=["loss"], x_axis=x_axis, pandas=False))
    assert rows(ours.history(samples=20, keys=["loss"], x_axis=x_axis, pandas=False)) == expected


@pytest.mark.parametrize("samples", [1, 7, 500])
@pytest.mark.parametrize("which", ["history", "mnist"])
def test_history_system_stream(world: World, which: str, samples: int) -> None:
    official, ours = _pair(world, which)
    expected = rows(official.history(samples=samples, stream="system", pandas=False))
    assert rows(ours.history(samples=samples, stream="system", pandas=False)) == expected
    assert expected


@pytest.mark.parametrize("keys", [None, ["loss", "acc"]])
def test_history_pandas(world: World, keys: list[str] | None) -> None:
    official, ours = _pair(world, "mnist")
    expected = official.history(samples=40, keys=keys)
    got = ours.history(samples=40, keys=keys)
    assert list(got.columns) == list(expected.columns)
    assert [str(t) for t in got.dtypes] == [str(t) for t in expected.dtypes]
    assert rows(got.to_dict("records")) == rows(expected.to_dict("records"))


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside the official client
@pytest.mark.parametrize("keys", [["loss"], None])
def test_runs_histories(world: World, keys: list[str] | None) -> None:
    """``Runs.histories``: every run's sampled rows tagged with ``run_id``."""
    path = f"{ENTITY}/llm-finetune"
    official = world.fresh_official().runs(path, per_page=3)
    expected = rows(official.histories(samples=15, keys=keys))
    assert rows(world.ours.runs(path, per_page=3).histories(samples=15, keys=keys)) == expected
    frame_o = world.fresh_official().runs(path, per_page=3).histories(15, keys, format="pandas")
    frame_u = world.ours.runs(path, per_page=3).histories(15, keys, format="pandas")
    assert list(frame_u.columns) == list(frame_o.columns)
    assert rows(frame_u.to_dict("records")) == rows(frame_o.to_dict("records"))


# ---------------------------------------------------------------------- scan_history()
SCANS: list[tuple[str, dict[str, Any]]] = [
    ("history", {}),
    ("history", {"page_size": 7}),
    ("history", {"keys": ["loss"]}),
    ("history", {"keys": ["eval/acc"], "page_size": 13}),
    ("history", {"keys": ["loss", "nested"]}),
    ("history", {"keys": ["train.loss", "text"], "page_size": 50}),
    ("history", {"min_step": 100}),
    ("history", {"min_step": 101, "max_step": 150}),
    ("history", {"min_step": 11, "max_step": 13}),  # inside a gap: no rows
    ("history", {"keys": ["loss"], "min_step": 50, "max_step": 300, "page_size": 17}),
    ("history", {"max_step": 100_000}),
    ("history", {"keys": ["no-such-key"]}),
    ("mnist", {}),
    ("mnist", {"keys": ["val_loss", "val_acc"]}),
    ("mnist", {"keys": ["acc"], "min_step": 10, "max_step": 20}),
    ("long", {}),
    ("long", {"keys": ["eval/loss"], "page_size": 400}),
    ("long", {"min_step": 4990}),
]


@pytest.mark.parametrize(
    ("which", "kwargs"),
    SCANS,
    ids=[f"{w}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'all'}" for w, kw in SCANS],
)
def test_scan_history(world: World, which: str, kwargs: dict[str, Any]) -> None:
    official, ours = _pair(world, which)
    expected = [n.loose(row) for row in official.scan_history(**kwargs)]
    got = [n.loose(row) for row in ours.scan_history(**kwargs)]
    assert len(got) == len(expected)
    assert got == expected


def test_scan_history_matches_sampled_history_when_unsampled(world: World) -> None:
    """A scan returns every row; so does history() with enough samples."""
    official, ours = _pair(world, "history")
    full = rows(ours.scan_history())
    assert full == rows(official.history(samples=10_000, pandas=False))
    assert [r["_step"] for r in full] == sorted(r["_step"] for r in full)
