"""The wandb-typed pytest plugin: a local W&B server and clients pointed at it, as
fixtures ("moto for W&B").

Registered through the ``pytest11`` entry point, so installing wandb-typed enables it;
the fixtures need the ``server`` extra (``pip install 'wandb-typed[server]'``).

    def test_report(wandb_api):                      # an Api on the demo-seeded server
        assert len(wandb_api.runs("demo/mnist")) == 300

Fixtures:

``wandb_server``
    The :class:`~wandb_typed.testing.LocalServer` this test talks to: by default the
    session's shared server, seeded with the demo data (entity ``demo``). Mark a test
    ``@pytest.mark.wandb_server(fresh=True)`` for a seeded server of its own, or
    ``@pytest.mark.wandb_server(seed=False)`` for an empty one of its own; the ini
    option ``wandb_server_fresh = true`` makes every test get its own.
``wandb_server_session``
    The shared, seeded server, for fixtures of module or session scope.
``wandb_api`` / ``wandb_async_api``
    An ``Api`` / ``AsyncApi`` pointed at ``wandb_server``, closed after the test. The
    ``AsyncApi`` binds to the event loop of its first request, so it works under
    pytest-asyncio, anyio's plugin or a plain ``asyncio.run()``; no async plugin is
    needed.
``wandb_faults``
    The fault plan of ``wandb_server``, empty when the test starts and reset after it
    (the shared server stays healthy for the next test):
    ``wandb_faults.fail_next("503", target="RunPage")`` fails one named operation,
    ``target="GET /artifact-files"`` one file route.
``wandb_env``
    ``WANDB_BASE_URL`` and ``WANDB_API_KEY`` set to ``wandb_server`` (and
    ``WANDB_ENTITY``/``WANDB_PROJECT`` removed) for the test, so code that calls
    ``Api()`` (or the official ``wandb.Api()``) with no arguments reaches it.

Another user, e.g. to test authorization: ``key = wandb_server.add_user("alice")``,
then ``Api(api_key=key, overrides={"base_url": wandb_server.base_url})``.

Importing this module costs nothing beyond pytest itself: the server, httpx and
wandb-typed are imported by the fixtures, when a test asks for one. (That is why the
plugin is a top-level module: anything inside ``wandb_typed`` imports the client
package first.)

Seeding the demo data takes seconds, so it is done once: into a SQLite file kept in
pytest's cache directory (keyed by a hash of the server's code), which every seeded
server copies, hard-linking its artifact contents (immutable files beside it). The
shared server is shared: tests that write to it should write into a project of their
own, or ask for a fresh server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from wandb_typed import Api, AsyncApi
    from wandb_typed.testing import FaultPlan, LocalServer

__all__ = [
    "wandb_api",
    "wandb_async_api",
    "wandb_env",
    "wandb_faults",
    "wandb_server",
    "wandb_server_session",
]

MARKER = "wandb_server"
INI_FRESH = "wandb_server_fresh"
_EXTRA_HINT = (
    "the wandb-typed pytest fixtures need the server extra: pip install 'wandb-typed[server]'"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI_FRESH,
        "wandb-typed: give every test a server of its own (default: one shared per session)",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(fresh=False, seed=True): the wandb-typed server of this test: "
        "fresh=True gives it a server of its own, seed=False an empty one of its own",
    )


# ---------------------------------------------------------------- servers


def _local_server_class() -> type[LocalServer]:
    try:
        from wandb_typed.testing import LocalServer  # imports ariadne, uvicorn, PyYAML
    except ModuleNotFoundError as exc:
        if exc.name in ("ariadne", "uvicorn", "yaml", "graphql"):
            pytest.fail(_EXTRA_HINT, pytrace=False)
        raise
    return LocalServer


def _code_digest() -> str:
    """A hash of the server's code and the package version: a template seeded by other
    code is never reused."""
    import hashlib

    import wandb_typed.testing

    digest = hashlib.sha256(wandb_typed.__version__.encode())
    root = Path(wandb_typed.testing.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _template_dir(config: pytest.Config, tmp: pytest.TempPathFactory) -> Path:
    cache = getattr(config, "cache", None)  # None with -p no:cacheprovider
    if cache is not None:
        return Path(cache.mkdir("wandb-typed"))
    return tmp.getbasetemp() / "wandb-typed-template"


@pytest.fixture(scope="session")
def _wandb_template(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo data (its artifact contents in the blob directory
    beside it), seeded once and reused while the code is unchanged.  Both live in one
    directory, seeded under a temporary name and renamed into place: parallel workers
    never see half of it, and the first to finish wins."""
    import os
    import shutil
    import uuid

    server_class = _local_server_class()
    directory = _template_dir(pytestconfig, tmp_path_factory)
    directory.mkdir(parents=True, exist_ok=True)
    seeded = directory / f"demo-{_code_digest()}"
    template = seeded / "wandb.sqlite3"
    if not template.exists():
        partial = directory / f".{seeded.name}.{uuid.uuid4().hex}.part"
        partial.mkdir()
        db = partial / template.name
        server = server_class(db)
        try:
            server.seed_demo()
        finally:
            server.close()
        for suffix in ("-wal", "-shm"):  # gone after a clean close; never reused
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        try:
            os.rename(partial, seeded)
        except OSError:  # another worker's copy is in place: the same data
            shutil.rmtree(partial, ignore_errors=True)
        for stale in directory.glob("demo-*"):  # seeded by code that has changed
            if stale != seeded:
                if stale.is_dir():
                    shutil.rmtree(stale, ignore_errors=True)
                else:
                    stale.unlink(missing_ok=True)
    return template


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every file under ``source`` into ``target`` (copy where the file system
    cannot link): blob files are immutable, and a server replaces one, never writes it."""
    import os
    import shutil

    for folder, _, names in os.walk(source):
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            try:
                os.link(Path(folder) / name, into / name)
            except OSError:
                shutil.copyfile(Path(folder) / name, into / name)


def _start_copy(template: Path | None, directory: Path) -> LocalServer:
    """A started server on a copy of ``template`` and its blob directory (``None``: an
    empty server in memory)."""
    import shutil

    server_class = _local_server_class()
    if template is None:
        return server_class().start()
    from wandb_typed.testing._store.artifacts.blobs import blob_dir_of

    db = directory / "wandb.sqlite3"
    shutil.copyfile(template, db)
    blobs, copied = blob_dir_of(str(template)), blob_dir_of(str(db))
    if blobs is not None and copied is not None and blobs.is_dir():
        _link_tree(blobs, copied)
    return server_class(db).start()


def _close(server: LocalServer, directory: Path) -> None:
    """Stop a server and delete its copy (database and blob files: links, mostly)."""
    import shutil

    server.close()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def wandb_server_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalServer]:
    """The session's shared local W&B server, seeded with the demo data."""
    template: Path = request.getfixturevalue("_wandb_template")
    directory = tmp_path_factory.mktemp("wandb-server")
    server = _start_copy(template, directory)
    try:
        yield server
    finally:
        _close(server, directory)


def _wanted(request: pytest.FixtureRequest) -> tuple[bool, bool]:
    """``(fresh, seed)`` for this test, from its marker and the ini option."""
    fresh: bool = bool(request.config.getini(INI_FRESH))
    seed = True
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            pytest.fail(
                f"@pytest.mark.{MARKER} takes keywords only: fresh=..., seed=...", pytrace=False
            )
        unknown = set(marker.kwargs) - {"fresh", "seed"}
        if unknown:
            pytest.fail(
                f"@pytest.mark.{MARKER}: unknown option(s) {sorted(unknown)}; use fresh=, seed=",
                pytrace=False,
            )
        for name, value in marker.kwargs.items():
            if not isinstance(value, bool):
                pytest.fail(f"@pytest.mark.{MARKER}: {name} must be True or False", pytrace=False)
        seed = marker.kwargs.get("seed", True)
        if not seed and marker.kwargs.get("fresh") is False:
            pytest.fail(
                f"@pytest.mark.{MARKER}(fresh=False, seed=False): the shared server is "
                "seeded; an empty server is always a fresh one",
                pytrace=False,
            )
        fresh = marker.kwargs.get("fresh", fresh or not seed)
    return fresh, seed


@pytest.fixture
def wandb_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalServer]:
    """The local W&B server of this test: the session's shared, demo-seeded server, or
    one of the test's own with ``@pytest.mark.wandb_server(fresh=True)`` (seeded) or
    ``@pytest.mark.wandb_server(seed=False)`` (empty); ini ``wandb_server_fresh =
    true`` makes fresh the default. ``wandb_server.add_user(name)`` returns another
    user's API key."""
    fresh, seed = _wanted(request)
    if not fresh:
        yield request.getfixturevalue("wandb_server_session")
        return
    template: Path | None = request.getfixturevalue("_wandb_template") if seed else None
    directory = tmp_path_factory.mktemp("wandb-server")
    server = _start_copy(template, directory)
    try:
        yield server
    finally:
        _close(server, directory)


# ---------------------------------------------------------------- clients


@pytest.fixture
def wandb_api(wandb_server: LocalServer) -> Iterator[Api]:
    """An ``Api`` on ``wandb_server`` (its main user, ``demo``), closed after the test."""
    from wandb_typed import Api

    with Api({"base_url": wandb_server.base_url}, api_key=wandb_server.api_key) as api:
        yield api


@pytest.fixture
def wandb_async_api(wandb_server: LocalServer) -> Iterator[AsyncApi]:
    """An ``AsyncApi`` on ``wandb_server``, not yet bound to an event loop.

    It binds to the loop of its first request (the test's, whichever runner made
    it). Its connections are not kept alive between requests, so nothing is left
    open on that loop when it ends; it is closed after the test.
    """
    import asyncio

    import httpx

    from wandb_typed import AsyncApi

    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    api = AsyncApi(
        {"base_url": wandb_server.base_url}, api_key=wandb_server.api_key, transport=transport
    )
    try:
        yield api
    finally:
        asyncio.run(api.aclose())


@pytest.fixture
def wandb_faults(wandb_server: LocalServer) -> Iterator[FaultPlan]:
    """The fault plan of ``wandb_server`` for this test: empty at the start, replaced by
    an empty one after the test (slow requests released), so faults never leak into the
    next test of a shared server. Aim a fault at one operation or route with
    ``fail_next(kind, target="RunPage")`` / ``target="GET /artifact-files"``; see
    :class:`wandb_typed.testing.FaultPlan`."""
    from wandb_typed.testing import FaultPlan

    plan = FaultPlan(retry_after=0.05)
    wandb_server.faults = plan
    try:
        yield plan
    finally:
        plan.release_slow()
        wandb_server.faults = FaultPlan()


@pytest.fixture
def wandb_env(wandb_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    """Point ``WANDB_BASE_URL``/``WANDB_API_KEY`` at ``wandb_server`` for this test, so
    ``Api()`` (and ``wandb.Api()``) with no arguments reach it; returns the server."""
    monkeypatch.setenv("WANDB_BASE_URL", wandb_server.base_url)
    monkeypatch.setenv("WANDB_API_KEY", wandb_server.api_key)
    for name in ("WANDB_ENTITY", "WANDB_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    return wandb_server
