"""Download progress on a terminal or in a notebook: the tqdm bar behind
``download(progress=True)``. Terminal I/O, so it lives outside the sans-I/O ``_core``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, cast

from ._core.progress import DownloadProgress
from .errors import InputError, MissingDependencyError

__all__ = ["ProgressBar", "progress_reporter"]


class _Bar(Protocol):
    """The part of a tqdm bar we use: typed here, so a stub release cannot make it Unknown."""

    n: float

    def update(self, n: float, /) -> object: ...
    def set_postfix_str(self, s: str, /, refresh: bool) -> None: ...
    def close(self) -> None: ...


class ProgressBar:
    """A tqdm bar (``tqdm.auto``: a widget in notebooks) fed by download progress."""

    def __init__(self, what: str) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise MissingDependencyError(
                "progress=True draws a bar with tqdm, which is not installed: "
                "pip install 'wandb-typed[progress]' (or pass a callback as progress=)"
            ) from None
        self._tqdm = cast("Callable[..., _Bar]", tqdm)
        self._what = what
        self._bar: _Bar | None = None
        self._lock = threading.Lock()

    def __call__(self, p: DownloadProgress) -> None:
        with self._lock:
            bar = self._bar
            if bar is None:
                bar = self._bar = self._tqdm(
                    total=p.bytes_total, unit="B", unit_scale=True, unit_divisor=1024,
                    desc=self._what, leave=True,
                )  # fmt: skip
            bar.update(p.bytes_done - bar.n)
            bar.set_postfix_str(f"{p.files_done}/{p.files_total} files", refresh=False)

    def close(self) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.close()


def progress_reporter(
    progress: object, what: str
) -> tuple[Callable[[DownloadProgress], None] | None, Callable[[], None]]:
    """``(report, close)`` for a download's ``progress`` argument: ``False``/``None``
    (no report), ``True`` (a tqdm bar) or a callable taking :class:`DownloadProgress`."""
    if progress is None or progress is False:
        return None, (lambda: None)
    if progress is True:
        bar = ProgressBar(what)
        return bar, bar.close
    if callable(progress):
        return cast("Callable[[DownloadProgress], None]", progress), (lambda: None)
    raise InputError(
        f"progress must be True, False, None or a callable, got {type(progress).__name__}"
    )
