"""Reports: list a project's, find one by name or by its URL's slug."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core.checks import check_text
from .._core.paging import Page, page_of
from .._core.reports import Report, report_from
from ..errors import NotFoundError
from .paging import AsyncSizedPaginator

if TYPE_CHECKING:
    from .session import AsyncSession

__all__ = ["Report", "fetch_report", "list_reports"]


def list_reports(
    session: AsyncSession, entity: str | None, project: str, name: str | None, per_page: int
) -> AsyncSizedPaginator[Report]:
    """The lazy collection of a project's reports (only those named ``name``, if given);
    counted by walking (the server gives no count)."""
    if name is not None:
        check_text(name, "report name")

    async def fetch(cursor: str | None, first: int) -> Page[Report]:
        ent = await session.resolve_entity(entity)
        result = await session.gql.report_page(
            entity=ent, project=project, name=name, cursor=cursor, per_page=first
        )
        if result.project is None:
            raise NotFoundError.of(f"project {ent}/{project}", "ReportPage")
        app = session.settings.app_url
        return page_of(result.project.all_views, lambda node: report_from(node, ent, project, app))

    what = f"reports of {entity or '<default>'}/{project}"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=what, key=lambda r: r.id)


async def fetch_report(session: AsyncSession, entity: str, project: str, name: str) -> Report:
    """One report by name, or by the ``Title--<id>`` slug of its URL."""
    slug_id = name.rsplit("--", 1)[1] if "--" in name else None
    reports = list_reports(session, entity, project, None if slug_id else name, 100)
    async for report in reports:
        if (slug_id is not None and report.id.replace("=", "") == slug_id) or report.name == name:
            return report
    raise NotFoundError.of(f"report {name!r} in {entity}/{project}", "ReportPage")
