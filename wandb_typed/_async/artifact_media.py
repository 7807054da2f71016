"""``artifact.get(name)``: the JSON media ``wandb`` stored in a version, read from its
manifest entry (MD5-checked, size-bounded) without importing ``wandb``."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING, cast

from .._core.checks import check_text
from .._core.media import Table, media_paths, table_from
from ..errors import ResponseValidationError, UnsupportedServerFeatureError
from ..types import JSONObject

if TYPE_CHECKING:
    from .artifacts import AsyncArtifact
    from .session import AsyncSession

__all__ = ["MAX_MEDIA_BYTES", "get_media"]

#: The largest media JSON ``get()`` reads into memory (a table of many rows is big).
MAX_MEDIA_BYTES = 512 * 1024 * 1024


async def get_media(
    session: AsyncSession, artifact: AsyncArtifact, name: str
) -> Table | JSONObject | None:
    """The media object ``name`` of the version: a :class:`Table` for a ``wandb.Table``,
    the JSON object of any other medium, ``None`` if the version has no such entry."""
    from .artifact_files import list_files
    from .files import fetch_bytes

    check_text(name, "name")
    manifest = await artifact.manifest
    path = next((p for p in media_paths(name) if p in manifest.entries), None)
    if path is None:
        return None
    entry = manifest.entries[path]
    what = f"{path} of {artifact.qualified_name}"
    if entry.ref is not None:
        raise UnsupportedServerFeatureError(
            f"{what} is a reference ({entry.ref.partition('?')[0]}); download it instead",
            feature="reference media",
        )
    if entry.size is not None and entry.size > MAX_MEDIA_BYTES:
        raise ResponseValidationError(f"{what} is {entry.size} bytes; larger than get() reads")
    files = [f async for f in list_files(session, artifact, [path], 1)]
    url = files[0].direct_url or files[0].url if files else None
    if not url:
        raise ResponseValidationError(f"{what} has no download URL")
    body = await fetch_bytes(session.connection, url, what)
    digest = base64.b64encode(hashlib.md5(body).digest()).decode()
    if entry.digest and digest != entry.digest:
        raise ResponseValidationError(f"{what}: the downloaded bytes do not match the manifest")
    try:
        data: object = json.loads(body)
    except ValueError as exc:
        raise ResponseValidationError(f"{what} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ResponseValidationError(f"{what} is not a JSON object")
    obj = cast("JSONObject", data)
    if obj.get("_type") == "table" or path.endswith(".table.json"):
        return table_from(obj, what)
    return obj
