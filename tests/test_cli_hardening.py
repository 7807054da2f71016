"""Regression tests for the CLI findings of the second hostile-input audit (issue
17: N3, N4, N11, CSV cells that a spreadsheet runs). Each failed before its fix. The
command runs as a subprocess (``python -m wandb_typed.cli``), as users run it.
"""

from __future__ import annotations

import csv
import http.server
import io
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wandb_typed.testing import LocalServer

#: Starts a tool or a process: left out of the inner loop (pytest -m "not tooling").
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli", *args],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
        env=env if env is not None else dict(os.environ),
    )  # fmt: skip


def one_line(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert words in result.stderr, result.stderr


def env_for(base_url: str | None, key: str | None) -> dict[str, str]:
    """The environment of a user whose settings name ``base_url`` and ``key`` only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "NETRC"))}
    env["HOME"] = "/nonexistent"
    if base_url is not None:
        env["WANDB_BASE_URL"] = base_url
    if key is not None:
        env["WANDB_API_KEY"] = key
    return env


RUNS = ("runs", "demo/mnist", "--fields", "id,name", "--format", "csv", "-o")


# -- N3: -o writes through symlinks and special files ---------------------------------------


def test_n3_a_symlink_is_written_through_not_replaced(
    wandb_env: LocalServer, tmp_path: Path
) -> None:
    target = tmp_path / "target.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = cli(*RUNS, str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("id,name\n")


def test_n3_a_fifo_gets_the_output_and_stays_a_fifo(wandb_env: LocalServer, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # Held open for reading and writing: the command's open never blocks, and what it
    # writes (a few KiB) waits in the pipe's buffer. Nothing waits on time.
    held = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    try:
        result = cli(*RUNS, str(fifo))
        try:
            got = os.read(held, 1 << 20)
        except BlockingIOError:  # nothing was written into the FIFO
            got = b""
    finally:
        os.close(held)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got.startswith(b"id,name\n")


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device node needs root (CI runs as root)")
def test_n3_a_device_node_is_written_through_not_replaced(
    wandb_env: LocalServer, tmp_path: Path
) -> None:
    null = tmp_path / "null"  # a second /dev/null, so the real one is never at risk
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = cli(*RUNS, str(null))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_n3_a_regular_file_is_replaced_whole_and_keeps_its_mode(
    wandb_env: LocalServer, tmp_path: Path
) -> None:
    out = tmp_path / "runs.csv"
    out.write_text("old\n")
    out.chmod(0o600)
    result = cli(*RUNS, str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("id,name\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.csv"]  # no .part left


def test_n3_schema_fetch_writes_through_a_symlink_too(
    wandb_server: LocalServer, tmp_path: Path
) -> None:
    target = tmp_path / "schema.graphql"
    link = tmp_path / "link.graphql"
    link.symlink_to(target)
    env = env_for(wandb_server.base_url, wandb_server.api_key)
    result = cli("schema", "fetch", wandb_server.base_url, "-o", str(link), env=env)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and "type Query" in target.read_text()


# -- N4: schema fetch sends the key to the configured server only ----------------------------


def test_n4_the_key_is_not_sent_to_a_url_that_is_not_the_configured_server(
    wandb_server: LocalServer,
) -> None:
    elsewhere = env_for("http://127.0.0.1:9", wandb_server.api_key)  # configured: another server
    since = len(wandb_server.requests)
    result = cli("schema", "fetch", wandb_server.base_url, env=elsewhere)
    one_line(result, 1, "--send-key")
    sent = [r for r in wandb_server.requests[since:] if r.path == "/graphql"]
    assert len(sent) == 1 and not sent[0].had_authorization
    assert wandb_server.api_key not in result.stderr


def test_n4_the_key_goes_to_the_configured_server_or_with_send_key(
    wandb_server: LocalServer,
) -> None:
    since = len(wandb_server.requests)
    configured = cli(
        "schema",
        "fetch",
        wandb_server.base_url,
        env=env_for(wandb_server.base_url, wandb_server.api_key),
    )
    assert configured.returncode == 0, configured.stderr
    elsewhere = env_for("http://127.0.0.1:9", wandb_server.api_key)
    opted = cli("schema", "fetch", wandb_server.base_url, "--send-key", env=elsewhere)
    assert opted.returncode == 0, opted.stderr
    sent = [r for r in wandb_server.requests[since:] if r.path == "/graphql"]
    assert [r.had_authorization for r in sent] == [True, True]
    assert "--send-key" in cli("schema", "fetch", "--help").stdout


def test_n4_scripts_fetch_schema_sends_no_environment_key_to_another_url(
    wandb_server: LocalServer,
) -> None:
    since = len(wandb_server.requests)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fetch_schema.py"), "--base-url", wandb_server.base_url],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env=env_for("http://127.0.0.1:9", wandb_server.api_key),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # asked without a key: 401
    sent = [r for r in wandb_server.requests[since:] if r.path == "/graphql"]
    assert len(sent) == 1 and not sent[0].had_authorization


# -- N11: one line, never a traceback ----------------------------------------------------------


def test_n11_a_filter_nested_5000_deep_is_one_line(wandb_env: LocalServer) -> None:
    deep = '{"$and": [' * 5000 + "{}" + "]}" * 5000
    one_line(cli("runs", "demo/mnist", "--filter", deep), 2, "--filter")


def test_n11_serve_with_a_port_out_of_range_is_one_line() -> None:
    one_line(cli("serve", "--port", "99999"), 2, "not within 1-65535")


def test_n11_serve_with_a_db_under_a_regular_file_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    one_line(
        cli("serve", "--port", "1", "--db", str(blocker / "w.db")), 1, "cannot use the database"
    )


class _DeepJson(http.server.BaseHTTPRequestHandler):
    """Answers every POST with JSON nested 100,000 levels deep."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        body = b"[" * 100_000 + b"]" * 100_000
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def deep_json_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _DeepJson)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_n11_schema_fetch_of_deeply_nested_json_is_one_line(deep_json_server: str) -> None:
    result = cli("schema", "fetch", deep_json_server, env=env_for(deep_json_server, None))
    one_line(result, 1, "did not answer with a GraphQL JSON object")


# -- CSV cells a spreadsheet would run as formulas ------------------------------------------------


@pytest.mark.wandb_server(fresh=True)
def test_csv_cells_are_written_as_they_are_or_escaped_on_request(
    wandb_env: LocalServer, tmp_path: Path
) -> None:
    store = wandb_env.store
    store.create_project("demo", "cells")
    formula = '=HYPERLINK("http://x","y")'
    store.create_run("demo", "cells", name="r1", display_name=formula, config={"lr": -0.5})
    fields = ("--fields", "id,name,config.lr", "--format", "csv")
    plain = cli("runs", "demo/cells", *fields)
    assert plain.returncode == 0, plain.stderr
    assert list(csv.reader(io.StringIO(plain.stdout)))[1] == ["r1", formula, "-0.5"]
    escaped = cli("runs", "demo/cells", *fields, "--csv-escape")
    assert escaped.returncode == 0, escaped.stderr
    assert list(csv.reader(io.StringIO(escaped.stdout)))[1] == ["r1", "'" + formula, "-0.5"]
    assert "--csv-escape" in cli("runs", "--help").stdout
    assert "--csv-escape" in cli("history", "--help").stdout
