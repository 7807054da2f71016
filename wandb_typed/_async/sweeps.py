"""Sweeps: fetch one, list a project's (each built from its page, no refetch), its runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._core.agents import Agent, agent_from
from .._core.checks import check_text
from .._core.paging import Page, page_of
from .._core.sweeps import SweepData
from ..errors import InputError, NotFoundError
from ..paths import check_name, parse_object_path
from .paging import AsyncSizedPaginator

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import SweepFields

    from .runs import AsyncRun, AsyncRuns
    from .session import AsyncSession

__all__ = ["AsyncSweep"]


@dataclass(frozen=True, eq=False, repr=False)
class AsyncSweep(SweepData):
    """A hyperparameter sweep."""

    _session: AsyncSession = field(compare=False)

    @property
    def runs(self) -> AsyncRuns:
        """The sweep's runs (lazy), oldest first."""
        from .runs import list_runs

        return list_runs(
            self._session,
            self.project_path,
            {"sweep": self.id},
            "+created_at",
            50,
            True,
            None,
            None,
        )

    async def best_run(self, order: str | None = None) -> AsyncRun | None:
        """The first run by ``order`` (default: the sweep metric's goal); ``None`` if no runs."""
        order = order or self.order
        if order is None:
            raise InputError(
                f"sweep {self.path} has no metric in its config; pass order=, e.g. '-summary_metrics.acc'"
            )
        from .runs import list_runs

        runs = list_runs(
            self._session, self.project_path, {"sweep": self.id}, order, 1, True, None, None
        )
        first = await runs.first_page()
        return first.items[0] if first.items else None

    async def agents(self) -> list[Agent]:
        """The sweep's agents (one request)."""
        result = await self._session.gql.sweep_agents(
            entity=self.entity, project=self.project, sweep=self.id
        )
        if result.project is None or result.project.sweep is None:
            raise NotFoundError.of(f"sweep {self.path}", "SweepAgents")
        return [agent_from(e.node, self.path) for e in result.project.sweep.agents.edges]

    async def agent(self, agent_id: str) -> Agent:
        """One of the sweep's agents by its id (``name``).

        Raises:
            NotFoundError: the sweep has no such agent.
        """
        check_text(agent_id, "agent_id")
        result = await self._session.gql.sweep_agent(
            entity=self.entity, project=self.project, sweep=self.id, agent=agent_id
        )
        sweep = result.project.sweep if result.project is not None else None
        if sweep is None or sweep.agent is None:
            raise NotFoundError.of(f"agent {agent_id!r} of sweep {self.path}", "SweepAgent")
        return agent_from(sweep.agent, self.path)


def sweep_from(session: AsyncSession, entity: str, project: str, f: SweepFields) -> AsyncSweep:
    return AsyncSweep(
        storage_id=f.id, id=f.name, entity=entity, project=project, display_name=f.display_name,
        method=f.method, state=f.state, description=f.description, best_loss=f.best_loss,
        config_yaml=f.config, run_count=f.run_count, expected_run_count=f.run_count_expected,
        created_at=f.created_at, updated_at=f.updated_at, app_url=session.settings.app_url, _session=session,
    )  # fmt: skip


async def fetch_sweep(
    session: AsyncSession, entity: str, project: str, sweep_id: str
) -> AsyncSweep:
    """One sweep by entity, project and id."""
    result = await session.gql.sweep_by_name(entity=entity, project=project, name=sweep_id)
    if result.project is None or result.project.sweep is None:
        raise NotFoundError.of(f"sweep {entity}/{project}/{sweep_id}", "SweepByName")
    return sweep_from(session, entity, project, result.project.sweep)


async def fetch_sweep_by_path(session: AsyncSession, path: str) -> AsyncSweep:
    """``Api.sweep``: ``sweep_id``, ``project/sweep_id`` or ``entity/project[/sweeps]/sweep_id``."""
    parsed = parse_object_path(path, "sweep")
    entity = await session.resolve_entity(parsed.entity)
    assert parsed.name is not None
    return await fetch_sweep(
        session, entity, parsed.project or session.settings.project, parsed.name
    )


def list_sweeps(
    session: AsyncSession, entity: str, project: str, per_page: int
) -> AsyncSizedPaginator[AsyncSweep]:
    """A project's sweeps; each is built from its page (no request per sweep)."""
    check_name(project, "project name")

    async def fetch(cursor: str | None, first: int) -> Page[AsyncSweep]:
        result = await session.gql.sweep_page(
            entity=entity, project=project, cursor=cursor, per_page=first
        )
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{project}", "SweepPage")
        return page_of(
            result.project.sweeps,
            lambda node: sweep_from(session, entity, project, node),
            result.project.total_sweeps,
        )

    return AsyncSizedPaginator(
        fetch, per_page=per_page, what=f"sweeps of {entity}/{project}", key=lambda s: s.storage_id
    )
