"""Registries: projects named ``wandb-registry-<name>`` in an organization's entity,
with the artifact types they accept and who may do what in them.

Visibility is the project's ``access``: ``PRIVATE`` (every member of the
organization may read: W&B calls it *organization* visibility) or ``RESTRICTED``
(only the registry's own members). Roles, strongest first: ``admin`` (settings,
members, deletion, automations), ``member`` (link, edit and delete versions and
collections), ``viewer`` and ``restricted_viewer`` (read; a restricted viewer does
not see the member list). :meth:`RegistriesStore.registry_role` decides a user's
role: organization admins are admins of every registry; otherwise a role given to
the user, else the best role of a team of theirs, else ``viewer`` for a member of
the organization on an organization-visible registry.

A registry that accepts every artifact type (``allow_all_types``) gains a type when
a version of it is first linked; one with a list accepts those types only, and a
type once accepted is never removed (the list only grows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import ClassVar

from ..._core.artifact_names import REGISTRY_PREFIX
from .._sql import Sql, sql
from ._base import Row, StoreConflict, StoreError, format_time, utc_now, valid_name
from .artifacts._base import MAX_ITEMS, validate_name
from .organizations import OrganizationsStore

__all__ = ["REGISTRY_ROLES", "VISIBILITIES", "RegistriesStore", "visible_registry_sql"]

#: Registry roles, strongest first.
REGISTRY_ROLES = ("admin", "member", "viewer", "restricted_viewer")
#: ``Project.access`` values of a registry.
VISIBILITIES = ("PRIVATE", "RESTRICTED")
#: Most artifact types one registry accepts.
MAX_REGISTRY_TYPES = 1000


def _strongest(roles: Iterable[str]) -> str | None:
    given = set(roles)
    ranked = [r for r in REGISTRY_ROLES if r in given]
    return ranked[0] if ranked else None


def visible_registry_sql(alias: str, viewer_id: int) -> Sql:
    """SQL that is true when the registry project ``alias`` (``p``, ``rp``) is
    readable by the viewer (the rules of :meth:`RegistriesStore.registry_role`)."""
    return sql(
        f"EXISTS (SELECT 1 FROM registries rg WHERE rg.project_id = {alias}.id) AND ("
        f" EXISTS (SELECT 1 FROM organizations o JOIN organization_members om"
        f" ON om.organization_id = o.id WHERE o.entity_id = {alias}.entity_id"
        f" AND om.user_id = {{}} AND (om.role = 'admin' OR {alias}.access != 'RESTRICTED'))"
        f" OR EXISTS (SELECT 1 FROM registry_user_roles ru WHERE ru.project_id = {alias}.id"
        " AND ru.user_id = {})"
        f" OR EXISTS (SELECT 1 FROM registry_team_roles rt JOIN members m"
        f" ON m.entity_id = rt.entity_id WHERE rt.project_id = {alias}.id AND m.user_id = {{}}))",
        viewer_id,
        viewer_id,
        viewer_id,
    )


class RegistriesStore(OrganizationsStore):
    """Registries (projects in an org entity), their accepted types and roles."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS registries (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    allow_all_types INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS registry_user_roles (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer', 'restricted_viewer')),
    PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS registry_team_roles (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer', 'restricted_viewer')),
    PRIMARY KEY (project_id, entity_id)
) WITHOUT ROWID;
"""

    # ------------------------------------------------------------------ writes
    def create_registry(
        self,
        organization: str,
        name: str,
        *,
        visibility: str = "organization",
        description: str | None = None,
        artifact_types: Sequence[str] | None = None,
        creator: str | None = None,
        created_at: datetime | str | None = None,
    ) -> Row:
        """Create the registry ``name`` (without the ``wandb-registry-`` prefix) in the
        organization; ``visibility`` ``organization`` or ``restricted``; no
        ``artifact_types`` means every type; ``creator`` (a username) becomes its admin."""
        org = self.organization(organization)
        if org is None:
            raise StoreError(f"no organization named {organization!r}")
        access = {"organization": "PRIVATE", "restricted": "RESTRICTED"}.get(visibility)
        if access is None:
            raise StoreError("visibility must be 'organization' or 'restricted'")
        user = self.user_by_name(creator) if creator is not None else None
        if creator is not None and user is None:
            raise StoreError(f"no user named {creator!r}")
        return self.upsert_registry(
            int(org["entity_id"]),
            REGISTRY_PREFIX + name,
            access=access,
            description=description,
            allow_all=artifact_types is None,
            add_types=artifact_types or (),
            user_id=int(user["id"]) if user is not None else None,
            created_at=created_at,
        )

    def upsert_registry(
        self,
        entity_id: int,
        full_name: str,
        *,
        access: str | None = None,
        description: str | None = None,
        allow_all: bool | None = None,
        add_types: Sequence[str] = (),
        user_id: int | None = None,
        created_at: datetime | str | None = None,
    ) -> Row:
        """Create or update the registry project ``full_name`` of an org entity; the
        creator (``user_id``) of a new one becomes its admin. Returns the project row
        plus ``inserted``."""
        if not full_name.startswith(REGISTRY_PREFIX) or full_name == REGISTRY_PREFIX:
            raise StoreError(f"a registry's name starts with {REGISTRY_PREFIX!r}")
        valid_name(full_name, "registry name")
        if access is not None and access not in VISIBILITIES:
            raise StoreError(f"a registry's access is one of {', '.join(VISIBILITIES)}")
        types = [validate_name(t, "artifact type") for t in add_types]
        if len(types) > MAX_REGISTRY_TYPES:
            raise StoreError(f"a registry accepts at most {MAX_REGISTRY_TYPES} artifact types")
        entity = self.entity_by_id(entity_id)
        if entity is None or not self.is_org_entity(entity_id):
            raise StoreError("registries live in an organization's entity")
        now = utc_now()
        created = format_time(created_at) or now
        with self.transaction() as db:
            existing = self.project(str(entity["name"]), full_name)
            if existing is None:
                project_id = db.execute(
                    "INSERT INTO projects (entity_id, name, description, access, user_id,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        entity_id,
                        full_name,
                        description,
                        access or "PRIVATE",
                        user_id,
                        created,
                        created,
                    ),
                ).lastrowid
                db.execute(
                    "INSERT INTO registries (project_id, allow_all_types) VALUES (?, ?)",
                    (project_id, int(allow_all if allow_all is not None else not types)),
                )
                if user_id is not None:
                    db.execute(
                        "INSERT INTO registry_user_roles (project_id, user_id, role)"
                        " VALUES (?, ?, 'admin')",
                        (project_id, user_id),
                    )
                inserted = True
            else:
                project_id = int(existing["id"])
                if not self.is_registry(project_id):
                    raise StoreConflict(f"{full_name!r} is a project, not a registry")
                db.execute(
                    "UPDATE projects SET description = COALESCE(?, description),"
                    " access = COALESCE(?, access), updated_at = ? WHERE id = ?",
                    (description, access, now, project_id),
                )
                if allow_all is not None:
                    db.execute(
                        "UPDATE registries SET allow_all_types = ? WHERE project_id = ?",
                        (int(allow_all), project_id),
                    )
                inserted = False
            for name in types:
                db.execute(
                    "INSERT INTO artifact_types (project_id, name, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (project_id, name) DO NOTHING",
                    (project_id, name, created if inserted else now),
                )
        row = self.project_by_id(int(project_id or 0))
        assert row is not None
        return {**row, "inserted": inserted}

    def rename_project(self, project_id: int, new_name: str) -> Row:
        """Give a project (a registry too) a new name; a taken name is a conflict."""
        project = self.project_by_id(project_id)
        if project is None:
            raise StoreError("project not found")
        valid_name(new_name, "project name")
        if self.is_registry(project_id) and not new_name.startswith(REGISTRY_PREFIX):
            raise StoreError(f"a registry's name starts with {REGISTRY_PREFIX!r}")
        if new_name != project["name"] and self.project(str(project["entity_name"]), new_name):
            raise StoreConflict(f"{project['entity_name']}/{new_name} already exists")
        with self.transaction() as db:
            db.execute(
                "UPDATE projects SET name = ?, updated_at = ? WHERE id = ?",
                (new_name, utc_now(), project_id),
            )
        row = self.project_by_id(project_id)
        assert row is not None
        return row

    # ------------------------------------------------------------------ reads
    def is_registry(self, project_id: int) -> bool:
        """Whether the project is a registry."""
        return bool(self._scalar("SELECT 1 FROM registries WHERE project_id = ?", (project_id,)))

    def registry_allows_all_types(self, project_id: int) -> bool:
        """Whether a registry accepts every artifact type (``True`` for a plain project)."""
        value = self._scalar(
            "SELECT allow_all_types FROM registries WHERE project_id = ?", (project_id,)
        )
        return value is None or bool(value)

    def registry_accepts_type(self, project_id: int, type_name: str) -> bool:
        """Whether a version of ``type_name`` may be linked into the project: any
        type for a plain project or an open registry, else the registry's list."""
        if self.registry_allows_all_types(project_id):
            return True
        return bool(
            self._scalar(
                "SELECT 1 FROM artifact_types WHERE project_id = ? AND name = ?",
                (project_id, type_name),
            )
        )

    def registry_role(self, project_id: int, user_id: int) -> str | None:
        """The user's role in a registry (module doc), or ``None`` (no access, or not a
        registry)."""
        row = self._one(
            "SELECT p.access, o.id AS org_id FROM registries r"
            " JOIN projects p ON p.id = r.project_id"
            " JOIN organizations o ON o.entity_id = p.entity_id WHERE r.project_id = ?",
            (project_id,),
        )
        if row is None:
            return None
        org_role = self.organization_role(int(row["org_id"]), user_id)
        if org_role == "admin":
            return "admin"
        own = self._scalar(
            "SELECT role FROM registry_user_roles WHERE project_id = ? AND user_id = ?",
            (project_id, user_id),
        )
        if own is not None:
            return str(own)
        team_roles = self._all(
            "SELECT rt.role FROM registry_team_roles rt JOIN members m"
            " ON m.entity_id = rt.entity_id WHERE rt.project_id = ? AND m.user_id = ?",
            (project_id, user_id),
        )
        best = _strongest(str(r["role"]) for r in team_roles)
        if best is not None:
            return best
        if org_role is not None and row["access"] != "RESTRICTED":
            return "viewer"
        return None

    def registry_user_members(self, project_id: int) -> list[Row]:
        """Users given a role in the registry (with ``role``), by id."""
        return self._all(
            "SELECT u.*, ru.role FROM registry_user_roles ru JOIN users u ON u.id = ru.user_id"
            " WHERE ru.project_id = ? ORDER BY u.id LIMIT ?",
            (project_id, MAX_ITEMS),
        )

    def registry_team_members(self, project_id: int) -> list[Row]:
        """Teams given a role in the registry (entity rows with ``role``), by id."""
        return self._all(
            "SELECT e.*, rt.role FROM registry_team_roles rt JOIN entities e"
            " ON e.id = rt.entity_id WHERE rt.project_id = ? ORDER BY e.id LIMIT ?",
            (project_id, MAX_ITEMS),
        )

    # ------------------------------------------------------------------ members
    def set_registry_members(
        self,
        project_id: int,
        *,
        user_ids: Sequence[int] = (),
        team_ids: Sequence[int] = (),
        role: str = "member",
        only_existing: bool = False,
    ) -> None:
        """Give users and teams ``role`` in the registry (``only_existing``: change the
        role of members only; a non-member is an error)."""
        if role not in REGISTRY_ROLES:
            raise StoreError(f"role must be one of {', '.join(REGISTRY_ROLES)}")
        if len(user_ids) + len(team_ids) > MAX_ITEMS:
            raise StoreError(f"too many members in one request (> {MAX_ITEMS})")
        with self.transaction() as db:
            for table, column, ids in (
                ("registry_user_roles", "user_id", user_ids),
                ("registry_team_roles", "entity_id", team_ids),
            ):
                for member_id in ids:
                    if only_existing:
                        changed = db.execute(
                            f"UPDATE {table} SET role = ? WHERE project_id = ? AND {column} = ?",
                            (role, project_id, member_id),
                        ).rowcount
                        if not changed:
                            raise StoreError("that user or team is not a member of the registry")
                    else:
                        db.execute(
                            f"INSERT INTO {table} (project_id, {column}, role) VALUES (?, ?, ?)"
                            f" ON CONFLICT (project_id, {column}) DO NOTHING",
                            (project_id, member_id, role),
                        )

    def remove_registry_members(
        self, project_id: int, *, user_ids: Sequence[int] = (), team_ids: Sequence[int] = ()
    ) -> int:
        """Take users' and teams' roles away; how many were removed."""
        if len(user_ids) + len(team_ids) > MAX_ITEMS:
            raise StoreError(f"too many members in one request (> {MAX_ITEMS})")
        removed = 0
        with self.transaction() as db:
            for member_id in user_ids:
                removed += db.execute(
                    "DELETE FROM registry_user_roles WHERE project_id = ? AND user_id = ?",
                    (project_id, member_id),
                ).rowcount
            for member_id in team_ids:
                removed += db.execute(
                    "DELETE FROM registry_team_roles WHERE project_id = ? AND entity_id = ?",
                    (project_id, member_id),
                ).rowcount
        return removed
