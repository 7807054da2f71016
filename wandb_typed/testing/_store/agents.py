"""Sweep agents: the processes that run a sweep's trials (``createAgent``)."""

from __future__ import annotations

import random
import string
from datetime import datetime
from typing import ClassVar

from ._base import Row, StoreConflict, format_time, utc_now
from .sweeps import SweepsStore

__all__ = ["AgentsStore"]

#: Agents a sweep lists at most: every request's work stays bounded.
MAX_AGENTS = 1000


class AgentsStore(SweepsStore):
    """The agents of sweeps, unique by sweep and name."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS sweep_agents (
    id INTEGER PRIMARY KEY,
    sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    host TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'RUNNING',
    total_runs INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    heartbeat_at TEXT,
    UNIQUE (sweep_id, name)
);
"""

    def create_agent(
        self,
        sweep_id: int,
        host: str,
        *,
        name: str | None = None,
        state: str = "RUNNING",
        total_runs: int = 0,
        created_at: datetime | str | None = None,
        heartbeat_at: datetime | str | None = None,
    ) -> Row:
        """Register an agent of a sweep (``name``: a random 8-character id by default)."""
        agent_name = name or "".join(
            random.SystemRandom().choice(string.ascii_lowercase + string.digits) for _ in range(8)
        )
        if self.agent(sweep_id, agent_name) is not None:
            raise StoreConflict(f"the sweep has an agent named {agent_name!r}")
        now = utc_now()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO sweep_agents (sweep_id, name, host, state, total_runs, created_at,"
                " heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    sweep_id, agent_name, host, state, total_runs,
                    format_time(created_at) or now, format_time(heartbeat_at) or now,
                ),
            )  # fmt: skip
        row = self.agent(sweep_id, agent_name)
        assert row is not None
        return row

    def agent(self, sweep_id: int, name: str) -> Row | None:
        """An agent of the sweep by name, or ``None``."""
        return self._one(
            "SELECT * FROM sweep_agents WHERE sweep_id = ? AND name = ?", (sweep_id, name)
        )

    def agents_of(self, sweep_id: int) -> list[Row]:
        """The sweep's agents, oldest first (at most :data:`MAX_AGENTS`)."""
        return self._all(
            "SELECT * FROM sweep_agents WHERE sweep_id = ? ORDER BY id LIMIT ?",
            (sweep_id, MAX_AGENTS),
        )
