"""The lazy collection, the sync-only surface: ``len()`` and ``[i]`` at page edges.
Every other paging behaviour is tested in both modes by ``tests/_async/test_paging.py``
and its generated twin."""

from __future__ import annotations

import pytest

from wandb_typed.testing import LocalServer

from .support import Rewrite as Rewrite  # for tests/test_hardening.py, which imports it here
from .support import make_api
from .support import seed_runs as seed_runs  # for tests/test_hardening.py too


@pytest.mark.parametrize(
    ("count", "per_page"), [(0, 10), (1, 10), (10, 10), (11, 10), (25, 10), (7, 1)]
)
def test_len_and_index_at_page_edges(fresh: LocalServer, count: int, per_page: int) -> None:
    names = seed_runs(fresh, count)
    with make_api(fresh) as api:
        runs = api.runs("demo/p", per_page=per_page, include_sweeps=False)
        assert len(runs) == count
        if count:
            assert (runs[0].id, runs[-1].id) == (names[0], names[-1])
        with pytest.raises(IndexError):
            runs[count]
