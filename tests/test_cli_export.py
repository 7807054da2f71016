"""``wandb-typed runs`` and ``wandb-typed history``, run as a subprocess against the
plugin's local server (``wandb_env`` points the command's settings at it); every
file is read back and compared with what the Api returns.

Exit codes: 0 done, 1 an error of the server or the user's settings, 2 a usage error;
one line on stderr, never a traceback.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import math
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest

from wandb_typed import Api, Run
from wandb_typed.testing import DemoInfo, LocalServer
from wandb_typed.types import JSONValue

#: Starts a tool or a process: left out of the inner loop (pytest -m "not tooling").
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent
FIELDS = "id,name,state,created_at,tags,user,config.lr,config.model.name,summary.acc,summary.best"


def cli(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """``wandb-typed ARGS`` (or ``python -c CODE`` then ``main(ARGS)``) in a subprocess."""
    command = [sys.executable, "-m", "wandb_typed.cli", *args]
    if code is not None:
        command = [sys.executable, "-c", f"{code}\nfrom wandb_typed.cli import main\n"
                   f"import sys\nsys.exit(main({list(args)!r}))"]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar: stderr is not a terminal
    return result.stdout


def failed(result: subprocess.CompletedProcess[str], code: int, message: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def long_run(api: Api, demo: DemoInfo) -> Run:
    """The demo run with the longest history (the plugin seeds what ``seed_demo()`` does)."""
    return api.run(f"demo/{demo.long_history_project}/{demo.long_history_run}")


def row_groups(rows: int, page_size: int, row_group_rows: int) -> list[int]:
    """The row groups a Parquet export of ``rows`` history rows writes: whole pages,
    flushed once they hold at least ``row_group_rows`` rows."""
    groups, pending = [], 0
    for start in range(0, rows, page_size):
        pending += min(page_size, rows - start)
        if pending >= row_group_rows:
            groups.append(pending)
            pending = 0
    return [*groups, pending] if pending else groups


def number(text: str, value: JSONValue) -> bool:
    """A CSV cell holds ``value`` (numbers compared as numbers; NaN equals NaN)."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, (int, float)):
        parsed = float(text)
        return (math.isnan(parsed) and math.isnan(value)) or parsed == value
    if isinstance(value, str):
        return text == value
    return bool(json.loads(text) == value)


# ---------------------------------------------------------------- runs


def expected_runs(api: Api, **kwargs: Any) -> list[Run]:
    return list(api.runs("demo/mnist", **kwargs))


def test_runs_csv_round_trip(
    wandb_env: LocalServer, wandb_api: Api, tmp_path: Path, demo: DemoInfo
) -> None:
    out = tmp_path / "runs.csv"
    assert ok(cli("runs", "demo/mnist", "--fields", FIELDS, "-o", str(out))) == ""
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    runs = expected_runs(wandb_api)
    assert len(rows) == len(runs) == demo.run_counts["mnist"]
    assert list(rows[0]) == FIELDS.split(",")
    for row, run in zip(rows, runs, strict=True):
        assert (row["id"], row["name"], row["state"]) == (
            run.id,
            run.name,
            run.state and run.state.value,
        )
        assert row["created_at"] == run.created_at.isoformat()
        assert json.loads(row["tags"]) == run.tags
        assert row["user"] == (run.user.username if run.user else "")
        assert number(row["config.lr"], run.config["lr"])
        model = run.config["model"]
        assert isinstance(model, dict) and row["config.model.name"] == model["name"]
        assert number(row["summary.acc"], run.summary.get("acc"))
        assert json.loads(row["summary.best"]) == run.summary["best"]
    assert [p.name for p in tmp_path.iterdir()] == ["runs.csv"]  # no .part left behind


def test_runs_jsonl_with_filter_and_descending_order(
    wandb_env: LocalServer, wandb_api: Api, demo: DemoInfo
) -> None:
    args = ("--filter", '{"state": "finished", "config.lr": {"$gte": 0.001}}',
            "--order", "-summary_metrics.acc", "--fields", FIELDS, "--format", "jsonl")  # fmt: skip
    lines = ok(cli("runs", "demo/mnist", *args)).splitlines()
    runs = expected_runs(
        wandb_api, filters={"state": "finished", "config.lr": {"$gte": 0.001}},
        order="-summary_metrics.acc",
    )  # fmt: skip
    assert 0 < len(lines) == len(runs) < demo.run_counts["mnist"]
    for line, run in zip(lines, runs, strict=True):
        record = json.loads(line)
        assert list(record) == FIELDS.split(",")
        assert record["id"] == run.id
        assert record["created_at"] == run.created_at.isoformat()
        assert record["config.lr"] == run.config["lr"]
        assert record["summary.acc"] == run.summary["acc"]
        assert record["summary.best"] == run.summary["best"]
    accs = [json.loads(line)["summary.acc"] for line in lines]
    assert accs == sorted(accs, reverse=True)


def test_runs_parquet_round_trip(
    wandb_env: LocalServer, wandb_api: Api, tmp_path: Path, demo: DemoInfo
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "runs.parquet"  # the format comes from the suffix
    ok(cli("runs", "demo/mnist", "--fields", FIELDS, "-o", str(out), "--per-page", "120"))
    table = pq.read_table(out)
    types = {f.name: f.type for f in table.schema}
    assert types["created_at"] == pa.timestamp("us", tz="UTC")
    assert types["tags"] == pa.list_(pa.string())
    assert types["config.lr"] == pa.float64()
    assert types["state"] == types["config.model.name"] == types["summary.best"] == pa.string()
    assert pq.ParquetFile(out).metadata.num_rows == demo.run_counts["mnist"]
    runs = expected_runs(wandb_api)
    for record, run in zip(table.to_pylist(), runs, strict=True):
        assert record["id"] == run.id
        assert record["created_at"] == run.created_at
        assert record["tags"] == run.tags
        assert record["config.lr"] == run.config["lr"]
        assert record["summary.acc"] == run.summary.get("acc")
        assert json.loads(record["summary.best"]) == run.summary["best"]


def test_runs_table_and_light_listing(
    wandb_env: LocalServer, wandb_api: Api, tmp_path: Path
) -> None:
    args = ("runs", "demo/mnist", "--light", "--filter", '{"state": "crashed"}')
    piped = ok(cli(*args)).splitlines()  # stdout is a pipe: tab-separated rows, no header
    crashed = list(wandb_api.runs("demo/mnist", filters={"state": "crashed"}, light=True))
    assert piped == [f"{r.id}\t{r.name}\tcrashed" for r in crashed]
    out = tmp_path / "crashed.txt"
    assert ok(cli(*args, "--format", "table", "-o", str(out))) == ""  # a file: the table
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split() == ["id", "name", "state"]
    assert len(lines) == 2 + len(crashed)
    assert lines[2].split() == [crashed[0].id, crashed[0].name, "crashed"]


# ---------------------------------------------------------------- history


def test_history_csv_round_trip(
    wandb_env: LocalServer, wandb_api: Api, tmp_path: Path, demo: DemoInfo
) -> None:
    run = long_run(wandb_api, demo)
    out = tmp_path / "history.csv"
    ok(cli("history", run.path, "-o", str(out)))
    rows = list(run.scan_history())
    assert len(rows) == demo.long_history_steps
    with out.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        keys = run.history_keys["keys"]
        assert isinstance(keys, dict)
        assert header == ["_step", *sorted(k for k in keys if k != "_step")]  # metadata order
        count = 0
        for cells, row in zip(reader, rows, strict=True):
            count += 1
            for column, text in zip(header, cells, strict=True):
                assert number(text, row.get(column)), (column, text, row)
    assert count == demo.long_history_steps


def test_history_jsonl_with_keys_to_stdout(
    wandb_env: LocalServer, wandb_api: Api, demo: DemoInfo
) -> None:
    run = long_run(wandb_api, demo)
    text = ok(cli("history", run.path, "--keys", "loss,eval/loss", "--format", "jsonl"))
    records = [json.loads(line) for line in text.splitlines()]
    assert records == list(run.scan_history(keys=["loss", "eval/loss"]))
    sparse = [r for r in run.scan_history() if "eval/loss" in r]  # every 250 steps, the last
    assert 1 < len(records) == len(sparse) < demo.long_history_steps
    assert all(list(r) == ["_step", "loss", "eval/loss"] for r in records)


def test_history_parquet_streams_row_groups_of_whole_pages(
    wandb_env: LocalServer, wandb_api: Api, tmp_path: Path, demo: DemoInfo
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    run = long_run(wandb_api, demo)
    steps = demo.long_history_steps
    assert row_groups(20_000, 2500, 5000) == [5000] * 4  # the helper, on 20,000 rows
    assert row_groups(20_000, 1500, 4000) == [4500] * 4 + [2000]
    out = tmp_path / "history.parquet"
    ok(cli("history", run.path, "-o", str(out), "--page-size", "2500", "--row-group-rows", "5000"))
    parquet = pq.ParquetFile(out)
    groups = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    assert groups == row_groups(steps, 2500, 5000)  # as the pages came, two per row group
    ok(cli("history", run.path, "-o", str(out), "--page-size", "1500", "--row-group-rows", "4000"))
    parquet = pq.ParquetFile(out)
    groups = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    assert groups == row_groups(steps, 1500, 4000)  # whole pages: 3 x 1,500 rows, the rest
    ok(cli("history", run.path, "-o", str(out)))
    # the default page size (1,000) and row group size (65,536)
    assert pq.ParquetFile(out).num_row_groups == len(row_groups(steps, 1000, 65_536))
    parquet = pq.ParquetFile(out)
    assert parquet.schema_arrow.field("_step").type == pa.int64()
    assert parquet.schema_arrow.field("loss").type == pa.float64()
    records = parquet.read().to_pylist()
    rows = list(run.scan_history())
    assert len(records) == len(rows)
    for record, row in zip(records, rows, strict=True):
        assert {k: v for k, v in record.items() if v is not None} == row


def test_history_csv_to_stdout(wandb_env: LocalServer, wandb_api: Api) -> None:
    run = wandb_api.runs("demo/mnist", per_page=1).take(1)[0]
    rows = list(csv.DictReader(io.StringIO(ok(cli("history", run.path)))))
    expected = list(run.scan_history())
    assert len(rows) == len(expected) == run.history_line_count
    assert [int(r["_step"]) for r in rows] == [r["_step"] for r in expected]
    assert all(
        number(r["val_loss"], e.get("val_loss")) for r, e in zip(rows, expected, strict=True)
    )


@pytest.mark.wandb_server(seed=False)
def test_without_history_key_metadata_columns_come_from_the_first_page(
    wandb_env: LocalServer, tmp_path: Path
) -> None:
    """A server that reports no history keys: a key first seen after the first page
    widens a CSV file, and is an error naming it on stdout and in Parquet."""
    server = wandb_env
    server.store.create_project("demo", "old-server")
    run = server.store.create_run("demo", "old-server", name="r1")
    rows = [{"_step": i, "loss": 1.0 / (i + 1)} for i in range(30)] + [
        {"_step": 30, "test_acc": 0.9}
    ]
    server.store.bulk_insert_history(int(run["id"]), rows)
    with server.store.transaction() as db:  # as a server without the metadata
        db.execute("UPDATE runs SET history_keys = ? WHERE id = ?", ('{"lastStep": 30}', run["id"]))
    out = tmp_path / "h.csv"
    ok(cli("history", "demo/old-server/r1", "--page-size", "10", "-o", str(out)))
    read = list(csv.reader(out.open(newline="", encoding="utf-8")))
    assert read[0] == ["_step", "loss", "test_acc"]
    assert read[1] == ["0", "1.0", ""]
    assert read[-1] == ["30", "", "0.9"]
    assert len(read) == 32
    stdout = cli("history", "demo/old-server/r1", "--page-size", "10")
    failed(stdout, 1, "run demo/old-server/r1, step 30 has key 'test_acc' that the header")
    parquet = cli(
        "history", "demo/old-server/r1", "--page-size", "10", "-o", str(tmp_path / "h.parquet")
    )
    failed(parquet, 1, "key 'test_acc' that the Parquet columns")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.csv"]  # the failed file is gone


# ---------------------------------------------------------------- failures


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["runs", "demo/mnist", "--filter", "{bad"], "--filter is not JSON"),
        (["runs", "demo/mnist", "--filter", "[1]"], "--filter must be a JSON object"),
        (["runs", "demo/mnist", "--filter", '{"summary.acc": {"$bad": 1}}'], "$bad"),
        (["runs", "demo/mnist", "--order", "+nope.x"], "order"),
        (["runs", "demo/mnist", "--fields", "id,nope"], "unknown field 'nope'"),
        (["runs", "demo/mnist", "--fields", "id,,name"], "empty name"),
        (["runs", "demo/mnist", "--light", "--fields", "config.lr"], "--light lists no config"),
        (["runs", "demo/mnist", "--format", "parquet"], "pass -o FILE.parquet"),
        (["runs", "demo/mnist", "-o", "runs.xlsx"], "pass --format"),
        (["runs", "demo/mnist", "--per-page", "0"], "per_page"),
        (["runs", "a/b/c/d"], "project path"),
        (["runs"], "the following arguments are required: ENTITY/PROJECT"),
        (["runs", "demo/mnist", "--format", "xml"], "invalid choice: 'xml'"),
        (["history", "demo/llm-finetune/x", "--format", "parquet"], "pass -o FILE.parquet"),
        (["history", "demo/llm-finetune/x", "--keys", "a,"], "--keys has an empty name"),
        (["history", "demo/llm-finetune/x", "--page-size", "0"], "page_size"),
        (["history", "demo/llm-finetune/x", "--row-group-rows", "0"], "--row-group-rows must be"),
        (["frob"], "unknown command 'frob'"),
    ],
)
def test_usage_errors_exit_2(wandb_env: LocalServer, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_server_and_user_errors_exit_1(wandb_env: LocalServer, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    failed(
        cli("runs", "demo/nope", "-o", str(out)), 1, "NotFoundError: project demo/nope not found"
    )
    failed(cli("history", "demo/mnist/nope", "-o", str(out)), 1, "run demo/mnist/nope not found")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a .part
    failed(cli("runs", "demo/mnist", "-o", str(tmp_path / "no" / "x.csv")), 1, "no directory")


def test_no_api_key_exits_1(
    wandb_env: LocalServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("WANDB_API_KEY")
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc, no settings file
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    monkeypatch.chdir(tmp_path)
    result = subprocess.run([sys.executable, "-m", "wandb_typed.cli", "runs", "demo/mnist"],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    failed(result, 1, "API key")
    a_key = wandb_env.api_key
    assert a_key not in result.stderr


def test_a_wrong_key_exits_1_without_showing_it(
    wandb_env: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WANDB_API_KEY", "f" * 40)
    result = cli("runs", "demo/mnist")
    failed(result, 1, "AuthenticationError")
    assert "f" * 40 not in result.stderr


def test_parquet_without_pyarrow_names_the_extra(wandb_env: LocalServer, tmp_path: Path) -> None:
    for args in (["runs", "demo/mnist"], ["history", "demo/mnist/x"]):
        result = cli(
            *args,
            "-o",
            str(tmp_path / "x.parquet"),
            code="import sys; sys.modules['pyarrow'] = None",
        )
        failed(result, 2, "pip install 'wandb-typed[parquet]'")
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_stops_quietly(
    wandb_env: LocalServer, wandb_api: Api, demo: DemoInfo
) -> None:
    run = long_run(wandb_api, demo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "wandb_typed.cli", "history", run.path, "--page-size", "200"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith("_step,")
    proc.stdout.close()  # as `| head -1` does
    assert proc.wait(timeout=300) == 141
    assert proc.stderr.read() == ""


# ---------------------------------------------------------------- progress


def on_a_terminal(args: list[str], code: str = "") -> tuple[int, str]:
    """Run the command with stderr on a pseudo-terminal; (exit code, what it drew)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    command = [sys.executable, "-c", f"{code}\nfrom wandb_typed.cli import main\n"
               f"import sys\nsys.exit(main({args!r}))"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, cwd=ROOT)
    os.close(follower)
    drawn = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower closed: the process ended
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    return proc.wait(timeout=60), drawn.decode(errors="replace")


def test_progress_bars_on_a_terminal_only(
    wandb_env: LocalServer, wandb_api: Api, tmp_path: Path, demo: DemoInfo
) -> None:
    run = long_run(wandb_api, demo)
    code, drawn = on_a_terminal(["history", run.path, "-o", str(tmp_path / "h.jsonl")])
    assert code == 0
    assert "history" in drawn and "step" in drawn and str(demo.long_history_steps) in drawn
    code, drawn = on_a_terminal(["runs", "demo/mnist", "-o", str(tmp_path / "r.csv")])
    assert code == 0 and "run" in drawn and str(demo.run_counts["mnist"]) in drawn
    code, drawn = on_a_terminal(
        ["runs", "demo/mnist", "-o", str(tmp_path / "r2.csv")],
        code="import sys; sys.modules['tqdm'] = None",
    )
    assert (code, drawn) == (0, "")  # without tqdm: no bar, same result
    assert (tmp_path / "r2.csv").read_bytes() == (tmp_path / "r.csv").read_bytes()
