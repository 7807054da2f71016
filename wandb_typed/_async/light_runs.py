"""Light runs listings (``Api.runs(light=True)``): identity and state of each run,
for listing thousands cheaply; :meth:`AsyncLightRun.load` fetches one run in full,
:meth:`AsyncLightRuns.upgrade_to_full` the whole listing, a page per request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING

from _wandb_typed_gql.gc_pause import gc_paused_from_reply

from .._core.paging import Page, page_of
from .._core.runs import FULL, LightRunData, RunListingData, RunQuery, RunState
from ..errors import NotFoundError
from .paging import AsyncSizedPaginator, FetchPage

if TYPE_CHECKING:
    from .runs import AsyncRun, AsyncRuns
    from .session import AsyncSession

__all__ = ["AsyncLightRun", "AsyncLightRuns", "list_light_runs"]


class AsyncLightRun(LightRunData):
    """A run as a light listing (``runs(light=True)``) returns it: identity and state.

    :meth:`load` fetches the full run (config, summary, storage id, everything else).
    """

    def __init__(
        self,
        session: AsyncSession,
        entity: str,
        project: str,
        id: str,
        name: str,
        state: RunState | None,
    ) -> None:
        self._session = session
        super().__init__(entity, project, id, name, state, session.settings.app_url)

    async def load(self) -> AsyncRun:
        """Fetch the full run."""
        from .runs import AsyncRun, fetch_fields

        fields = await fetch_fields(self._session, self.entity, self.project, self.id, FULL)
        return AsyncRun(self._session, self.entity, self.project, fields, FULL)


class AsyncLightRuns(RunListingData, AsyncSizedPaginator[AsyncLightRun]):
    """The lazy collection of a light runs listing (``runs(light=True)``): identity and
    state of each run; :meth:`upgrade_to_full` lists the same runs in full."""

    def __init__(
        self,
        session: AsyncSession,
        fetch: FetchPage[AsyncLightRun],
        *,
        per_page: int,
        query: RunQuery,
    ) -> None:
        super().__init__(fetch, per_page=per_page, what=query.what, key=lambda r: r.id)
        self._session = session
        self._query = query
        self._settings = session.settings

    def upgrade_to_full(self, include_sweeps: bool = True) -> AsyncRuns:
        """The same runs (path, filters, order, page size), in full: one request per
        page of runs, never one per run (the official ``upgrade_to_full`` reloads run by
        run)."""
        from .runs import list_runs

        path = f"{self._query.entity}/{self.project}" if self._query.entity else self.project
        return list_runs(
            self._session, path, self._query.filters, self._query.order, self.per_page,
            include_sweeps, None, None,
        )  # fmt: skip

    def __aiter__(self) -> AsyncIterator[AsyncLightRun]:
        # Spelled out, as on AsyncTypedRuns: jedi follows this signature.
        return super().__aiter__()


def list_light_runs(
    session: AsyncSession,
    path: str | None,
    filters: Mapping[str, object] | None,
    order: str,
    per_page: int,
) -> AsyncLightRuns:
    """The lazy collection of a project's runs, identity and state only."""
    query = RunQuery.of(path, filters, order, per_page)

    async def fetch(cursor: str | None, first: int) -> Page[AsyncLightRun]:
        entity = await session.resolve_entity(query.entity)
        project = query.project or session.settings.project
        with gc_paused_from_reply():  # from the decoded reply to the built page
            result = await session.gql.light_run_page(
                entity=entity, project=project, filters=query.filters, order=query.order,
                cursor=cursor, per_page=first, with_count=cursor is None,
            )  # fmt: skip
            if result.project is None:
                raise NotFoundError.of(f"project {entity}/{project}", "LightRunPage")
            return page_of(
                result.project.runs,
                lambda node: AsyncLightRun(
                    session, entity, project, node.name, node.display_name or node.name,
                    RunState(node.state) if node.state else None,
                ),
                result.project.run_count,
            )  # fmt: skip

    return AsyncLightRuns(session, fetch, per_page=per_page, query=query)
