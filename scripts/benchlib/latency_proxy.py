"""A TCP proxy that puts a wide-area round trip between a client and the server.

    python scripts/benchlib/latency_proxy.py http://127.0.0.1:8080 --rtt-ms 50 --port 9000

Every byte is delayed by half the round trip in each direction, in order, so a request
and its response cost one round trip (``--rtt-ms``) however the client pipelines
them, and a new connection costs one more (the TCP handshake); bandwidth is not
limited. It runs on its own (a standalone script, no imports from ``benchlib``) in a
subprocess of the benchmark driver, so its CPU is neither client's. Being transparent
(bytes, not HTTP), it forwards the ``Host`` header unchanged: the server hands out
file URLs on the proxy's address, so downloads pay the round trip too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from urllib.parse import urlsplit

CHUNK = 256 * 1024


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, one_way: float) -> None:
    """Copy ``reader`` to ``writer``, each chunk released ``one_way`` seconds after it
    arrived (order kept; a reader task and a writer task, so a delay never slows the
    bytes behind it).

    An end of input is passed on once the bytes before it are out: a clean one as an
    EOF, a reset as a reset (``abort``). Dropping a reset instead would leave the far
    end waiting on an open connection for bytes that never come (a client stalled to
    its read timeout) and lose the bytes still in the delay queue."""
    queue: asyncio.Queue[tuple[float, bytes | None]] = asyncio.Queue()

    async def read() -> None:
        while True:
            try:
                data: bytes | None = await reader.read(CHUNK)
            except (ConnectionError, OSError):
                data = None  # reset: passed on as a reset, after what came before it
            await queue.put((time.monotonic() + one_way, data))
            if not data:
                return

    async def write() -> None:
        while True:
            release, data = await queue.get()
            wait = release - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                writer.transport.abort()
                return
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    tasks = [asyncio.ensure_future(read()), asyncio.ensure_future(write())]
    try:
        await asyncio.gather(*tasks)
    except (ConnectionError, OSError):  # the far end is gone: so is this direction
        writer.transport.abort()
    finally:
        for task in tasks:
            task.cancel()


async def _serve(upstream: str, port: int, rtt: float) -> None:
    """Accept on ``127.0.0.1:port`` and forward each connection to ``upstream``."""
    target = urlsplit(upstream)
    host, up_port = target.hostname or "127.0.0.1", target.port or 80

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        await asyncio.sleep(rtt)  # the TCP handshake: one round trip before any data
        try:
            server_r, server_w = await asyncio.open_connection(host, up_port)
        except OSError:
            client_w.close()
            return
        try:
            await asyncio.gather(
                _pump(client_r, server_w, rtt / 2), _pump(server_r, client_w, rtt / 2)
            )
        finally:
            for w in (server_w, client_w):
                w.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
    async with server:
        await server.serve_forever()


def main() -> None:
    """The command line: upstream URL, ``--rtt-ms`` and ``--port``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("upstream", help="the server's base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--rtt-ms", type=float, default=50.0, help="round trip added (50)")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.upstream, args.port, args.rtt_ms / 1000))


if __name__ == "__main__":
    main()
