"""Lineage: runs as users (``Run.inputArtifacts``, ``Artifact.usedBy``) and as
outputs (``Run.outputArtifacts``: the creator, and runs that logged the same
contents again) of versions."""

from __future__ import annotations

from ..._filters import OrderKey
from ..._sql import Sql
from .._base import Page, utc_now
from ._base import ARTIFACT_COLUMNS, ARTIFACT_FROM, MAX_ITEMS, ArtifactStoreBase

__all__ = ["LineageStore"]


class LineageStore(ArtifactStoreBase):
    """Which runs used and logged which versions."""

    def use(self, artifact_id: int, run_id: int, used_as: str | None) -> None:
        """Record the version as an input of a run (again: updates ``used_as``)."""
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO artifact_usage (artifact_id, run_id, used_as, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (artifact_id, run_id)"
                " DO UPDATE SET used_as = excluded.used_as",
                (artifact_id, run_id, used_as, utc_now()),
            )

    def add_output(self, artifact_id: int, run_id: int) -> None:
        """Record the version as an output of a run (again: no change)."""
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO artifact_outputs (artifact_id, run_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (artifact_id, run_id, utc_now()),
            )

    def run_artifacts_page(
        self, run_id: int, *, inputs: bool, first: int | None, after: str | None
    ) -> Page:
        """A run's used (``inputs``) or logged versions, in the order it recorded them."""
        table = "artifact_usage" if inputs else "artifact_outputs"
        return self._page(
            f"{ARTIFACT_COLUMNS}, x.created_at AS recorded_at",
            f"{ARTIFACT_FROM} JOIN {table} x ON x.artifact_id = a.id WHERE x.run_id = ?",
            (run_id,),
            [OrderKey(Sql("x.created_at")), OrderKey(Sql("a.id"))],
            first,
            after,
        )

    def run_artifact_counts(self, run_id: int, *, inputs: bool) -> dict[int, int]:
        """How many versions a run used/logged, per project that holds them."""
        table = "artifact_usage" if inputs else "artifact_outputs"
        rows = self._all(
            f"SELECT s.project_id, count(*) AS n FROM {table} x JOIN artifacts a"
            " ON a.id = x.artifact_id JOIN artifact_collections s ON s.id = a.sequence_id"
            " WHERE x.run_id = ? GROUP BY s.project_id LIMIT ?",
            (run_id, MAX_ITEMS),
        )
        return {int(r["project_id"]): int(r["n"]) for r in rows}

    def users_page(self, artifact_id: int, first: int | None, after: str | None) -> Page:
        """Run ids that used the version, in the order they did."""
        return self._page(
            "x.run_id, x.used_as",
            "FROM artifact_usage x WHERE x.artifact_id = ?",
            (artifact_id,),
            [OrderKey(Sql("x.created_at")), OrderKey(Sql("x.run_id"))],
            first,
            after,
        )
