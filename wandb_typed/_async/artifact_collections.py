"""Artifact collections (:class:`AsyncArtifactCollection`): a sequence (versions
logged there) or a portfolio (versions linked there); looking one up by name,
listing a type's or a project's, editing, retyping and deleting them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING

from .._core.artifact_collections import ArtifactCollectionData
from .._core.artifact_names import check_artifact_name_part, parse_collection_path
from .._core.checks import check_optional_str
from .._core.paging import MAX_PER_PAGE, Page, Walk, check_per_page, page_of
from .._encode import to_json_object
from ..errors import InputError, NotFoundError, TypeMismatchError, UsageError
from ..paths import parse_project_path
from ..types import JSONObject
from .artifacts import AsyncArtifact, list_artifacts, project_of
from .paging import AsyncSizedPaginator
from .writes import delete_once

if TYPE_CHECKING:
    from _wandb_typed_gql.fragments import ArtifactCollectionFields

    from .session import AsyncSession

__all__ = ["AsyncArtifactCollection"]


class AsyncArtifactCollection(ArtifactCollectionData):
    """A collection of versions: a sequence (versions logged there) or a portfolio
    (versions linked there). Edit ``name``, ``description`` or ``tags`` and call
    :meth:`save`."""

    def __init__(self, session: AsyncSession, fields: ArtifactCollectionFields) -> None:
        self._session = session
        self._aliases: list[str] | None = None
        super().__init__(fields, session.settings.app_url)

    @property
    def aliases(self) -> Awaitable[list[str]]:
        """Every alias in the collection (fetched once)."""
        return self._load_aliases()

    async def _load_aliases(self) -> list[str]:
        if self._aliases is None:
            walk = Walk[str](None, None, f"aliases of {self.path}")
            aliases: list[str] = []
            while not walk.done:
                result = await self._session.gql.artifact_collection_alias_page(
                    id=self.id, per_page=MAX_PER_PAGE, cursor=walk.cursor
                )
                if result.artifact_collection is None:
                    raise NotFoundError.of(
                        f"artifact collection {self.path}", "ArtifactCollectionAliasPage"
                    )
                page = page_of(result.artifact_collection.aliases, lambda n: n.alias)
                aliases.extend(walk.accept(page).items)
            self._aliases = aliases
        return self._aliases

    async def load(self) -> None:
        """Fetch the collection again (drops unsaved edits of ``name``,
        ``description`` and ``tags``)."""
        result = await self._session.gql.artifact_collection_by_name(
            entity=self.entity, project=self.project, name=self._saved_name
        )
        found = result.project.artifact_collection if result.project is not None else None
        if found is None:
            raise NotFoundError.of(f"artifact collection {self.path}", "ArtifactCollectionByName")
        self._apply(found)
        self._aliases = None

    def artifacts(self, per_page: int = 50) -> AsyncSizedPaginator[AsyncArtifact]:
        """The collection's versions, newest first."""
        return list_artifacts(
            self._session, self.type, f"{self.entity}/{self.project}/{self._saved_name}",
            per_page, None,
        )  # fmt: skip

    async def save(self) -> None:
        """Write local edits of ``name``, ``description`` and ``tags`` back (one
        request; nothing is sent when nothing changed)."""
        from _wandb_typed_gql.base_model import UNSET
        from _wandb_typed_gql.input_types import TagInput

        name, description, description_changed, added, removed = self._edits()
        if name is None and not description_changed and not added and not removed:
            return
        tags_to_add = [TagInput(tag_name=t) for t in added]
        tags_to_delete = [TagInput(tag_name=t) for t in removed]
        new_name = name if name is not None else UNSET
        new_description = description if description_changed else UNSET
        collection: ArtifactCollectionFields | None
        if self._sequence:
            result = await self._session.gql.save_artifact_sequence(
                id=self.id, entity=self.entity, project=self.project,
                collection=self._saved_name, type_=self.type, change_type=False,
                tags_to_add=tags_to_add, tags_to_delete=tags_to_delete,
                add_tags=bool(added), delete_tags=bool(removed),
                name=new_name, description=new_description,
            )  # fmt: skip
            sequence = result.update_artifact_sequence
            collection = sequence.artifact_collection if sequence is not None else None
        else:
            saved = await self._session.gql.save_artifact_portfolio(
                id=self.id, entity=self.entity, project=self.project, collection=self._saved_name,
                tags_to_add=tags_to_add, tags_to_delete=tags_to_delete,
                add_tags=bool(added), delete_tags=bool(removed),
                name=new_name, description=new_description,
            )  # fmt: skip
            portfolio = saved.update_artifact_portfolio
            collection = portfolio.artifact_collection if portfolio is not None else None
        if collection is None:
            operation = "SaveArtifactSequence" if self._sequence else "SaveArtifactPortfolio"
            raise NotFoundError.of(f"artifact collection {self.path}", operation)
        self._apply(collection)

    async def change_type(self, new_type: str) -> None:
        """Move a sequence and its versions to another artifact type (created if new)."""
        new_type = check_artifact_name_part(new_type, "new_type")
        if not self._sequence:
            raise UsageError(f"{self.path} is a portfolio, whose type cannot change")
        result = await self._session.gql.move_artifact_sequence(id=self.id, type_=new_type)
        moved = result.move_artifact_sequence
        if moved is None or moved.artifact_collection is None:
            raise NotFoundError.of(f"artifact collection {self.path}", "MoveArtifactSequence")
        self._apply(moved.artifact_collection)

    async def delete(self) -> None:
        """Delete the collection: a sequence with every version in it, a portfolio
        with its links (the linked versions stay in their sequences)."""
        gql = self._session.gql
        if self._sequence:
            await delete_once(lambda: gql.delete_artifact_sequence(id=self.id), f"{self.name}")
        else:
            await delete_once(lambda: gql.delete_artifact_portfolio(id=self.id), f"{self.name}")


def _check_collection_query(
    filters: Mapping[str, object] | None, order: str | None
) -> tuple[JSONObject | None, str | None]:
    checked = to_json_object(filters, "filters") if filters is not None else None
    if order is not None:
        check_optional_str(order, "order")
        field = order.lstrip("+-")
        if order.count("-") + order.count("+") > 1 or not field.replace("_", "a").isalnum():
            raise InputError(f"order must be '[+-]field', e.g. '-created_at'; got {order!r}")
    return checked, order


def list_collections(
    session: AsyncSession,
    project_name: str,
    type_name: str,
    per_page: int,
    filters: Mapping[str, object] | None = None,
    order: str | None = None,
) -> AsyncSizedPaginator[AsyncArtifactCollection]:
    """The collections of one type in a project (``project`` or ``entity/project``)."""
    entity_name, project = parse_project_path(project_name)
    check_artifact_name_part(type_name, "type_name")
    check_per_page(per_page)
    checked, order = _check_collection_query(filters, order)

    async def fetch(cursor: str | None, first: int) -> Page[AsyncArtifactCollection]:
        entity, name = await project_of(session, entity_name, project)
        result = await session.gql.artifact_collection_page(
            entity=entity, project=name, type_=type_name, filters=checked, order=order,
            cursor=cursor, per_page=first, with_count=cursor is None,
        )  # fmt: skip
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{name}", "ArtifactCollectionPage")
        if result.project.artifact_type is None:
            return Page((), None, False, 0)
        conn = result.project.artifact_type.artifact_collections
        return page_of(
            conn,
            lambda node: AsyncArtifactCollection(session, node),
            conn.total_count if conn is not None else None,
        )

    what = f"{type_name} collections of {project_name}"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=what, key=lambda c: c.id)


def list_project_collections(
    session: AsyncSession,
    entity: str,
    project: str,
    per_page: int,
    filters: Mapping[str, object] | None,
    order: str | None,
) -> AsyncSizedPaginator[AsyncArtifactCollection]:
    """The collections of every type in a project."""
    check_per_page(per_page)
    checked, order = _check_collection_query(filters, order)

    async def fetch(cursor: str | None, first: int) -> Page[AsyncArtifactCollection]:
        result = await session.gql.project_artifact_collection_page(
            entity=entity, project=project, filters=checked, order=order,
            cursor=cursor, per_page=first, with_count=cursor is None,
        )  # fmt: skip
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{project}", "ProjectArtifactCollectionPage")
        conn = result.project.artifact_collections
        return page_of(
            conn,
            lambda node: AsyncArtifactCollection(session, node),
            conn.total_count if conn is not None else None,
        )

    what = f"artifact collections of {entity}/{project}"
    return AsyncSizedPaginator(fetch, per_page=per_page, what=what, key=lambda c: c.id)


async def fetch_collection_by_name(
    session: AsyncSession, entity: str, project: str, name: str, type_name: str | None
) -> AsyncArtifactCollection:
    """One collection by name (of ``type_name``, when given)."""
    result = await session.gql.artifact_collection_by_name(
        entity=entity, project=project, name=name
    )
    where = f"artifact collection {entity}/{project}/{name}"
    if result.project is None:
        raise NotFoundError.of(f"project {entity}/{project}", "ArtifactCollectionByName")
    found = result.project.artifact_collection
    if found is None:
        raise NotFoundError.of(where, "ArtifactCollectionByName")
    if type_name is not None and found.default_artifact_type.name != type_name:
        raise TypeMismatchError(
            f"{where} of type {type_name!r} not found "
            f"(it is of type {found.default_artifact_type.name!r})",
            operation_name="ArtifactCollectionByName",
        )
    return AsyncArtifactCollection(session, found)


async def fetch_collection(
    session: AsyncSession, type_name: str, name: str
) -> AsyncArtifactCollection:
    """One collection by ``[entity/][project/]name`` and type."""
    check_artifact_name_part(type_name, "type_name")
    entity_name, project_name, collection = parse_collection_path(
        name, organization=session.settings.organization, what="name"
    )
    entity, project = await project_of(session, entity_name, project_name)
    return await fetch_collection_by_name(session, entity, project, collection, type_name)


async def collection_exists(session: AsyncSession, name: str, type: str) -> bool:
    """Whether the collection exists with that type."""
    try:
        await fetch_collection(session, type, name)
    except NotFoundError:
        return False
    return True
