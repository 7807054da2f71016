"""The command line keeps the conventions of tools people know (gh, click-based
tools): -V/--version in the help, "did you mean", shell completion, tab-separated rows
when piped and a table fitted to the terminal, one name for a summary value in every
option, scaled byte counts, help without reST markup. In-process, against the demo
server."""

from __future__ import annotations

import json
import sys

import pytest

from wandb_typed import __version__
from wandb_typed.cli import COMMANDS, _common, _export, main
from wandb_typed.testing import DemoInfo, LocalServer


@pytest.fixture
def env(demo_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    monkeypatch.setenv("WANDB_BASE_URL", demo_server.base_url)
    monkeypatch.setenv("WANDB_API_KEY", demo_server.api_key)
    for name in ("WANDB_ENTITY", "WANDB_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    return demo_server


def test_version_is_in_the_help_and_answers_to_dash_v(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    helped = capsys.readouterr().out
    assert "-V, --version" in helped and all(name in helped for name in COMMANDS)
    for flag in ("-V", "--version"):
        assert main([flag]) == 0
        assert capsys.readouterr().out == f"wandb-typed {__version__}\n"


@pytest.mark.parametrize(
    ("typed", "meant"), [("run", "runs"), ("hist", "history"), ("srve", "serve")]
)
def test_a_mistyped_command_names_the_closest(
    capsys: pytest.CaptureFixture[str], typed: str, meant: str
) -> None:
    assert main([typed]) == 2
    err = capsys.readouterr().err
    assert f"unknown command {typed!r}; did you mean {meant!r}?" in err
    assert err.count("\n") == 1  # one line, not the whole usage


def test_nothing_close_gets_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["xyzzy"]) == 2
    assert "did you mean" not in capsys.readouterr().err


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_know_every_command_and_option(
    capsys: pytest.CaptureFixture[str], shell: str
) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for word in (*COMMANDS, "--per-page", "--send-key", "--row-group-rows", "download"):
        assert word in script, word


def test_piped_runs_are_tab_separated_rows(
    env: LocalServer, demo: DemoInfo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["runs", "demo/mnist", "--fields", "id,name,state"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == demo.run_counts["mnist"]  # no header, no rule
    assert all(len(line.split("\t")) == 3 for line in lines)
    assert not any(line.startswith("  ") or set(line) <= {"-", " "} for line in lines)


def test_on_a_terminal_the_table_fits_its_width(
    env: LocalServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_export, "is_terminal", lambda stream: True)
    monkeypatch.setenv("COLUMNS", "60")
    fields = "id,name,state,created_at,config.optimizer"
    assert main(["runs", "demo/mnist", "--fields", fields, "--per-page", "1000"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == fields.split(",")
    assert max(len(line) for line in lines) <= 60
    assert any("…" in line for line in lines[2:])  # something had to give


def test_summary_values_have_one_name_in_every_option(
    env: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["runs", "demo/mnist", "--format", "jsonl", "--fields", "id,summary.acc"]
    assert (
        main([*args, "--filter", '{"summary.acc": {"$gt": 0.97}}', "--order", "-summary.acc"]) == 0
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    accs = [row["summary.acc"] for row in rows]
    assert rows and all(acc > 0.97 for acc in accs) and accs == sorted(accs, reverse=True)
    w_b = ["runs", "demo/mnist", "--format", "jsonl", "--fields", "id,summary_metrics.acc"]
    assert main([*w_b, "--filter", '{"summary_metrics.acc": {"$gt": 0.97}}']) == 0
    same = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(r["summary_metrics.acc"] for r in same) == sorted(accs)


def test_help_shows_no_rest_markup(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["artifact", "download", "--help"])
    out = capsys.readouterr().out
    assert "``" not in out and "wandb-typed artifact download NAME" in out


def test_byte_progress_is_scaled(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with _common.progress("model", "B", total=65569) as bar:
        shown = str(bar._bar)
    assert "64.0k" in shown and "65569" not in shown, shown  # not the raw byte count
