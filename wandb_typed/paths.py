"""Parsing and validating W&B paths and names, before any request is sent.

Accepted forms (``entity`` and ``project`` fall back to the ``Api``'s defaults):

============================  ==============================================
project                       ``project``, ``entity/project``
run                           ``run_id``, ``project/run_id``,
                              ``entity/project/run_id``,
                              ``entity/project/runs/run_id``,
                              ``entity/project:run_id``
sweep                         the same with ``sweeps``
report                        ``entity/project/reports/name`` (from_path)
============================  ==============================================

A W&B app URL (``https://wandb.ai/entity/project/runs/abc123?workspace=...``) is
accepted wherever a path is. Anything else raises :class:`InputError` naming the
problem: a non-string, an empty part (``a//b``), too many parts, or an unknown
kind (``entity/project/widgets/x``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import SplitResult, unquote, urlsplit

from .errors import InputError, ResponseValidationError, clip

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Kind",
    "ObjectPath",
    "check_name",
    "http_url",
    "parse_http_url",
    "parse_object_path",
    "parse_path",
    "parse_project_path",
]

Kind = Literal["project", "run", "sweep", "report"]
_PLURALS: dict[str, Kind] = {"runs": "run", "sweeps": "sweep", "reports": "report"}
_BAD_CHARS = re.compile(r"[/\\#?%:\x00-\x1f\x7f]")
_URL_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")
MAX_NAME_LENGTH = 128


@dataclass(frozen=True)
class ObjectPath:
    """A parsed path; ``entity``/``project`` are ``None`` when left to the defaults."""

    kind: Kind
    entity: str | None
    project: str | None
    name: str | None
    """The run id, sweep id or report name (``None`` for a project)."""


def check_name(value: object, what: str) -> str:
    """Validate an entity, project, run or sweep name."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {type(value).__name__}")
    if not value or not value.strip():
        raise InputError(f"{what} must not be empty")
    if value != value.strip():
        raise InputError(f"{what} {value!r} has leading or trailing whitespace")
    if len(value) > MAX_NAME_LENGTH:
        raise InputError(f"{what} is longer than {MAX_NAME_LENGTH} characters")
    bad = _BAD_CHARS.search(value)
    if bad:
        raise InputError(
            f"{what} {value!r} contains the character {bad.group()!r}, which W&B does not allow"
        )
    return value


def _split(path: object, what: str) -> list[str]:
    if not isinstance(path, str):
        raise InputError(f"{what} must be a string, got {type(path).__name__}")
    text = path.strip()
    if not text:
        raise InputError(f"{what} must not be empty")
    if "://" in text:
        url = urlsplit(text)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise InputError(f"{what} {path!r} is not a W&B URL")
        text = unquote(url.path)
    parts = text.strip("/").split("/")
    if any(not p for p in parts):
        raise InputError(f"{what} {path!r} has an empty part")
    return parts


def parse_project_path(path: object) -> tuple[str | None, str]:
    """``project`` or ``entity/project`` -> (entity or None, project)."""
    parts = _split(path, "project path")
    if len(parts) > 2:
        raise InputError(
            f"project path {path!r} has {len(parts)} parts; expected 'project' or 'entity/project'"
        )
    if len(parts) == 1:
        return None, check_name(parts[0], "project name")
    return check_name(parts[0], "entity name"), check_name(parts[1], "project name")


def parse_object_path(path: object, kind: Literal["run", "sweep"]) -> ObjectPath:
    """A run or sweep path in any of the accepted forms (see the module docstring)."""
    what = f"{kind} path"
    parts = _split(path, what)
    if parts[0] == f"{kind}s" and len(parts) > 1:  # /runs/id, as the official client allows
        parts = parts[1:]
    if len(parts) == 2 and ":" in parts[1]:  # entity/project:run_id
        proj, _, rid = parts[1].partition(":")
        parts = [parts[0], proj, rid]
    elif len(parts) == 1 and ":" in parts[0]:  # project:run_id
        parts = parts[0].split(":", 1)
    if len(parts) == 4 and _PLURALS.get(parts[2]) == kind:
        parts = [parts[0], parts[1], parts[3]]
    elif len(parts) == 4:
        raise InputError(
            f"{what} {path!r}: expected 'entity/project/{kind}s/id', found {parts[2]!r}"
        )
    if len(parts) > 3:
        raise InputError(f"{what} {path!r} has too many parts")
    object_id = check_name(parts[-1], f"{kind} id")
    project = check_name(parts[-2], "project name") if len(parts) >= 2 else None
    entity = check_name(parts[-3], "entity name") if len(parts) == 3 else None
    return ObjectPath(kind, entity, project, object_id)


def parse_path(path: object) -> ObjectPath:
    """What ``Api.from_path`` accepts: a project, run, sweep or report path."""
    parts = _split(path, "path")
    if len(parts) <= 2:
        entity, project = parse_project_path("/".join(parts))
        return ObjectPath("project", entity, project, None)
    if len(parts) == 3:
        return parse_object_path("/".join(parts), "run")
    if len(parts) == 4:
        kind = _PLURALS.get(parts[2])
        if kind is None:
            raise InputError(
                f"path {path!r}: unknown kind {parts[2]!r}; expected runs, sweeps or reports"
            )
        entity, project = check_name(parts[0], "entity name"), check_name(parts[1], "project name")
        if kind == "report":
            return ObjectPath("report", entity, project, _report_name(parts[3]))
        return ObjectPath(kind, entity, project, check_name(parts[3], f"{kind} id"))
    raise InputError(
        f"path {path!r} has {len(parts)} parts; at most 4 (entity/project/kind/id) are allowed"
    )


def _report_name(part: str) -> str:
    if not part.strip():
        raise InputError("report name must not be empty")
    return part


def parse_http_url(url: object, what: str, *, from_server: bool = False) -> SplitResult:
    """Split an http(s) URL, checking what ``urlsplit`` and httpx let through
    (see :func:`http_url`)."""
    return _checked_http_url(url, what, from_server)[0]


def http_url(url: object, what: str, *, from_server: bool = False) -> httpx.URL:
    """The same checks as :func:`parse_http_url`, returning httpx's parsed URL, so a
    request built from it does not parse the URL again (a long signed URL costs
    ~0.3 ms to parse, which adds up over thousands of file downloads)."""
    return _checked_http_url(url, what, from_server)[1]


def _checked_http_url(url: object, what: str, from_server: bool) -> tuple[SplitResult, httpx.URL]:
    """Split an http(s) URL, checking what ``urlsplit`` and httpx let through.

    Rejects a non-string, whitespace or control characters, a scheme other than
    http(s), a missing host, a port outside 1-65535 and anything httpx cannot
    parse (``http://[::1``, a bad IDNA name). Raises :class:`InputError` naming
    ``what``, or :class:`ResponseValidationError` when the URL came from the server
    (``from_server=True``, e.g. a file's download URL).
    """

    def fail(problem: str) -> InputError | ResponseValidationError:
        shown = clip(repr(url), 200)
        if from_server:
            return ResponseValidationError(f"the server sent a {what} {shown} that {problem}")
        return InputError(f"{what} {shown} {problem}")

    if not isinstance(url, str):
        raise fail(f"is a {type(url).__name__}, not a string")
    if _URL_BAD_CHARS.search(url):
        raise fail("contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        problem = (
            "has an invalid port" if "port" in str(exc).lower() else f"is not a valid URL ({exc})"
        )
        raise fail(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise fail("must be an http(s) URL with a host")
    if port is not None and not 1 <= port <= 65535:
        raise fail("has an invalid port (must be 1-65535)")
    import httpx  # imported here: parsing paths must not need the HTTP stack

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise fail(f"is not a valid URL ({clip(str(exc), 200)})") from None
    return parts, parsed
