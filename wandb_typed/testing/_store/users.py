"""Users (with their API keys), entities (a user's personal one and teams) and
memberships.

A user may hold several API keys (``api_keys``); the one created with the user
(``users.api_key``, what ``LocalServer.api_key`` and ``add_user`` return) is the
first of them. A request authenticates with any key the table still holds.
"""

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
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS api_keys_user ON api_keys (user_id);
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
            db.execute(
                "INSERT INTO api_keys (user_id, key, description, created_at) VALUES (?, ?, ?, ?)",
                (user_id, key, None, now),
            )
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
        """Replace a user's first API key (the old one stops working)."""
        with self.transaction() as db:
            old = db.execute("SELECT api_key FROM users WHERE id = ?", (user_id,)).fetchone()
            db.execute("UPDATE users SET api_key = ? WHERE id = ?", (api_key, user_id))
            if old is not None:
                db.execute(
                    "UPDATE api_keys SET key = ? WHERE user_id = ? AND key = ?",
                    (api_key, user_id, old[0]),
                )

    def user_by_key(self, api_key: str) -> Row | None:
        """The user an API key (any the user still holds) belongs to, or ``None``."""
        return self._one(
            "SELECT u.* FROM users u JOIN api_keys k ON k.user_id = u.id WHERE k.key = ?",
            (api_key,),
        )

    def api_keys_of(self, user_id: int) -> list[Row]:
        """A user's API keys (``id``, ``key``, ``description``), oldest first."""
        return self._all(
            "SELECT id, key, description FROM api_keys WHERE user_id = ? ORDER BY id", (user_id,)
        )

    def api_key_by_id(self, key_id: int) -> Row | None:
        """An API key row (``id``, ``user_id``, ``key``, ``description``), or ``None``."""
        return self._one("SELECT * FROM api_keys WHERE id = ?", (key_id,))

    def add_api_key(self, user_id: int, description: str | None) -> Row:
        """Make a new API key for a user; returns its row."""
        with self.transaction() as db:
            key_id = db.execute(
                "INSERT INTO api_keys (user_id, key, description, created_at) VALUES (?, ?, ?, ?)",
                (user_id, secrets.token_hex(20), description, utc_now()),
            ).lastrowid
        row = self.api_key_by_id(int(key_id or 0))
        assert row is not None
        return row

    def delete_api_key(self, key_id: int) -> None:
        """Delete an API key (requests with it fail from now on)."""
        with self.transaction() as db:
            db.execute("DELETE FROM api_keys WHERE id = ?", (key_id,))

    def search_users(self, query: str, limit: int) -> list[Row]:
        """Users whose username, e-mail or name contains ``query`` (case aside), at
        most ``limit``, by id. ``%`` and ``_`` in ``query`` match themselves."""
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self._all(
            "SELECT * FROM users WHERE username LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\'"
            " OR name LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            (pattern, pattern, pattern, limit),
        )

    def user_by_email(self, email: str) -> Row | None:
        """A user by e-mail address (case aside), or ``None``."""
        return self._one("SELECT * FROM users WHERE lower(email) = lower(?)", (email,))

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
