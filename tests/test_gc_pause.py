"""The collector pauses of the generated package: a decode's pause is handed over to
the listing that waits for it (so the collector does not scan a page between decode,
validation and building), an error ends it at once, and the collector's own state
is always restored."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from _wandb_typed_gql.gc_pause import gc_paused_from_reply, paused_gc


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_pause_ends_with_its_block() -> None:
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # re-entrant: the outer pause still holds
    assert gc.isenabled()


def test_the_first_decode_in_a_reply_block_is_held_until_the_block_ends() -> None:
    with gc_paused_from_reply():
        assert gc.isenabled()  # waiting for the reply: the collector runs
        with paused_gc():  # the decode
            pass
        assert not gc.isenabled()  # held: validation and the page come next
        with paused_gc():  # validation: its own pause ends as usual
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_ends_the_pause_at_once() -> None:
    with gc_paused_from_reply():
        with pytest.raises(ValueError, match="not JSON"), paused_gc():  # a failed decode
            raise ValueError("not JSON")
        assert gc.isenabled()
        with paused_gc():  # the retry's decode is the one held
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_end_lets_the_collector_run_before_more_requests() -> None:
    with gc_paused_from_reply() as pause:
        with paused_gc():
            pass
        assert not gc.isenabled()
        pause.end()
        assert gc.isenabled()
        with paused_gc():  # a later request's decode is not held any more
            pass
        assert gc.isenabled()
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    with gc_paused_from_reply(), paused_gc():
        pass
    assert not gc.isenabled()
