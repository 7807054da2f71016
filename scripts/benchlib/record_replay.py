"""The record/replay server of the client-only (``replay``) benchmark, driven from
here: ``scripts/bench_replay.py`` run as a subprocess, as a recording proxy in front of
the live server or as a replay server answering from the recording."""

from __future__ import annotations

import json
from pathlib import Path

import bench_replay as replay_server  # scripts/bench_replay.py: the record/replay server

from .common import Json
from .server import Daemon, http_json


class ReplayServer(Daemon):
    """The record/replay server (``scripts/bench_replay.py``) in a subprocess."""

    def __init__(self, file: Path, log: Path, upstream: str | None = None) -> None:
        spec = json.dumps({"file": str(file), "upstream": upstream})
        mode = "recording proxy" if upstream else "replay server"
        super().__init__([str(Path(replay_server.__file__).resolve()), spec], log, mode)

    def summary(self) -> Json:
        return http_json(f"{self.url}/_local/replay")

    def save(self) -> Json:
        return http_json(f"{self.url}/_local/replay/save", "POST")
