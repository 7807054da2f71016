"""Server subprocesses: ``wandb-typed serve`` on a free port (the seeded database), and
the small JSON helper every side uses to read its ``/_local`` routes."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from .common import API_KEY, PYTHON, ROOT, Json


def free_port() -> int:
    """A TCP port free on 127.0.0.1 (for a server subprocess to bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(url: str, method: str = "GET") -> Json:
    """GET or POST a JSON route (with the seeded admin's key: ``/_local/stats`` needs a
    key, and resetting it an admin's)."""
    request = urllib.request.Request(
        url,
        method=method,
        data=b"" if method == "POST" else None,
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.loads(response.read())
    assert isinstance(data, dict)
    return data


class Daemon:
    """A server subprocess on a free port, ready once ``GET /healthz`` answers."""

    def __init__(self, args: Sequence[str], log: Path, what: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("wb")
        cmd = [PYTHON, *args, "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError(f"{what} did not start; see {log}") from None
                time.sleep(0.05)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class Server(Daemon):
    """``wandb-typed serve`` in a subprocess (``extra``: more CLI flags, e.g. faults)."""

    def __init__(self, db: Path, log: Path, extra: Sequence[str] = ()) -> None:
        args = ["-m", "wandb_typed.cli", "serve", "--db", str(db), *extra]
        super().__init__(args, log, "the server")


class LatencyProxy(Daemon):
    """``latency_proxy.py`` in a subprocess: ``upstream`` behind ``rtt_ms`` of round trip."""

    def __init__(self, upstream: str, log: Path, rtt_ms: float) -> None:
        script = Path(__file__).resolve().parent / "latency_proxy.py"
        args = [str(script), upstream, "--rtt-ms", str(rtt_ms)]
        super().__init__(args, log, "the latency proxy")
        self.rtt_ms = rtt_ms
