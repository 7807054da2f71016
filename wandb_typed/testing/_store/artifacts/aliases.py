"""Aliases and links.  An alias (``latest``, ``best``) names one membership and is
unique within a collection, so adding it to another version moves it; linking
puts a version in a portfolio (created on first use) and moves ``latest`` to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..._filters import OrderKey
from ..._sql import Sql
from .._base import Page, Row, StoreError, utc_now
from ._base import COLLECTION_COLUMNS, MAX_PER_VERSION, MEMBERSHIP_COLUMNS, bounded, validate_alias
from .versions import VersionsStore

__all__ = ["AliasesStore"]


class AliasesStore(VersionsStore):
    """Adding, moving and removing aliases; linking versions into portfolios."""

    def add_aliases(self, collection_id: int, artifact_id: int, aliases: Sequence[str]) -> None:
        """Point ``aliases`` of a collection at this version (it must be a member)."""
        aliases = [validate_alias(a) for a in bounded(aliases, "aliases")]
        with self._store.transaction() as db:
            membership = self.membership_of(collection_id, artifact_id)
            if membership is None:
                raise StoreError("the artifact is not in that collection")
            self._set_aliases(db, collection_id, int(membership["membership_id"]), aliases)

    def remove_aliases(self, collection_id: int, artifact_id: int, aliases: Sequence[str]) -> int:
        """Drop ``aliases`` from this version in a collection; returns how many it had."""
        aliases = bounded(aliases, "aliases")
        if not aliases:
            return 0
        marks = ", ".join("?" for _ in aliases)
        with self._store.transaction() as db:
            return int(
                db.execute(
                    f"DELETE FROM artifact_aliases WHERE collection_id = ? AND alias IN ({marks})"
                    " AND membership_id IN (SELECT id FROM artifact_memberships"
                    " WHERE collection_id = ? AND artifact_id = ?)",
                    [collection_id, *aliases, collection_id, artifact_id],
                ).rowcount
            )

    def replace_aliases(self, collection_id: int, artifact_id: int, aliases: Sequence[str]) -> None:
        """Make ``aliases`` exactly this version's aliases in a collection."""
        aliases = [validate_alias(a) for a in bounded(aliases, "aliases")]
        with self._store.transaction() as db:
            membership = self.membership_of(collection_id, artifact_id)
            if membership is None:
                raise StoreError("the artifact is not in that collection")
            db.execute(
                "DELETE FROM artifact_aliases WHERE membership_id = ?",
                (membership["membership_id"],),
            )
            self._set_aliases(db, collection_id, int(membership["membership_id"]), aliases)

    def aliases_of_artifacts(self, artifact_ids: Sequence[int]) -> dict[int, list[Row]]:
        """Aliases of several versions in every collection, with the collection's identity."""
        return self._grouped(
            "SELECT m.artifact_id AS owner, al.id AS alias_id, al.alias, al.membership_id,"
            f" {COLLECTION_COLUMNS} FROM artifact_aliases al"
            " JOIN artifact_memberships m ON m.id = al.membership_id"
            " JOIN artifact_collections c ON c.id = al.collection_id"
            " JOIN artifact_types t ON t.id = c.type_id JOIN projects p ON p.id = c.project_id"
            " JOIN entities e ON e.id = p.entity_id"
            " WHERE m.artifact_id IN ({marks}) ORDER BY al.alias, al.id",
            artifact_ids,
        )

    def aliases_of_memberships(self, membership_ids: Sequence[int]) -> dict[int, list[Row]]:
        """Aliases of several memberships in one query (a page's worth)."""
        return self._grouped(
            "SELECT al.membership_id AS owner, al.id AS alias_id, al.alias FROM artifact_aliases al"
            " WHERE al.membership_id IN ({marks}) ORDER BY al.alias, al.id",
            membership_ids,
        )

    def collection_aliases_page(
        self, collection_id: int, first: int | None, after: str | None
    ) -> Page:
        """A collection's aliases by name, keyset-paginated."""
        return self._page(
            "al.id AS alias_id, al.alias, al.membership_id, al.collection_id",
            "FROM artifact_aliases al WHERE al.collection_id = ?",
            (collection_id,),
            [OrderKey(Sql("al.alias")), OrderKey(Sql("al.id"))],
            first,
            after,
        )

    def link(
        self,
        artifact_id: int,
        project_id: int,
        portfolio: str,
        aliases: Sequence[str] = (),
    ) -> Row:
        """Link a version into a portfolio (created on first use); moves ``latest``.

        Linking a version that is already there only adds the aliases.  Returns
        the membership row.
        """
        aliases = [validate_alias(a) for a in bounded(aliases, "aliases")]
        artifact = self.artifact_by_id(artifact_id)
        if artifact is None or artifact["state"] == "DELETED":
            raise StoreError("artifact not found")
        with self._store.transaction() as db:
            type_row = self.ensure_type(project_id, str(artifact["type_name"]))
            target = self._ensure_collection(db, project_id, portfolio, type_row, "PORTFOLIO")
            collection_id = int(target["id"])
            existing = self.membership_of(collection_id, artifact_id)
            if existing is None:
                count = db.execute(
                    "SELECT count(*) FROM artifact_memberships WHERE artifact_id = ?",
                    (artifact_id,),
                ).fetchone()[0]
                if count > MAX_PER_VERSION:
                    raise StoreError(
                        f"a version can be linked to at most {MAX_PER_VERSION} collections"
                    )
                version = self._next_version(db, collection_id)
                membership_id = self._add_membership(
                    db, collection_id, artifact_id, version, utc_now()
                )
                self._set_aliases(db, collection_id, membership_id, ["latest", *aliases])
            else:
                self._set_aliases(db, collection_id, int(existing["membership_id"]), aliases)
        row = self.membership_of(collection_id, artifact_id)
        assert row is not None
        return row

    def unlink(self, artifact_id: int, portfolio_id: int) -> bool:
        """Remove a version from a portfolio (never from its sequence); whether it was there."""
        with self._store.transaction() as db:
            return (
                db.execute(
                    "DELETE FROM artifact_memberships WHERE artifact_id = ? AND collection_id = ?"
                    " AND collection_id IN (SELECT id FROM artifact_collections"
                    " WHERE kind = 'PORTFOLIO')",
                    (artifact_id, portfolio_id),
                ).rowcount
                > 0
            )

    def memberships_page(self, artifact_id: int, first: int | None, after: str | None) -> Page:
        """Every collection a version is in (its sequence first)."""
        return self._page(
            f"{MEMBERSHIP_COLUMNS}, {COLLECTION_COLUMNS}",
            "FROM artifact_memberships m JOIN artifact_collections c ON c.id = m.collection_id"
            " JOIN artifact_types t ON t.id = c.type_id JOIN projects p ON p.id = c.project_id"
            " JOIN entities e ON e.id = p.entity_id WHERE m.artifact_id = ?",
            (artifact_id,),
            [OrderKey(Sql("m.id"))],
            first,
            after,
        )

    def project_ids_of(self, artifact_id: int) -> list[int]:
        """Projects that hold the version: its sequence's and those of its portfolios."""
        rows = self._all(
            "SELECT DISTINCT c.project_id FROM artifact_memberships m"
            " JOIN artifact_collections c ON c.id = m.collection_id WHERE m.artifact_id = ?"
            " LIMIT ?",
            (artifact_id, MAX_PER_VERSION + 1),
        )
        return [int(r["project_id"]) for r in rows]
