"""What the server saw: every request as a :class:`RecordedRequest` (tests assert on
them), traffic counters per operation, and the ``/_local/stats`` routes that serve
them (``scripts/bench.py`` reads them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._asgi import Send, error_body, finish, json_bytes
from ._auth import AppAuth, unauthorized
from ._faults import FaultPlan

__all__ = ["OperationStats", "RecordedRequest", "RequestLog", "StatsRoutes"]


@dataclass
class RecordedRequest:
    """One request as the server saw it (``status`` is filled in when answered)."""

    path: str
    operation_name: str | None
    variables: dict[str, Any] | None
    status: int
    had_authorization: bool
    method: str = "POST"
    host: str | None = None
    fault: str | None = None
    request_bytes: int = 0
    response_bytes: int = 0


class RequestLog(list[RecordedRequest]):
    """Every request the server saw, in order (``LocalServer.requests``): a list, with
    the assertions tests reach for, as pytest-httpx users know them::

        server.requests.reset()
        list(api.runs("demo/mnist", per_page=50))
        server.requests.assert_count("RunPage", 4)      # one request per page
        assert server.requests.operations() == ["Viewer", "RunPage", ...]
        server.requests.graphql("UpsertRun")            # the requests of one operation
        server.requests.files()                         # file and artifact routes
    """

    def reset(self) -> None:
        """Forget what was recorded (``clear()``), e.g. after a test's setup."""
        self.clear()

    def graphql(self, operation_name: str | None = None) -> list[RecordedRequest]:
        """The ``/graphql`` requests, or those of one operation."""
        return [
            r
            for r in self
            if r.path == "/graphql"
            and (operation_name is None or r.operation_name == operation_name)
        ]

    def operations(self) -> list[str | None]:
        """The operation name of each ``/graphql`` request, in order."""
        return [r.operation_name for r in self.graphql()]

    def files(self) -> list[RecordedRequest]:
        """The requests of the file routes (run files, artifact files and manifests)."""
        return [r for r in self if r.path.startswith(("/files/", "/artifact", "/artifacts/"))]

    def assert_count(self, operation_name: str, expected: int) -> None:
        """Fail unless ``operation_name`` was sent exactly ``expected`` times (retries
        included), saying what was sent instead."""
        seen = len(self.graphql(operation_name))
        if seen != expected:
            raise AssertionError(
                f"{operation_name}: expected {expected} request(s), the server saw {seen}; "
                f"operations in order: {self.operations()}"
            )


@dataclass
class OperationStats:
    """Traffic of one operation, as served by ``GET /_local/stats``."""

    requests: int = 0
    request_bytes: int = 0
    response_bytes: int = 0

    def add(self, record: RecordedRequest) -> None:
        """Count one answered request and its body bytes."""
        self.requests += 1
        self.request_bytes += record.request_bytes
        self.response_bytes += record.response_bytes


class StatsRoutes(AppAuth):
    """``GET /_local/stats`` and ``POST /_local/stats/reset`` over ``stats``."""

    stats: dict[str, OperationStats]
    faults: FaultPlan

    async def _stats_route(
        self, send: Send, record: RecordedRequest, headers: dict[str, str]
    ) -> None:
        """``GET /_local/stats`` (any user) and ``POST /_local/stats/reset`` (admins)."""
        route = (record.method, record.path)
        if route not in (("GET", "/_local/stats"), ("POST", "/_local/stats/reset")):
            body = error_body(f"no route for {record.method} {record.path}")
            await finish(send, record, 404, body)
            return
        user = self._authenticate(headers)
        if user is None:
            await unauthorized(send, record, headers)
            return
        if record.method == "POST" and not user["admin"]:
            await finish(send, record, 403, error_body("resetting stats needs an admin"))
            return
        snapshot = self.stats_snapshot()
        if record.method == "POST":
            self.stats = {}
        await finish(send, record, 200, json_bytes(snapshot))

    def stats_snapshot(self) -> dict[str, Any]:
        """The counters as ``GET /_local/stats`` serves them."""
        total = OperationStats()
        operations: dict[str, dict[str, int]] = {}
        for name in sorted(self.stats):
            op = self.stats[name]
            operations[name] = vars(op).copy()
            total.requests += op.requests
            total.request_bytes += op.request_bytes
            total.response_bytes += op.response_bytes
        faults = dict(sorted(self.faults.injected.items()))
        return {"operations": operations, "total": vars(total).copy(), "faults": faults}
