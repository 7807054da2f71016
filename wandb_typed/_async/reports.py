"""Reports: list a project's, find one by name or by its URL's slug, and the runs
of a report's section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from .._core.checks import check_bool, check_text
from .._core.paging import Page, page_of
from .._core.report_runs import run_set_query
from .._core.reports import ReportData
from .._core.users import UserRef
from ..errors import InputError, NotFoundError
from ..types import as_object
from .paging import AsyncSizedPaginator

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ReportFields

    from .runs import AsyncRuns
    from .session import AsyncSession

__all__ = ["AsyncReport", "BetaReport", "fetch_report", "list_reports", "report_from"]


@dataclass(frozen=True)
class AsyncReport(ReportData):
    """A W&B report. Its ``spec`` is the parsed report definition; :meth:`runs` lists
    the runs of one of its sections."""

    _session: AsyncSession = field(compare=False, repr=False)

    def runs(
        self,
        section: Mapping[str, object] | int = 0,
        per_page: int = 50,
        only_selected: bool = True,
    ) -> AsyncRuns:
        """The runs of a section (a panel group of :attr:`sections`, or its index):
        its open run set's filters and sort; with ``only_selected``, only the runs
        selected in it (lazy, like ``Api.runs``)."""
        from .runs import list_runs

        check_bool(only_selected, "only_selected")
        if isinstance(section, int) and not isinstance(section, bool):
            sections = self.sections
            if not 0 <= section < len(sections) or not isinstance(sections[section], dict):
                raise InputError(f"report {self.name!r} has no section {section}")
            section = cast("Mapping[str, object]", sections[section])
        if not isinstance(section, Mapping):
            raise InputError(
                f"section must be a section of report.sections or its index, got {type(section).__name__}"
            )
        filters, order = run_set_query(section, only_selected)
        return list_runs(
            self._session,
            f"{self.entity}/{self.project}",
            filters,
            order,
            per_page,
            True,
            None,
            None,
        )


#: The official client's name for :class:`AsyncReport`.
BetaReport = AsyncReport


def report_from(session: AsyncSession, f: ReportFields, entity: str, project: str) -> AsyncReport:
    """Build from the generated ``ReportFields`` fragment (the view knows no path)."""
    return AsyncReport(
        id=f.id, name=f.name, display_name=f.display_name, description=f.description,
        spec=as_object(f.spec, f"report {f.name or f.id}: spec"),
        user=UserRef(f.user.name, f.user.username) if f.user is not None else None,
        created_at=f.created_at, updated_at=f.updated_at, entity=entity, project=project,
        app_url=session.settings.app_url, _session=session,
    )  # fmt: skip


def list_reports(
    session: AsyncSession, entity: str | None, project: str, name: str | None, per_page: int
) -> AsyncSizedPaginator[AsyncReport]:
    """The lazy collection of a project's reports (only those named ``name``, if given);
    counted by walking (the server gives no count)."""
    if name is not None:
        check_text(name, "report name")

    async def fetch(cursor: str | None, first: int) -> Page[AsyncReport]:
        ent = await session.resolve_entity(entity)
        result = await session.gql.report_page(
            entity=ent, project=project, name=name, cursor=cursor, per_page=first
        )
        if result.project is None:
            raise NotFoundError.of(f"project {ent}/{project}", "ReportPage")
        return page_of(
            result.project.all_views, lambda node: report_from(session, node, ent, project)
        )

    what = f"reports of {entity or '<default>'}/{project}"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=what, key=lambda r: r.id)


async def fetch_report(session: AsyncSession, entity: str, project: str, name: str) -> AsyncReport:
    """One report by name, or by the ``Title--<id>`` slug of its URL."""
    slug_id = name.rsplit("--", 1)[1] if "--" in name else None
    reports = list_reports(session, entity, project, None if slug_id else name, 100)
    async for report in reports:
        if (slug_id is not None and report.id.replace("=", "") == slug_id) or report.name == name:
            return report
    raise NotFoundError.of(f"report {name!r} in {entity}/{project}", "ReportPage")
