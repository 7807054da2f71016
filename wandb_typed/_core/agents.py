"""Sweep agents: the processes that run a sweep's trials (read-only data, the same
class in both modes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import AgentFields

__all__ = ["Agent", "agent_from"]


@dataclass(frozen=True)
class Agent:
    """A sweep agent: a process (on ``host``) that runs trials of a sweep."""

    id: str
    name: str
    """The agent's id as ``wandb agent`` prints it."""
    host: str
    state: str | None
    """``RUNNING``, ``FINISHED``, ``KILLED``, ..."""
    total_runs: int
    created_at: datetime
    heartbeat_at: datetime | None
    sweep: str
    """The sweep's path, ``entity/project/sweep_id``."""


def agent_from(f: AgentFields, sweep_path: str) -> Agent:
    """Build from the generated ``AgentFields`` fragment."""
    return Agent(
        id=f.id, name=f.name, host=f.host, state=f.state, total_runs=f.total_runs,
        created_at=f.created_at, heartbeat_at=f.heartbeat_at, sweep=sweep_path,
    )  # fmt: skip
