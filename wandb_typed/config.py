"""Settings: where the base URL, API key, defaults and timeouts come from.

Precedence, highest first (compatible with the official ``wandb.Api``):

1. constructor arguments: ``api_key=``, ``timeout=``, ``overrides={"base_url",
   "entity", "project", "organization"}``;
2. environment: ``WANDB_API_KEY``, ``WANDB_BASE_URL``, ``WANDB_ENTITY``,
   ``WANDB_PROJECT``, ``WANDB_HTTP_TIMEOUT``;
3. netrc (``$NETRC``, ``~/.netrc``, ``~/_netrc``), machine = the base URL's host
   (the API key only, as ``wandb login`` writes it);
4. the wandb settings files, ``./wandb/settings`` over
   ``$WANDB_CONFIG_DIR/settings`` (default ``~/.config/wandb/settings``), section
   ``[default]``: ``base_url``, ``entity``, ``project``;
5. defaults: ``https://api.wandb.ai``, project ``uncategorized``, a 19 s read
   timeout (5 s to connect) and :class:`RetryPolicy`'s defaults.

Resolution reads files and the environment only; it never touches the network
and never prompts. Bad values raise :class:`~wandb_typed.errors.InputError`.
The key is resolved last, and a settings error is raised with no frame that held
the key or the environment in its traceback (crash reporters capture locals).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard, cast
from urllib.parse import urlsplit

from ._core.checks import check_instance
from .errors import InputError
from .paths import parse_http_url

__all__ = ["DEFAULT_BASE_URL", "RetryPolicy", "Settings", "resolve_settings"]

DEFAULT_BASE_URL = "https://api.wandb.ai"
DEFAULT_PROJECT = "uncategorized"
DEFAULT_TIMEOUT = 19.0
DEFAULT_CONNECT_TIMEOUT = 5.0
OVERRIDE_KEYS = frozenset({"base_url", "entity", "project", "organization", "run"})


@dataclass(frozen=True)
class RetryPolicy:
    """How failed requests are retried.

    Queries are retried on connection failures (resets, DNS, TLS), timeouts, HTTP
    408/429/5xx and unreadable bodies. A *refused* connection is never retried:
    nothing listens there, so it fails at once. Mutations are retried only when the
    request provably did not reach the server (a connect error or timeout) or was
    refused unprocessed (429), so a mutation is never applied twice.
    Delays grow exponentially from ``initial_delay`` to ``max_delay`` with
    +/-``jitter`` (a fraction); a ``Retry-After`` header is honoured up to
    ``max_retry_after`` seconds. ``max_attempts`` counts the first try.
    """

    max_attempts: int = 5
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})

    def __post_init__(self) -> None:
        if not _is_int(self.max_attempts) or self.max_attempts < 1:
            raise InputError(
                f"RetryPolicy.max_attempts must be an int >= 1, got {self.max_attempts!r}"
            )
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            value = getattr(self, name)
            if not _is_number(value) or not math.isfinite(value) or value < 0:
                raise InputError(f"RetryPolicy.{name} must be a finite number >= 0, got {value!r}")
        if not _is_number(self.jitter) or not 0 <= self.jitter <= 1:
            raise InputError(f"RetryPolicy.jitter must be within [0, 1], got {self.jitter!r}")
        codes = _status_codes(self.retry_statuses)
        if codes is None:
            raise InputError(
                "RetryPolicy.retry_statuses must be HTTP status codes (ints 100-599), "
                f"got {self.retry_statuses!r}"
            )
        object.__setattr__(self, "retry_statuses", codes)

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def backoff(self, attempt: int, unit_random: float) -> float:
        """Delay before retry number ``attempt`` (1-based); ``unit_random`` in [0, 1)."""
        base = min(float(self.max_delay), self.initial_delay * 2.0 ** (attempt - 1))
        return max(0.0, base * (1 + self.jitter * (2 * unit_random - 1)))


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one ``Api``. The key is kept out of ``repr``."""

    base_url: str
    api_key: str = field(repr=False)
    api_key_source: str
    entity: str | None
    project: str
    organization: str | None
    timeout: float
    connect_timeout: float
    retry: RetryPolicy
    run: str | None = None
    """The default run id (``overrides={"run": ...}``), used by ``api.run()`` with no path."""

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def app_url(self) -> str:
        """The web app's URL: ``https://api.wandb.ai`` -> ``https://wandb.ai``."""
        parts = urlsplit(self.base_url)
        host = parts.netloc
        if host.startswith("api."):
            host = host[4:]
        return f"{parts.scheme}://{host}{parts.path}"


def resolve_settings(
    overrides: Mapping[str, object] | None = None,
    timeout: float | None = None,
    api_key: str | None = None,
    retry: RetryPolicy | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve settings with the documented precedence (see the module docstring)."""
    try:
        return _resolve(overrides, timeout, api_key, retry, environ)
    except InputError as exc:
        error = exc
    # The key (an argument, or in the environment) must not be reachable from the
    # error: drop the frames that held it and raise from here, with them deleted.
    del api_key, environ
    error.__traceback__ = error.__cause__ = error.__context__ = None
    raise error


def _resolve(
    overrides: Mapping[str, object] | None,
    timeout: float | None,
    api_key: str | None,
    retry: RetryPolicy | None,
    environ: Mapping[str, str] | None,
) -> Settings:
    env = os.environ if environ is None else environ
    given = dict(overrides or {})
    unknown = sorted(set(given) - OVERRIDE_KEYS)
    if unknown:
        raise InputError(
            f"unknown override(s) {', '.join(map(repr, unknown))}; "
            f"supported: {', '.join(sorted(OVERRIDE_KEYS))}"
        )
    for key, value in given.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"overrides[{key!r}] must be a string, got {type(value).__name__}")
    check_instance(retry, RetryPolicy, "retry")
    file_settings = _read_settings_files(env)

    def pick(key: str, env_name: str) -> str | None:
        for value in (given.get(key), env.get(env_name), file_settings.get(key)):
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    # Everything else first: the key is resolved last, so no other error is raised
    # while it is held (and the netrc file is not read for a call that fails anyway).
    base_url = _normalise_base_url(pick("base_url", "WANDB_BASE_URL") or DEFAULT_BASE_URL)
    entity = _check_name(pick("entity", "WANDB_ENTITY"), "entity")
    project = _check_name(pick("project", "WANDB_PROJECT"), "project") or DEFAULT_PROJECT
    organization = pick("organization", "WANDB_ORGANIZATION")
    run_given = given.get("run")
    run = _check_name(run_given if isinstance(run_given, str) else None, "run")
    seconds = _resolve_timeout(timeout, env)
    key, source = _resolve_api_key(api_key, env, base_url, file_settings)
    return Settings(
        base_url=base_url,
        api_key=key,
        api_key_source=source,
        entity=entity,
        project=project,
        organization=organization,
        timeout=seconds,
        connect_timeout=DEFAULT_CONNECT_TIMEOUT,
        retry=retry if retry is not None else RetryPolicy(),
        run=run.strip() if run and run.strip() else None,
    )


def _normalise_base_url(url: str) -> str:
    parts = parse_http_url(url, "base_url")
    if parts.username or parts.password:
        raise InputError("base_url must not contain credentials; pass the API key separately")
    if parts.query or parts.fragment:
        raise InputError(f"base_url must not have a query or fragment, got {url!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def _check_name(value: str | None, what: str) -> str | None:
    if value is not None and ("/" in value or any(c.isspace() for c in value)):
        raise InputError(f"default {what} {value!r} must not contain '/' or whitespace")
    return value


def _status_codes(value: object) -> frozenset[int] | None:
    """``value`` as a set of HTTP status codes, or ``None`` if it is not one."""
    if not isinstance(value, Iterable) or isinstance(value, (str, bytes)):
        return None
    codes = list(cast("Iterable[object]", value))
    if not all(_is_int(c) and 100 <= c <= 599 for c in codes):
        return None
    return frozenset(cast("list[int]", codes))


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _resolve_timeout(timeout: float | None, env: Mapping[str, str]) -> float:
    source = "timeout"
    value: object = timeout
    if value is None and env.get("WANDB_HTTP_TIMEOUT"):
        source, value = "WANDB_HTTP_TIMEOUT", env["WANDB_HTTP_TIMEOUT"]
        try:
            value = float(str(value))
        except ValueError:
            raise InputError(
                f"WANDB_HTTP_TIMEOUT must be a number of seconds, got {value!r}"
            ) from None
    if value is None:
        return DEFAULT_TIMEOUT
    if not _is_number(value):
        raise InputError(f"{source} must be a number of seconds, got {value!r}")
    if not value > 0 or math.isinf(value):
        raise InputError(f"{source} must be a positive, finite number of seconds, got {value!r}")
    return float(value)


def _resolve_api_key(
    api_key: str | None,
    env: Mapping[str, str],
    base_url: str,
    file_settings: Mapping[str, str],
) -> tuple[str, str]:
    candidates: list[tuple[str | None, str]] = [
        (api_key, "api_key argument"),
        (env.get("WANDB_API_KEY"), "WANDB_API_KEY"),
    ]
    for value, source in candidates:
        if value is not None:
            return _check_key(value, source), source
    from_netrc = _netrc_key(env, base_url)
    if from_netrc is not None:
        return _check_key(from_netrc[0], from_netrc[1]), from_netrc[1]
    if file_settings.get("api_key"):
        return _check_key(file_settings["api_key"], "settings file"), "settings file"
    host = urlsplit(base_url).netloc
    raise InputError(
        f"no W&B API key found for {host}: pass api_key=..., set WANDB_API_KEY, "
        f"or add a netrc entry for machine {urlsplit(base_url).hostname} (`wandb login` writes one)"
    )


def _check_key(key: object, source: str) -> str:
    if not isinstance(key, str):
        raise InputError(f"the API key from {source} must be a string, got {type(key).__name__}")
    key = key.strip()
    if not key:
        raise InputError(f"the API key from {source} is empty")
    if any(ord(c) < 33 or ord(c) == 127 for c in key) or not key.isascii():
        raise InputError(
            f"the API key from {source} contains whitespace, control or non-ASCII "
            "characters; copy it again from your W&B settings page"
        )
    return key


def _netrc_key(env: Mapping[str, str], base_url: str) -> tuple[str, str] | None:
    parts = urlsplit(base_url)
    hosts = [h for h in (parts.netloc, parts.hostname) if h]
    paths = [Path(env["NETRC"])] if env.get("NETRC") else []
    home = Path(env.get("HOME") or Path.home())
    paths += [home / ".netrc", home / "_netrc"]
    for path in paths:
        if not path.is_file():
            continue
        import netrc  # here: most processes have no netrc file to read

        try:
            parsed = netrc.netrc(str(path))
        except (netrc.NetrcParseError, OSError) as exc:
            raise InputError(f"cannot read the API key from {path}: {exc}") from None
        for host in hosts:
            entry = parsed.authenticators(host)
            if entry and entry[2]:
                return entry[2], f"netrc ({path}, machine {host})"
    return None


def _read_settings_files(env: Mapping[str, str]) -> dict[str, str]:
    home = Path(env.get("HOME") or Path.home())
    config_dir = (
        Path(env["WANDB_CONFIG_DIR"]) if env.get("WANDB_CONFIG_DIR") else home / ".config" / "wandb"
    )
    merged: dict[str, str] = {}
    for path in (config_dir / "settings", Path(env.get("WANDB_DIR") or ".") / "wandb" / "settings"):
        if not path.is_file():
            continue
        import configparser  # here: most processes have no settings file to read

        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError) as exc:
            logging.getLogger("wandb_typed").warning(
                "ignoring unreadable settings file %s: %s", path, exc
            )
            continue
        if parser.has_section("default"):
            merged.update({k: v for k, v in parser.items("default") if v.strip()})
    return merged
