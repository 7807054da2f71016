"""Open enums read like the official client's values: ``print(run.state)`` shows the
wire value (``finished``), and an unknown value is a member, not an error."""

from __future__ import annotations

import pytest

from wandb_typed import ArtifactState, RunState


@pytest.mark.parametrize("member", [RunState.FINISHED, RunState("zombie"), ArtifactState.COMMITTED])
def test_str_format_and_fstrings_give_the_wire_value(member: RunState | ArtifactState) -> None:
    assert str(member) == f"{member}" == member.value
    assert f"{member:>12}" == f"{member.value:>12}"
    assert member == member.value  # still a str
    assert repr(member).startswith(f"<{type(member).__name__}.")  # repr keeps the name


def test_an_unknown_state_is_an_open_member() -> None:
    state = RunState("zombie")
    assert (state.name, state.value, str(state)) == ("ZOMBIE", "zombie", "zombie")
