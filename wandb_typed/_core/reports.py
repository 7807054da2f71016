"""Reports: saved views of type ``runs`` (what the official client calls BetaReport).
A report is read-only data, the same class in both modes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..types import JSONObject, JSONValue, as_object
from .users import UserRef

if TYPE_CHECKING:
    from wandb_typed_gql.fragments import ReportFields

__all__ = ["BetaReport", "Report", "report_from"]


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


def report_from(f: ReportFields, entity: str, project: str, app_url: str) -> Report:
    """Build from the generated ``ReportFields`` fragment (the view knows no path)."""
    return Report(
        id=f.id, name=f.name, display_name=f.display_name, description=f.description,
        spec=as_object(f.spec, f"report {f.name or f.id}: spec"),
        user=UserRef(f.user.name, f.user.username) if f.user is not None else None,
        created_at=f.created_at, updated_at=f.updated_at, entity=entity, project=project,
        app_url=app_url,
    )  # fmt: skip


#: The official client's name for :class:`Report`.
BetaReport = Report
