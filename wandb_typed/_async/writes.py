"""Deletes whose lost answer was retried: "not found" on a retry means done.

A delete is classified idempotent (``_core/writes.py``) and so retried after a lost
answer (a 502 after the server applied it). The retry then finds nothing to
delete: that is success, said once in the log, not an error.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from .._core.writes import gone_on_retry
from ..errors import WandbError

__all__ = ["delete_once"]

logger = logging.getLogger("wandb_typed")

T = TypeVar("T")


async def delete_once(call: Callable[[], Awaitable[T]], what: str) -> T | None:
    """Run the delete ``call`` and return its result; a "not found" after a retry means
    an earlier attempt deleted ``what`` and its answer was lost: done (``None``)."""
    try:
        return await call()
    except WandbError as exc:
        if not gone_on_retry(exc):
            raise
        logger.info("%s: deleted by an earlier attempt whose answer was lost", what)
        return None
