"""Organizations: an organization owns one entity (its *org entity*, named like the
organization) where its registries live; its users are members (``admin`` or
``member``) and teams may belong to it.

Organization membership is kept apart from entity membership (``members``): a
member of an organization is not a member of its entity, so nothing that checks
entity membership (project writes, runs, files) lets an organization member in;
registries have their own roles (:mod:`.registries`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from ._base import Row, StoreConflict, StoreError, format_time, utc_now, valid_name
from .projects import ProjectsStore

__all__ = ["ORG_ROLES", "OrganizationsStore"]

#: Roles a user may have in an organization.
ORG_ROLES = ("admin", "member")


class OrganizationsStore(ProjectsStore):
    """Organizations, their entities, their members and their teams."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    entity_id INTEGER NOT NULL UNIQUE REFERENCES entities(id) ON DELETE CASCADE,
    advanced_search INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS organization_members (
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    PRIMARY KEY (organization_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS organization_teams (
    entity_id INTEGER PRIMARY KEY REFERENCES entities(id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE
);
"""

    def create_organization(
        self,
        name: str,
        *,
        admins: Iterable[str] = (),
        members: Iterable[str] = (),
        teams: Iterable[str] = (),
        advanced_search: bool = False,
        created_at: datetime | str | None = None,
    ) -> Row:
        """Create an organization and its entity (same name); ``admins``/``members``
        are usernames, ``teams`` team entities that belong to it. Returns its row."""
        valid_name(name, "organization name")
        if self.entity(name) is not None:
            raise StoreConflict(f"an entity named {name!r} already exists")
        now = format_time(created_at) or utc_now()
        with self.transaction() as db:
            entity_id = db.execute(
                "INSERT INTO entities (name, is_team, created_at) VALUES (?, 1, ?)", (name, now)
            ).lastrowid
            db.execute(
                "INSERT INTO organizations (name, entity_id, advanced_search, created_at)"
                " VALUES (?, ?, ?, ?)",
                (name, entity_id, int(advanced_search), now),
            )
            for username in admins:
                self.add_organization_member(name, username, "admin")
            for username in members:
                self.add_organization_member(name, username, "member")
            for team in teams:
                self.add_organization_team(name, team)
        row = self.organization(name)
        assert row is not None
        return row

    def add_organization_member(
        self, organization: str, username: str, role: str = "member"
    ) -> None:
        """Make a user a member of the organization with ``role`` (or change its role)."""
        if role not in ORG_ROLES:
            raise StoreError(f"organization role must be one of {', '.join(ORG_ROLES)}")
        org, user = self._organization_or_error(organization), self.user_by_name(username)
        if user is None:
            raise StoreError(f"no user named {username!r}")
        with self.transaction() as db:
            db.execute(
                "INSERT INTO organization_members (organization_id, user_id, role) VALUES (?, ?, ?)"
                " ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role",
                (org["id"], user["id"], role),
            )

    def add_organization_team(self, organization: str, team: str) -> None:
        """Make a team entity part of the organization."""
        org, entity = self._organization_or_error(organization), self.entity(team)
        if entity is None or not entity["is_team"]:
            raise StoreError(f"no team named {team!r}")
        with self.transaction() as db:
            db.execute(
                "INSERT INTO organization_teams (entity_id, organization_id) VALUES (?, ?)"
                " ON CONFLICT (entity_id) DO UPDATE SET organization_id = excluded.organization_id",
                (entity["id"], org["id"]),
            )

    def _organization_or_error(self, name: str) -> Row:
        org = self.organization(name)
        if org is None:
            raise StoreError(f"no organization named {name!r}")
        return org

    def organization(self, name: str) -> Row | None:
        """An organization by name (with ``entity_name``), or ``None``."""
        return self._one(
            "SELECT o.*, e.name AS entity_name FROM organizations o"
            " JOIN entities e ON e.id = o.entity_id WHERE o.name = ?",
            (name,),
        )

    def organization_of_entity(self, entity_id: int) -> Row | None:
        """The organization an entity belongs to: its own (an org entity) or its team's."""
        return self._one(
            "SELECT o.*, e.name AS entity_name FROM organizations o"
            " JOIN entities e ON e.id = o.entity_id"
            " WHERE o.entity_id = ? OR o.id = (SELECT organization_id FROM organization_teams"
            " WHERE entity_id = ?)",
            (entity_id, entity_id),
        )

    def is_org_entity(self, entity_id: int) -> bool:
        """Whether the entity is an organization's own entity."""
        return bool(self._scalar("SELECT 1 FROM organizations WHERE entity_id = ?", (entity_id,)))

    def organizations_of(self, user_id: int) -> list[Row]:
        """The organizations a user is a member of, by id."""
        return self._all(
            "SELECT o.*, e.name AS entity_name FROM organizations o"
            " JOIN entities e ON e.id = o.entity_id"
            " JOIN organization_members om ON om.organization_id = o.id"
            " WHERE om.user_id = ? ORDER BY o.id",
            (user_id,),
        )

    def organization_role(self, organization_id: int, user_id: int) -> str | None:
        """The user's role in the organization (``admin``/``member``), or ``None``."""
        role = self._scalar(
            "SELECT role FROM organization_members WHERE organization_id = ? AND user_id = ?",
            (organization_id, user_id),
        )
        return str(role) if role is not None else None

    def organization_teams(self, organization_id: int, limit: int = 1000) -> list[Row]:
        """The organization's team entities, by name (at most ``limit``)."""
        return self._all(
            "SELECT e.* FROM entities e JOIN organization_teams ot ON ot.entity_id = e.id"
            " WHERE ot.organization_id = ? ORDER BY e.name LIMIT ?",
            (organization_id, limit),
        )

    def team_in_organization(self, organization_id: int, entity_id: int) -> bool:
        """Whether the team entity belongs to the organization."""
        return bool(
            self._scalar(
                "SELECT 1 FROM organization_teams WHERE organization_id = ? AND entity_id = ?",
                (organization_id, entity_id),
            )
        )
