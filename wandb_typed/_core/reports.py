"""Reports: saved views of type ``runs`` (what the official client calls BetaReport):
the data ``Report`` and ``AsyncReport`` share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from ..types import JSONObject, JSONValue
from .users import UserRef

__all__ = ["ReportData"]


@dataclass(frozen=True)
class ReportData:
    """A W&B report: its ``spec`` is the parsed report definition."""

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
