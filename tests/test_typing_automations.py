"""Nonsense in registries and automations is a type error, for mypy and for pyright:
a metric condition on an artifact event, a run filter on an artifact event, a webhook
action from a Slack integration (and back), a registry as a run event's scope, a
project as ``OnCreateArtifact``'s, removing a registry's artifact types, an unknown
visibility or role. (At run time each is an InputError or a UsageError:
``tests/test_automations_dsl.py``.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Starts a tool (mypy, basedpyright): left out of the inner loop.
pytestmark = pytest.mark.tooling

NONSENSE = """
from wandb_typed import Api, SlackIntegration, WebhookIntegration
from wandb_typed.automations import (
    ArtifactEvent, OnCreateArtifact, OnLinkArtifact, OnRunMetric, OnRunState, RunEvent,
    SendNotification, SendWebhook,
)

def nonsense(api: Api, slack: SlackIntegration, hook: WebhookIntegration) -> None:
    registry = api.registry("model")
    project = api.project("p")
    OnLinkArtifact(scope=registry, filter=RunEvent.metric("loss") > 1)
    OnLinkArtifact(scope=registry, filter=RunEvent.name.eq("x"))
    SendWebhook.from_integration(slack)
    SendNotification.from_integration(hook)
    OnRunMetric(scope=registry, filter=RunEvent.metric("loss") > 1)
    OnCreateArtifact(scope=project)
    OnRunState(scope=project, filter=ArtifactEvent.alias.eq("x"))
    registry.visibility = "public"
    registry.update_member(api.viewer, "owner")
    RunEvent.name.eq("a") & ArtifactEvent.alias.eq("b")
    registry.artifact_types.remove("model")  # last: it never returns
"""
#: Lines (1-based, in NONSENSE) where each checker must report an error.
EXPECTED = set(range(11, 22))


def _error_lines(output: str, path: Path) -> set[int]:
    lines: set[int] = set()
    for line in output.splitlines():
        if str(path.name) in line and "error" in line:
            parts = line.split(str(path.name), 1)[1].lstrip(":").split(":")
            if parts and parts[0].strip().isdigit():
                lines.add(int(parts[0]))
    return lines


def test_mypy_rejects_the_nonsense(tmp_path: Path) -> None:
    script = tmp_path / "nonsense.py"
    script.write_text(NONSENSE)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--config-file",
         str(ROOT / "pyproject.toml"), str(script)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    assert _error_lines(result.stdout, script) == EXPECTED, result.stdout


def test_pyright_rejects_the_nonsense(tmp_path: Path) -> None:
    script = tmp_path / "nonsense.py"
    script.write_text(NONSENSE)
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "basedpyright"), str(script)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    found = {
        int(line.split(":")[1])
        for line in result.stdout.splitlines()
        if script.name in line and " - error:" in line
    }
    assert found >= EXPECTED, result.stdout
