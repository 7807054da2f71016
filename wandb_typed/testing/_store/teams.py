"""Teams beyond their membership rows: pending invites, service accounts, and the
team listing the ``Entity.members`` field shows (members, then invites)."""

from __future__ import annotations

from typing import ClassVar

from ._base import Row, StoreConflict, StoreError, utc_now, valid_name
from .users import UsersStore

__all__ = ["TeamsStore"]

#: Members (and invites) a team lists at most: every request's work stays bounded.
MAX_TEAM_MEMBERS = 1000


class TeamsStore(UsersStore):
    """Invites to teams and service accounts of teams."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS invites (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    email TEXT,
    username TEXT,
    admin INTEGER NOT NULL DEFAULT 0,
    invited_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invites_entity ON invites (entity_id);
CREATE TABLE IF NOT EXISTS service_accounts (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    description TEXT NOT NULL
);
"""

    def new_team(self, name: str, admin_user_id: int) -> Row:
        """Create a team entity administered by one user; a taken name is a
        :class:`StoreConflict`. Returns the entity row."""
        valid_name(name, "team name")
        if self.entity(name) is not None:
            raise StoreConflict(f"the name {name!r} is taken (a user or a team has it)")
        with self.transaction() as db:
            entity_id = db.execute(
                "INSERT INTO entities (name, is_team, created_at) VALUES (?, 1, ?)",
                (name, utc_now()),
            ).lastrowid
            db.execute(
                "INSERT INTO members (entity_id, user_id, admin) VALUES (?, ?, 1)",
                (entity_id, admin_user_id),
            )
        row = self.entity_by_id(int(entity_id or 0))
        assert row is not None
        return row

    def is_team_admin(self, entity_id: int, user_id: int) -> bool:
        """Whether the user administers the team."""
        return bool(
            self._scalar(
                "SELECT admin FROM members WHERE entity_id = ? AND user_id = ?",
                (entity_id, user_id),
            )
        )

    def team_members(self, entity_id: int) -> list[Row]:
        """The team's members (``kind`` ``member``, with ``member_admin`` and
        ``account_type``), then its invites (``kind`` ``invite``), each by id."""
        members = self._all(
            "SELECT u.*, m.admin AS member_admin, 'member' AS kind,"
            " CASE WHEN s.user_id IS NULL THEN 'MEMBER' ELSE 'SERVICE' END AS account_type"
            " FROM users u JOIN members m ON m.user_id = u.id"
            " LEFT JOIN service_accounts s ON s.user_id = u.id"
            " WHERE m.entity_id = ? ORDER BY u.id LIMIT ?",
            (entity_id, MAX_TEAM_MEMBERS),
        )
        invites = self._all(
            "SELECT i.*, 'invite' AS kind FROM invites i WHERE i.entity_id = ?"
            " ORDER BY i.id LIMIT ?",
            (entity_id, MAX_TEAM_MEMBERS),
        )
        return members + invites

    def invite(
        self,
        entity_id: int,
        *,
        email: str | None,
        username: str | None,
        admin: bool,
        invited_by: int,
    ) -> Row:
        """Invite a user (by e-mail or username) to a team; someone already a member
        or invited is a :class:`StoreConflict`, an unknown username a :class:`StoreError`."""
        if (email is None) == (username is None):
            raise StoreError("an invite names either an e-mail address or a username")
        user = self.user_by_name(username) if username else self.user_by_email(str(email))
        if username is not None and user is None:
            raise StoreError(f"no user named {username!r}")
        if user is not None and self.is_member(entity_id, int(user["id"])):
            raise StoreConflict(f"{username or email} is already a member of the team")
        taken = self._scalar(
            "SELECT 1 FROM invites WHERE entity_id = ? AND (lower(email) = lower(?)"
            " OR username = ?)",
            (entity_id, email or (user["email"] if user else None), username),
        )
        if taken:
            raise StoreConflict(f"{username or email} is already invited to the team")
        with self.transaction() as db:
            invite_id = db.execute(
                "INSERT INTO invites (entity_id, email, username, admin, invited_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (entity_id, email, username, int(admin), invited_by, utc_now()),
            ).lastrowid
        row = self.invite_by_id(int(invite_id or 0))
        assert row is not None
        return row

    def invite_by_id(self, invite_id: int) -> Row | None:
        """An invite row, or ``None``."""
        return self._one("SELECT * FROM invites WHERE id = ?", (invite_id,))

    def delete_invite(self, invite_id: int) -> bool:
        """Cancel an invite; whether it existed."""
        with self.transaction() as db:
            return db.execute("DELETE FROM invites WHERE id = ?", (invite_id,)).rowcount > 0

    def remove_member(self, entity_id: int, user_id: int) -> bool:
        """Take a user out of a team; whether they were in it."""
        with self.transaction() as db:
            return (
                db.execute(
                    "DELETE FROM members WHERE entity_id = ? AND user_id = ?",
                    (entity_id, user_id),
                ).rowcount
                > 0
            )

    def create_service_account(self, entity_id: int, team: str, description: str) -> Row:
        """A new user (``<team>-service-<n>``, with its own API key) that belongs to the
        team as a service account; returns the user row."""
        count = int(
            self._scalar("SELECT COUNT(*) FROM service_accounts WHERE entity_id = ?", (entity_id,))
        )
        username = f"{team}-service-{count + 1}"
        while self.user_by_name(username) is not None or self.entity(username) is not None:
            count += 1
            username = f"{team}-service-{count + 1}"
        user = self.create_user(username, name=description[:200] or username)
        with self.transaction() as db:
            db.execute("UPDATE users SET email = NULL WHERE id = ?", (user["id"],))
            db.execute(
                "INSERT INTO members (entity_id, user_id, admin) VALUES (?, ?, 0)",
                (entity_id, user["id"]),
            )
            db.execute(
                "INSERT INTO service_accounts (user_id, entity_id, description) VALUES (?, ?, ?)",
                (user["id"], entity_id, description),
            )
        row = self.user_by_id(int(user["id"]))
        assert row is not None
        return row
