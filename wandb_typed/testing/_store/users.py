"""Users, entities (a user's personal one and teams) and memberships."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import ClassVar

from ._base import Row, StoreBase, StoreError, utc_now

__all__ = ["UsersStore"]


class UsersStore(StoreBase):
    """Users (with their API keys), entities and who is a member of which entity."""

    SCHEMA: ClassVar[str] = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    api_key TEXT NOT NULL UNIQUE,
    admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    is_team INTEGER NOT NULL DEFAULT 0,
    user_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    admin INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, user_id)
);
"""

    def create_user(
        self,
        username: str,
        *,
        api_key: str | None = None,
        name: str | None = None,
        email: str | None = None,
        admin: bool = False,
    ) -> Row:
        """Create a user and its personal entity (same name); returns the user row."""
        key = api_key or secrets.token_hex(20)
        now = utc_now()
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO users (username, name, email, api_key, admin, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    username,
                    name or username,
                    email or f"{username}@example.com",
                    key,
                    int(admin),
                    now,
                ),
            )
            user_id = cur.lastrowid
            entity = db.execute(
                "INSERT INTO entities (name, is_team, user_id, created_at) VALUES (?, 0, ?, ?)",
                (username, user_id, now),
            ).lastrowid
            db.execute(
                "INSERT INTO members (entity_id, user_id, admin) VALUES (?, ?, 1)",
                (entity, user_id),
            )
        user = self.user_by_id(int(user_id or 0))
        assert user is not None
        return user

    def create_team(
        self, name: str, members: Iterable[str] = (), *, admins: Iterable[str] = ()
    ) -> int:
        """Create a team entity; ``members``/``admins`` are usernames."""
        with self.transaction() as db:
            entity = int(
                db.execute(
                    "INSERT INTO entities (name, is_team, created_at) VALUES (?, 1, ?)",
                    (name, utc_now()),
                ).lastrowid
                or 0
            )
            admin_set = set(admins)
            for username in [*members, *admin_set]:
                user = self.user_by_name(username)
                if user is None:
                    raise StoreError(f"no user named {username!r}")
                db.execute(
                    "INSERT OR REPLACE INTO members (entity_id, user_id, admin) VALUES (?, ?, ?)",
                    (entity, user["id"], int(username in admin_set)),
                )
        return entity

    def set_api_key(self, user_id: int, api_key: str) -> None:
        """Give a user another API key (the old one stops working)."""
        with self.transaction() as db:
            db.execute("UPDATE users SET api_key = ? WHERE id = ?", (api_key, user_id))

    def user_by_key(self, api_key: str) -> Row | None:
        """The user an API key belongs to, or ``None``."""
        return self._one("SELECT * FROM users WHERE api_key = ?", (api_key,))

    def user_by_id(self, user_id: int) -> Row | None:
        """A user by id, or ``None``."""
        return self._one("SELECT * FROM users WHERE id = ?", (user_id,))

    def user_by_name(self, username: str) -> Row | None:
        """A user by username, or ``None``."""
        return self._one("SELECT * FROM users WHERE username = ?", (username,))

    def entity(self, name: str) -> Row | None:
        """An entity (a user's own or a team) by name, or ``None``."""
        return self._one("SELECT * FROM entities WHERE name = ?", (name,))

    def entity_by_id(self, entity_id: int) -> Row | None:
        """An entity by id, or ``None``."""
        return self._one("SELECT * FROM entities WHERE id = ?", (entity_id,))

    def is_member(self, entity_id: int, user_id: int) -> bool:
        """Whether the user belongs to the entity (its own user, or a team member)."""
        return bool(
            self._scalar(
                "SELECT 1 FROM members WHERE entity_id = ? AND user_id = ?", (entity_id, user_id)
            )
        )

    def teams_of(self, user_id: int) -> list[Row]:
        """The team entities a user belongs to, by id."""
        return self._all(
            "SELECT e.* FROM entities e JOIN members m ON m.entity_id = e.id"
            " WHERE m.user_id = ? AND e.is_team ORDER BY e.id",
            (user_id,),
        )

    def members_of(self, entity_id: int) -> list[Row]:
        """An entity's members, with ``member_admin`` (their role there), by id."""
        return self._all(
            "SELECT u.*, m.admin AS member_admin FROM users u JOIN members m ON m.user_id = u.id"
            " WHERE m.entity_id = ? ORDER BY u.id",
            (entity_id,),
        )

    def _user_id_for(self, entity: str, username: str | None) -> int | None:
        if username is not None:
            user = self.user_by_name(username)
            if user is None:
                raise StoreError(f"no user named {username!r}")
            return int(user["id"])
        ent = self.entity(entity)
        if ent is None:
            return None
        if ent["user_id"] is not None:
            return int(ent["user_id"])
        members = self.members_of(int(ent["id"]))
        return int(members[0]["id"]) if members else None
