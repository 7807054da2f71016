"""Run the local W&B server: in a background thread (:class:`LocalServer`) for
tests, or in the foreground (:func:`serve`) for ``wandb-typed serve``."""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Literal

import uvicorn

from ._app import LocalApp
from ._demo import DemoInfo, seed_demo
from ._faults import FaultPlan
from ._limits import ServerLimits
from ._recording import RequestLog
from ._store import Row, Store

__all__ = ["LocalServer", "serve"]


def _ensure_user(store: Store, username: str, api_key: str | None) -> Row:
    """The server's main user (created on first start; ``api_key`` replaces its key)."""
    user = store.user_by_name(username)
    if user is None:
        return store.create_user(username, api_key=api_key, admin=True)
    if api_key is not None and user["api_key"] != api_key:
        store.set_api_key(int(user["id"]), api_key)
        user = store.user_by_name(username)
        assert user is not None
    return user


def _uvicorn_config(app: LocalApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http="h11",
        ws="none",
        lifespan="off",
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


def _listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening: from here on the kernel
    queues connections, so a client that read the printed URL never meets a refusal
    while uvicorn starts."""
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets
    # whose proto says TCP, and without it every keep-alive response waits ~40 ms.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


class _ThreadedUvicorn(uvicorn.Server):
    """uvicorn.Server that notices ``should_exit`` within 10 ms (stock: 100 ms), so
    test fixtures that start and stop many servers stay fast."""

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            await asyncio.sleep(0.01)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Stop accepting and close connections, without uvicorn's fixed 100 ms grace sleep."""
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()


class LocalServer:
    """A W&B-compatible GraphQL server on ``127.0.0.1`` in a daemon thread.

    ::

        with LocalServer() as server:
            server.seed_demo()
            client = Client(base_url=server.base_url, api_key=server.api_key)

    ``port=0`` picks a free port.  ``db_path=None`` keeps the data in memory (artifact
    contents too); with a file, artifact contents are files in ``<db_path>.blobs/``
    beside it, which belong with the database when it is copied or moved.
    ``file_host`` makes file URLs use another host name for this same server
    (e.g. ``"localhost"``) so tests can check credentials are not forwarded.
    ``limits`` bounds each request (body sizes, query depth and cost; see
    ``ServerLimits``).  ``add_user`` creates more users (the first one is an admin).
    """

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        username: str = "demo",
        faults: FaultPlan | None = None,
        file_host: str | None = None,
        limits: ServerLimits | None = None,
    ) -> None:
        self.store: Store = Store(db_path)
        user = _ensure_user(self.store, username, api_key)
        self.api_key: str = str(user["api_key"])
        self.username: str = username
        self.entity: str = username
        self.requests: RequestLog = RequestLog()
        """Every request this server saw, in order, with assertion helpers."""
        self.app: LocalApp = LocalApp(
            self.store,
            faults=faults or FaultPlan(),
            file_host=file_host,
            requests=self.requests,
            limits=limits,
        )
        self.host: str = host
        self._requested_port = port
        self.port: int = 0
        self._server: _ThreadedUvicorn | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self, timeout: float = 60.0) -> LocalServer:
        """Bind, start uvicorn in a daemon thread and wait until it accepts requests
        (``timeout`` only bounds a failure to start: a busy machine may be slow)."""
        if self._thread is not None:
            return self
        sock = _listening_socket(self.host, self._requested_port)
        self.port = int(sock.getsockname()[1])
        server = _ThreadedUvicorn(_uvicorn_config(self.app, self.host, self.port))
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name="wandb-typed-local-server",
            daemon=True,
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("the local W&B server failed to start")
            time.sleep(0.005)
        return self

    def close(self) -> None:
        """Stop the server thread and close the database."""
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True  # do not wait for idle keep-alive connections
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None
        self.store.close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ conveniences
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash); valid once started."""
        if not self.port:
            raise RuntimeError("the server is not started; use `with LocalServer() as server:`")
        return f"http://{self.host}:{self.port}"

    @property
    def faults(self) -> FaultPlan:
        """The live fault plan; mutate it or assign a new one at any time."""
        return self.app.faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        self.app.faults = plan

    def seed_demo(self, **options: int) -> DemoInfo:
        """Load the demo data (see ``wandb_typed.testing._demo``) into this user's entity."""
        return seed_demo(self.store, entity=self.entity, **options)

    def add_user(
        self,
        username: str,
        api_key: str | None = None,
        *,
        admin: bool = False,
        email: str | None = None,
    ) -> str:
        """Create another user (with a personal entity of the same name); returns its
        API key.  Users see each other's public projects, not private ones; an
        ``admin`` also sees e-mail addresses and may reset ``/_local/stats``."""
        row = self.store.create_user(username, api_key=api_key, admin=admin, email=email)
        return str(row["api_key"])

    def __repr__(self) -> str:
        where = self.base_url if self.port else "not started"
        return f"<LocalServer {where} entity={self.entity!r}>"


def serve(
    port: int = 8080,
    db: str | Path = "wandb-local.db",
    seed: str | None = None,
    *,
    host: str = "127.0.0.1",
    username: str = "demo",
    fault_rate: float = 0.0,
    fault_seed: int = 0,
    fault_when: Literal["before", "after"] = "before",
) -> None:
    """Serve ``db`` on ``host:port`` until interrupted (``wandb-typed serve``); artifact
    contents live in ``<db>.blobs/`` beside it.

    ``seed="demo"`` loads the demo data unless the user's entity already has
    projects.  ``fault_rate`` fails that share of ``/graphql`` requests with every
    fault kind (see ``FaultPlan``; ``GET /_local/stats`` counts them), for trying a
    client's resilience; ``fault_when="after"`` executes a failed request first (a
    mutation takes effect, then its answer is lost).  Prints the base URL and the
    API key on start.
    """
    if seed not in (None, "demo"):
        raise ValueError(f"unknown seed {seed!r}; the only seed is 'demo'")
    store = Store(db)
    # uvicorn stops on SIGTERM, then re-raises it: with the default action the process
    # died before `finally`, leaving the database's -wal/-shm files behind.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm) if in_main else None
    try:
        user = _ensure_user(store, username, None)
        if seed == "demo" and not store.projects_page(username, 1, None).rows:
            seed_demo(store, entity=username)
        faults = FaultPlan(
            rate=fault_rate, seed=fault_seed, retry_after=0.2, slow_seconds=1.0, when=fault_when
        )
        app = LocalApp(store, faults=faults)
        sock = _listening_socket(host, port)  # before the URL is printed: see its docstring
        print(f"W&B-compatible server on http://{host}:{port}", flush=True)
        print(f"  entity:  {username}", flush=True)
        if fault_rate:
            print(
                f"  faults:  {fault_rate:.0%} of /graphql requests (seed {fault_seed}, "
                f"{fault_when} execution)",
                flush=True,
            )
        print(f"  API key: {user['api_key']}", flush=True)
        print(
            f"  use: WANDB_BASE_URL=http://{host}:{port} WANDB_API_KEY={user['api_key']}",
            flush=True,
        )
        uvicorn.Server(_uvicorn_config(app, host, port)).run(sockets=[sock])
    finally:
        store.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends ``serve()`` like Ctrl-C: through its cleanup, with status 0."""
    raise SystemExit(0)
