"""``sync_tensorboard``: the official client's is broken in wandb 0.31.0 (it imports
``wandb.sync``, which 0.31 no longer has), so ours cannot be compared with it run for
run. This pins that fact: when a release fixes it, this test fails and the comparison
(same history for ``tests/fixtures/tensorboard``) should replace it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ENTITY, WRITES, World

pytestmark = [pytest.mark.parity, pytest.mark.xdist_group("parity")]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "tensorboard"


def test_the_official_sync_tensorboard_fails_in_0_31(world: World) -> None:
    with pytest.raises(ModuleNotFoundError, match=r"wandb\.sync"):
        world.fresh_official().sync_tensorboard(str(FIXTURE), project=WRITES, entity=ENTITY)
