#!/usr/bin/env python
"""The record/replay HTTP server of ``scripts/bench.py``'s client-only benchmark.

The client-only benchmark takes the local server's cost out of the runs listing: a
recording proxy in front of the real server stores every response under the hash of its
request; a replay server (this script, in its own subprocess) then answers every request
from memory. Both are the same small asyncio HTTP/1.1 server; with ``upstream`` set it
forwards what it has not seen and records the answer, without it an unknown request gets
a 404 naming the body's hash and operation.

    python scripts/bench_replay.py '{"file": "replay.pickle", "upstream": null}' --port 8123

``/_local/stats`` counts traffic as the local server does, ``/_local/replay`` shows the
match counters and ``POST /_local/replay/save`` writes the recording.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import http
import http.client
import json
import pickle
import re
import sys
import urllib.parse
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Recorded", "ReplayStore", "main", "normalised_key", "operation_of", "raw_key"]

Json = dict[str, Any]

_OPERATION = re.compile(r"\b(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)")


def raw_key(method: str, path: str, body: bytes) -> str:
    """The recording key: SHA-256 of method, path and the request body, byte for byte."""
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


def normalised_key(method: str, path: str, body: bytes) -> str | None:
    """The fallback key: the body parsed as JSON and written again with sorted keys and no
    whitespace (so key order and spacing do not matter), and the GraphQL document with its
    whitespace runs collapsed. ``None`` if the body is not a JSON object."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("query"), str):
        payload["query"] = " ".join(payload["query"].split())
    if not payload.get("operationName"):
        payload.pop("operationName", None)  # wandb-core sends "" (the same as none)
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return raw_key(method, path, canonical.encode())


def operation_of(body: bytes) -> str:
    try:
        payload = json.loads(body)
    except ValueError:
        return "(not JSON)"
    if not isinstance(payload, dict):
        return "(not a JSON object)"
    name = payload.get("operationName")
    if isinstance(name, str) and name:
        return name
    found = _OPERATION.search(str(payload.get("query") or ""))
    return found.group(1) if found else "(anonymous)"


@dataclass(frozen=True)
class Recorded:
    raw: str
    normalised: str | None
    operation: str
    status: int
    content_type: str
    body: bytes


_HOP_BY_HOP = frozenset(
    {"host", "connection", "keep-alive", "content-length", "transfer-encoding", "accept-encoding"}
)


class ReplayStore:
    """Recorded responses by key, traffic counters, and forwarding in record mode."""

    def __init__(self, file: Path, upstream: str | None) -> None:
        self.file = file
        self.upstream = urllib.parse.urlsplit(upstream) if upstream else None
        self.by_raw: dict[str, Recorded] = {}
        self.by_normalised: dict[str, Recorded] = {}
        self.counters: dict[str, int] = dict.fromkeys(
            ("raw", "normalised", "forwarded", "unknown"), 0
        )
        self.stats: dict[str, list[int]] = {}
        self._conn: http.client.HTTPConnection | None = None
        if file.exists():
            with file.open("rb") as f:
                for item in pickle.load(f):
                    self._add(Recorded(*item))

    def _add(self, item: Recorded) -> None:
        self.by_raw[item.raw] = item
        if item.normalised is not None:
            self.by_normalised.setdefault(item.normalised, item)

    def save(self) -> int:
        items = [astuple(r) for r in self.by_raw.values()]  # plain tuples: no class lookup
        with self.file.open("wb") as f:
            pickle.dump(items, f, protocol=pickle.HIGHEST_PROTOCOL)
        return len(items)

    def summary(self) -> Json:
        return {
            "entries": len(self.by_raw),
            "response_bytes": sum(len(r.body) for r in self.by_raw.values()),
            **self.counters,
        }

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Recorded:
        assert self.upstream is not None
        sent = {k: v for k, v in headers.items() if k not in _HOP_BY_HOP}
        sent["accept-encoding"] = "identity"
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(
                    self.upstream.hostname or "127.0.0.1", self.upstream.port, timeout=600
                )
            try:
                self._conn.request(method, path, body=body, headers=sent)
                response = self._conn.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self._conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        return Recorded(
            raw=raw_key(method, path, body),
            normalised=normalised_key(method, path, body),
            operation=operation_of(body),
            status=response.status,
            content_type=response.getheader("content-type") or "application/json",
            body=data,
        )

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes]:
        """One request: ``(status, content type, body)``."""
        if path == "/healthz":
            return 200, "text/plain", b"ok"
        if path.startswith("/_local/"):
            return self._control(method, path)
        found = self.by_raw.get(raw_key(method, path, body))
        if found is not None:
            self.counters["raw"] += 1
        else:
            normal = normalised_key(method, path, body)
            found = self.by_normalised.get(normal) if normal is not None else None
            if found is not None:
                self.counters["normalised"] += 1
            elif self.upstream is not None:
                found = self._forward(method, path, headers, body)
                self.counters["forwarded"] += 1
                self._add(found)
            else:
                self.counters["unknown"] += 1
                message = (
                    f"replay: no recorded response for {method} {path} "
                    f"(operation {operation_of(body)}, body sha256 "
                    f"{hashlib.sha256(body).hexdigest()[:16]}, {len(body)} bytes); "
                    "the recording pass did not send this request"
                )
                print(message, file=sys.stderr, flush=True)
                return (
                    404,
                    "application/json",
                    json.dumps({"errors": [{"message": message}]}).encode(),
                )
        counts = self.stats.setdefault(found.operation, [0, 0, 0])
        counts[0] += 1
        counts[1] += len(body)
        counts[2] += len(found.body)
        return found.status, found.content_type, found.body

    def _control(self, method: str, path: str) -> tuple[int, str, bytes]:
        """``/_local/stats`` (as the local server serves it), ``/_local/replay`` (counters)
        and ``POST /_local/replay/save`` (write the recording)."""
        out: Json
        if path == "/_local/stats" or (method == "POST" and path == "/_local/stats/reset"):
            keys = ("requests", "request_bytes", "response_bytes")
            ops = {name: dict(zip(keys, c, strict=True)) for name, c in sorted(self.stats.items())}
            total = {k: sum(op[k] for op in ops.values()) for k in keys}
            out = {"operations": ops, "total": total}
            if method == "POST":
                self.stats = {}
        elif path == "/_local/replay":
            out = self.summary()
        elif method == "POST" and path == "/_local/replay/save":
            out = {**self.summary(), "saved": self.save(), "file": str(self.file)}
        else:
            return 404, "application/json", b'{"errors":[{"message":"no such route"}]}'
        return 200, "application/json", json.dumps(out).encode()


class _ReplayConnection(asyncio.Protocol):
    """Minimal HTTP/1.1 with keep-alive: Content-Length bodies only (both clients send
    those), no chunked requests."""

    def __init__(self, store: ReplayStore) -> None:
        self.store = store
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.continued = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def _reply(self, status: int, content_type: str, body: bytes, close: bool) -> None:
        assert self.transport is not None
        reason = http.HTTPStatus(status).phrase
        head = (
            f"HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\n"
            f"content-length: {len(body)}\r\nconnection: {'close' if close else 'keep-alive'}"
            "\r\n\r\n"
        )
        self.transport.write(head.encode("latin-1") + body)
        if close:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self.transport is not None and not self.transport.is_closing():
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
            method, target, version = lines[0].split(" ", 2)
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "chunked" in headers.get("transfer-encoding", "").lower():
                self._reply(501, "text/plain", b"replay: chunked request bodies unsupported", True)
                return
            length = int(headers.get("content-length") or 0)
            if len(self.buf) < end + 4 + length:
                if headers.get("expect", "").lower() == "100-continue" and not self.continued:
                    self.continued = True
                    self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return
            body = bytes(self.buf[end + 4 : end + 4 + length])
            del self.buf[: end + 4 + length]
            self.continued = False
            path = target.split("?", 1)[0]
            close = version == "HTTP/1.0" or headers.get("connection", "").lower() == "close"
            status, content_type, out = self.store.handle(method, path, headers, body)
            self._reply(status, content_type, out, close)


def replay_server_main(spec_text: str, port: int) -> int:
    """``--replay-server '{"file": ..., "upstream": ...}' --port N``: serve until killed."""
    spec = json.loads(spec_text)
    upstream = spec.get("upstream")
    store = ReplayStore(Path(spec["file"]), str(upstream) if upstream else None)
    mode = f"recording from {upstream}" if upstream else "replaying"
    print(f"replay server: {mode}, {len(store.by_raw)} entries, port {port}", flush=True)

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _ReplayConnection(store), "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("spec", help='JSON: {"file": path, "upstream": url or null}')
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    return replay_server_main(args.spec, int(args.port))


if __name__ == "__main__":
    sys.exit(main())
