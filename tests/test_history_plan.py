"""``ScanPlan``: where a full scan's windows go, and when several may be fetched ahead."""

from __future__ import annotations

from wandb_typed._core.history import SCAN_WINDOWS_AHEAD, ScanPlan, opening_windows


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


def test_opening_windows() -> None:
    k = SCAN_WINDOWS_AHEAD
    # nothing known, or a sparse history: the first window alone
    assert opening_windows(0, 100, None, None, None) == [(0, 100)]
    assert opening_windows(0, 100, None, 10, 10_000) == [(0, 100)]
    assert opening_windows(50, 100, 120, None, None) == [(50, 120)]  # cut at max_step
    # dense: up to k windows, up to the last step the run object knew
    assert opening_windows(0, 100, None, 10_000, 9_999) == [
        (i, i + 100) for i in range(0, k * 100, 100)
    ]
    assert opening_windows(0, 100, None, 250, 249) == [(0, 100), (100, 200), (200, 250)]
    assert opening_windows(0, 100, 150, 250, 249) == [(0, 100), (100, 150)]
    # scanning past the last step it knew (the run may have grown): the first window
    assert opening_windows(300, 100, None, 250, 249) == [(300, 400)]
    assert opening_windows(5, 100, 5, 250, 249) == []  # an empty range: nothing
