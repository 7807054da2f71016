"""The latency benchmark's proxy (``scripts/benchlib/latency_proxy.py``) passes on a
server's reset after the bytes before it: the reply arrives and the connection ends.

Before, a reset dropped the replies still held back by the delay and left the client's
side open, so the client waited out its read timeout (the 19 s stalls BENCHMARKS.md
recorded in downloads through the proxy)."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest

PROXY = Path(__file__).resolve().parent.parent / "scripts" / "benchlib" / "latency_proxy.py"

#: Starts a process (the proxy): left out of the inner loop.
pytestmark = pytest.mark.tooling

REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_a_reset_after_the_reply_reaches_the_client_after_the_reply() -> None:
    upstream = socket.socket()
    upstream.bind(("127.0.0.1", 0))
    upstream.listen()

    def serve() -> None:
        conn, _ = upstream.accept()
        conn.recv(65536)
        conn.sendall(REPLY)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # a reset, while the proxy still holds the reply back

    threading.Thread(target=serve, daemon=True).start()
    port = free_port()
    proxy = subprocess.Popen(
        [sys.executable, str(PROXY), f"http://127.0.0.1:{upstream.getsockname()[1]}",
         "--rtt-ms", "100", "--port", str(port)],
    )  # fmt: skip
    try:
        while True:  # until the proxy listens
            try:
                client = socket.create_connection(("127.0.0.1", port))
                break
            except ConnectionRefusedError:
                assert proxy.poll() is None, "the proxy exited"
        client.settimeout(60)  # a safety net only: the proxy ends the connection itself
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        ended = ""
        while not ended:
            try:
                data = client.recv(65536)
            except ConnectionResetError:
                ended = "reset"
            else:
                received += data
                ended = "" if data else "eof"
        assert received == REPLY
        client.close()
    finally:
        proxy.kill()
        proxy.wait()
        upstream.close()
