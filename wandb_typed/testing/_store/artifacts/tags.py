"""Tags: names attached to versions and to collections (at most
:data:`MAX_PER_VERSION` on each), one ``artifact_tags`` row per distinct name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .._base import Row, StoreError, utc_now
from ._base import MAX_PER_VERSION, ArtifactStoreBase, bounded, validate_tag

if TYPE_CHECKING:
    import sqlite3

__all__ = ["TagsStore"]


class TagsStore(ArtifactStoreBase):
    """Tagging versions and collections, and their tags a page at a time."""

    def _tag_ids(self, db: sqlite3.Connection, names: Iterable[str]) -> list[int]:
        ids: list[int] = []
        for name in names:
            validate_tag(name)
            db.execute(
                "INSERT INTO artifact_tags (name) VALUES (?) ON CONFLICT DO NOTHING", (name,)
            )
            ids.append(
                int(
                    db.execute("SELECT id FROM artifact_tags WHERE name = ?", (name,)).fetchone()[0]
                )
            )
        return ids

    def tag_artifact(
        self, artifact_id: int, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> None:
        """Add and remove a version's tags (at most :data:`MAX_PER_VERSION` remain)."""
        add, remove = bounded(add, "tags"), bounded(remove, "tags")
        with self._store.transaction() as db:
            for tag_id in self._tag_ids(db, add):
                db.execute(
                    "INSERT INTO artifact_tag_assignments (artifact_id, tag_id) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (artifact_id, tag_id),
                )
            if remove:
                marks = ", ".join("?" for _ in remove)
                db.execute(
                    "DELETE FROM artifact_tag_assignments WHERE artifact_id = ? AND tag_id IN"
                    f" (SELECT id FROM artifact_tags WHERE name IN ({marks}))",
                    [artifact_id, *remove],
                )
            count = db.execute(
                "SELECT count(*) FROM artifact_tag_assignments WHERE artifact_id = ?",
                (artifact_id,),
            ).fetchone()[0]
            if count > MAX_PER_VERSION:
                raise StoreError(f"too many tags on one version (> {MAX_PER_VERSION})")

    def tag_collection(
        self, collection_id: int, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> list[Row]:
        """Add/remove collection tags; returns the tags added."""
        add, remove = bounded(add, "tags"), bounded(remove, "tags")
        with self._store.transaction() as db:
            added = self._tag_ids(db, add)
            for tag_id in added:
                db.execute(
                    "INSERT INTO artifact_collection_tag_assignments (collection_id, tag_id)"
                    " VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (collection_id, tag_id),
                )
            if remove:
                marks = ", ".join("?" for _ in remove)
                db.execute(
                    "DELETE FROM artifact_collection_tag_assignments WHERE collection_id = ?"
                    f" AND tag_id IN (SELECT id FROM artifact_tags WHERE name IN ({marks}))",
                    [collection_id, *remove],
                )
            count = db.execute(
                "SELECT count(*) FROM artifact_collection_tag_assignments WHERE collection_id = ?",
                (collection_id,),
            ).fetchone()[0]
            if count > MAX_PER_VERSION:
                raise StoreError(f"too many tags on one collection (> {MAX_PER_VERSION})")
            db.execute(
                "UPDATE artifact_collections SET updated_at = ? WHERE id = ?",
                (utc_now(), collection_id),
            )
        if not added:
            return []
        marks = ", ".join("?" for _ in added)
        return self._all(f"SELECT * FROM artifact_tags WHERE id IN ({marks}) ORDER BY id", added)

    def tags_of_artifacts(self, artifact_ids: Sequence[int]) -> dict[int, list[Row]]:
        """Tags of several versions in one query (a page's worth)."""
        return self._grouped(
            "SELECT ta.artifact_id AS owner, tg.id, tg.name FROM artifact_tag_assignments ta"
            " JOIN artifact_tags tg ON tg.id = ta.tag_id WHERE ta.artifact_id IN ({marks})"
            " ORDER BY tg.name",
            artifact_ids,
        )

    def tags_of_collections(self, collection_ids: Sequence[int]) -> dict[int, list[Row]]:
        """Tags of several collections in one query (a page's worth)."""
        return self._grouped(
            "SELECT ta.collection_id AS owner, tg.id, tg.name"
            " FROM artifact_collection_tag_assignments ta JOIN artifact_tags tg"
            " ON tg.id = ta.tag_id WHERE ta.collection_id IN ({marks}) ORDER BY tg.name",
            collection_ids,
        )
