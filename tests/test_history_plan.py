"""``ScanPlan``: where a full scan's windows go, and when several may be fetched ahead."""

from __future__ import annotations

from wandb_typed._core.history import ScanPlan


def test_dense_windows_are_steady_and_contiguous() -> None:
    plan = ScanPlan(0, 10, 3)
    assert plan.steady and plan.window() == (0, 3)
    assert plan.observe(3, 3)
    assert plan.steady  # a full window of page_size steps: the width stays
    ahead = [plan.window_from(3)]
    while ahead[-1][1] < plan.stop:
        ahead.append(plan.window_from(ahead[-1][1]))
    assert ahead == [(3, 6), (6, 9), (9, 10)]  # contiguous, clipped at the end


def test_sparse_windows_widen_and_are_not_steady() -> None:
    plan = ScanPlan(0, 10**6, 100)
    assert plan.observe(100, 0)  # empty: 16 times wider, one window ahead at most
    assert not plan.steady and plan.window() == (100, 1700)
    assert plan.observe(1700, 10)  # sparse: twice as wide
    assert not plan.steady and plan.window() == (1700, 4900)
    assert not plan.observe(4900, 100)  # full and wider than page_size: ask again, narrower
    assert plan.window() == (1700, 2100)
    assert plan.observe(2100, 60)  # dense, but wider than page_size: may come back full
    assert not plan.steady and plan.window_from(2500) == (2500, 2900)
    assert not plan.observe(2500, 100)  # full: narrower, down to page_size at least
    assert plan.window() == (2100, 2200)
    assert plan.observe(2200, 100) and plan.steady  # page_size wide and dense: steady
