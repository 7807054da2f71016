"""Reports: saved views of type ``runs`` (what the official client calls BetaReport)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from ._modes import M
from ._steps import Steps, call
from .errors import InputError, NotFoundError
from .paging import Page, Paginator, page_of
from .types import JSONObject, JSONValue, as_object
from .users import UserRef

if TYPE_CHECKING:
    from wandb_typed_gql.fragments import ReportFields

    from .api import ApiBase

__all__ = ["BetaReport", "Report"]


@dataclass(frozen=True)
class Report:
    """A W&B report. Read-only data: its ``spec`` is the parsed report definition."""

    id: str
    name: str | None
    display_name: str | None
    description: str | None
    spec: JSONObject
    user: UserRef | None
    created_at: datetime
    updated_at: datetime | None
    entity: str
    project: str
    app_url: str

    @property
    def url(self) -> str:
        """The report's page in the W&B app."""
        # The W&B app's slug: every non-word character becomes "-", runs of "-" collapse.
        title = re.sub(r"-+", "-", re.sub(r"\W", "-", self.display_name or self.name or "report"))
        return f"{self.app_url}/{self.entity}/{self.project}/reports/{quote(title.strip('-'))}--{self.id.replace('=', '')}"

    @property
    def sections(self) -> list[JSONValue]:
        """The report's panel groups (``spec["panelGroups"]``)."""
        groups = self.spec.get("panelGroups")
        return groups if isinstance(groups, list) else []

    @classmethod
    def from_fields(cls, f: ReportFields, entity: str, project: str, app_url: str) -> Report:
        return cls(
            id=f.id, name=f.name, display_name=f.display_name, description=f.description,
            spec=as_object(f.spec, f"report {f.name or f.id}: spec"),
            user=UserRef(f.user.name, f.user.username) if f.user is not None else None,
            created_at=f.created_at, updated_at=f.updated_at, entity=entity, project=project,
            app_url=app_url,
        )  # fmt: skip


#: The official client's name for :class:`Report`.
BetaReport = Report


def list_reports(
    api: ApiBase[M], entity: str | None, project: str, name: str | None, per_page: int
) -> Paginator[Report, M]:
    """The lazy collection of a project's reports (only those named ``name``, if given)."""
    if name is not None and (not isinstance(name, str) or not name):
        raise InputError(f"report name must be a non-empty string, got {name!r}")

    def fetch(cursor: str | None, first: int) -> Steps[Page[Report]]:
        ent = yield from api._resolve_entity(entity)
        result = yield from call(
            lambda c: c.report_page(
                entity=ent, project=project, name=name, cursor=cursor, per_page=first
            )
        )
        if result.project is None:
            raise NotFoundError.of(f"project {ent}/{project}", "ReportPage")
        app = api.settings.app_url
        return page_of(
            result.project.all_views, lambda node: Report.from_fields(node, ent, project, app)
        )

    return Paginator(
        api,
        fetch,
        per_page=per_page,
        what=f"reports of {entity or '<default>'}/{project}",
        key=lambda r: r.id,
    )


def fetch_report(api: ApiBase[M], entity: str, project: str, name: str) -> Steps[Report]:
    """One report by name, or by the ``Title--<id>`` slug of its URL."""
    reports = list_reports(api, entity, project, None if "--" in name else name, 100)
    wanted_id = name.rsplit("--", 1)[1] if "--" in name else None
    walk = reports._walk()
    while not walk.done:
        page = walk.accept((yield from reports._fetch(walk.cursor, reports.per_page)))
        for report in page.items:
            if (
                wanted_id is not None and report.id.replace("=", "") == wanted_id
            ) or report.name == name:
                return report
    raise NotFoundError(
        f"report {name!r} not found in {entity}/{project}",
        operation_name="ReportPage",
    )
