"""``sync_tensorboard``: TensorBoard event files into a W&B run, streamed the way the
run SDK streams history (``POST .../file_stream``), so the run reads back like one
logged with ``wandb.log``.

The event files are read by the small reader of ``_core/tfevents.py`` (no TensorFlow,
no ``tensorboard`` package). The run is created (or, for an existing ``run_id``,
updated) with ``upsertBucket``; the history goes in chunks of :data:`CHUNK_LINES`
lines, each retried through the connection's one retry loop and idempotent by its
offset (the server keeps a resent line once), so running the sync again for the same
run resumes it; the last chunk carries the summary and finishes the run.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

import httpx

from .._core.exchange import Retryable, status_error, transport_failure
from .._core.files import redact
from .._core.tfevents import SkippedTensorBoardDataWarning, history_of, namespaces, read_events
from ..errors import InputError, NotFoundError
from ..paths import check_name

if TYPE_CHECKING:
    from .runs import AsyncRun
    from .session import AsyncSession

__all__ = ["CHUNK_LINES", "sync_tensorboard"]

#: History lines per ``file_stream`` request.
CHUNK_LINES = 1000


async def _post(session: AsyncSession, url: str, body: bytes, what: str) -> None:
    connection = session.connection

    async def attempt(number: int) -> None:
        response = await connection.open(
            "POST", url, content=body, headers={"Content-Type": "application/json"}
        )
        try:
            try:
                await response.aread()
            except httpx.HTTPError as exc:
                raise transport_failure(exc, redact(url), what, False) from None
        finally:
            await response.aclose()
        if response.status_code >= 300:
            error = status_error(
                response.status_code, response.headers, response.content, redact(url), what
            )
            if response.status_code in connection.settings.retry.retry_statuses:
                raise Retryable(error)
            raise error

    await connection.retrying(what, attempt)


async def sync_tensorboard(
    session: AsyncSession,
    root_dir: str | Path,
    run_id: str | None,
    project: str | None,
    entity: str | None,
) -> AsyncRun:
    """Sync the event files under ``root_dir`` into the run ``run_id`` (see the module
    docstring) and return the run."""
    from _wandb_typed_gql.input_types import UpsertBucketInput

    from .runs import _random_run_id, fetch_run  # pyright: ignore[reportPrivateUsage]

    if not isinstance(cast("object", root_dir), (str, Path)):
        raise InputError(f"root_dir must be a str or a Path, got {type(root_dir).__name__}")
    root = Path(root_dir)
    if not root.is_dir():
        raise InputError(f"sync_tensorboard: {str(root)!r} is not a directory")
    files = sorted(p for p in root.rglob("*tfevents*") if p.is_file())
    if not files:
        raise InputError(
            f"sync_tensorboard: no TensorBoard event files (*tfevents*) under {str(root)!r}"
        )
    name = check_name(run_id, "run id") if run_id is not None else _random_run_id()
    project_name = (
        check_name(project, "project name") if project is not None else session.settings.project
    )
    if not project_name:
        raise InputError("sync_tensorboard needs a project (or WANDB_PROJECT in the settings)")
    try:
        history = history_of(
            [(ns, read_events(f)) for ns, f in zip(namespaces(files, root), files, strict=True)]
        )
    except ValueError as exc:
        raise InputError(f"sync_tensorboard: {exc}") from None
    if history.skipped:
        kinds = "; ".join(f"{kind}: {', '.join(tags)}" for kind, tags in history.skipped.items())
        warnings.warn(
            f"sync_tensorboard did not sync these TensorBoard values ({kinds})",
            SkippedTensorBoardDataWarning,
            stacklevel=3,
        )
    ent = await session.resolve_entity(entity)
    start = UpsertBucketInput(name=name, model_name=project_name, entity_name=ent, state="running")
    created = await session.gql.upsert_run(input=start, config_keys=None, summary_keys=None)
    if created.upsert_bucket is None or created.upsert_bucket.bucket is None:
        raise NotFoundError(f"could not create run {ent}/{project_name}/{name}")
    url = (
        f"{session.settings.base_url}/files/{quote(ent, safe='')}/{quote(project_name, safe='')}"
        f"/{quote(name, safe='')}/file_stream"
    )
    lines = [json.dumps(row, separators=(",", ":")) for row in history.rows]
    offset = 0
    while True:
        chunk = lines[offset : offset + CHUNK_LINES]
        last = offset + len(chunk) >= len(lines)
        files_part: dict[str, object] = {
            "wandb-history.jsonl": {"offset": offset, "content": chunk}
        }
        body: dict[str, object] = {"files": files_part}
        if last:
            files_part["wandb-summary.json"] = {
                "offset": 0,
                "content": [json.dumps(history.summary)],
            }
            body.update(complete=True, exitcode=0)
        await _post(
            session, url, json.dumps(body).encode(), f"file_stream of {ent}/{project_name}/{name}"
        )
        offset += len(chunk)
        if last:
            break
    return await fetch_run(session, f"{ent}/{project_name}/{name}")
