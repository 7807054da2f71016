"""The generated layer: twin clients, custom scalars, codegen pitfalls handled."""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from _wandb_typed_gql import custom_types
from _wandb_typed_gql.async_client import AsyncWandbClient
from _wandb_typed_gql.base_model import UNSET, UnsetType
from _wandb_typed_gql.client import WandbClient
from _wandb_typed_gql.fragments import ProjectFields, RunFields

from wandb_typed import Api
from wandb_typed.testing import LocalServer

from .support import FAST_RETRY, Recorder

ROOT = Path(__file__).resolve().parent.parent


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    base = set(dir(cls.__mro__[1]))
    return {
        name: inspect.signature(getattr(cls, name))
        for name in dir(cls)
        if not name.startswith("_") and name not in base
    }


def test_sync_and_async_clients_are_twins() -> None:
    sync, asyn = _public_methods(WandbClient), _public_methods(AsyncWandbClient)
    assert sync.keys() == asyn.keys()
    for name, signature in sync.items():
        assert signature == asyn[name], name
        assert inspect.iscoroutinefunction(getattr(AsyncWandbClient, name)), name
    operations = {
        line.split()[1].split("(")[0]
        for path in (ROOT / "queries").glob("*.graphql")
        for line in path.read_text().splitlines()
        if line.startswith(("query ", "mutation "))
    }
    snake = {
        "".join("_" + c.lower() if c.isupper() else c for c in op).lstrip("_") for op in operations
    }
    assert set(sync) == snake


def test_optional_json_variables_are_omitted_not_serialized(demo_server: LocalServer) -> None:
    recorder = Recorder()
    api = Api(
        {"base_url": demo_server.base_url},
        api_key=demo_server.api_key,
        transport=recorder,
        retry=FAST_RETRY,
    )
    client = api.client
    options: tuple[custom_types.JSONValue | UnsetType, ...] = (UNSET, None, {"state": "finished"})
    for filters in options:
        client.run_page(
            entity="demo", project="mnist", per_page=1, filters=filters, with_count=False,
        )  # fmt: skip
    unset, null, given = (b["variables"] for b in recorder.bodies)
    assert "filters" not in unset and "order" not in unset
    assert null["filters"] is None
    assert json.loads(given["filters"]) == {"state": "finished"}


def test_generated_methods_refuse_unknown_keywords(demo_server: LocalServer) -> None:
    api = Api({"base_url": demo_server.base_url}, api_key=demo_server.api_key)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        api.client.viewer(timeout=3)  # type: ignore[call-arg]  # a type error too
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        api.client.execute("query Viewer { viewer { id } }", "Viewer", {}, timeout=3)  # type: ignore[call-arg]


def test_custom_scalars() -> None:
    utc = timezone.utc
    assert custom_types.parse_datetime("2024-01-02T03:04:05") == datetime(
        2024, 1, 2, 3, 4, 5, tzinfo=utc
    )
    assert custom_types.parse_datetime("2024-01-02T03:04:05.5Z") == datetime(
        2024, 1, 2, 3, 4, 5, 500000, tzinfo=utc
    )
    assert custom_types.parse_datetime("2024-01-02 03:04:05.1234567+02:00") == datetime(
        2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone(timedelta(hours=2))
    )
    assert custom_types.parse_json_string('{"a": [1, 2]}') == {"a": [1, 2]}
    assert custom_types.parse_json_string({"a": 1}) == {"a": 1}  # a server that sends decoded JSON
    assert custom_types.serialize_json_string(UNSET) is UNSET
    assert custom_types.serialize_json_string(None) is None
    assert custom_types.serialize_json_string({"a": 1}) == '{"a":1}'
    assert custom_types.serialize_json_string('{"raw": true}') == '{"raw": true}'


def test_nullable_fields_may_be_missing() -> None:
    minimal = {"id": "UHJvamVjdDox", "name": "p", "entityName": "e", "isBenchmark": False,
               "createdAt": "2024-01-01T00:00:00", "runCount": 0}  # fmt: skip
    project = ProjectFields.model_validate(minimal)
    assert (project.description, project.user, project.updated_at) == (None, None, None)
    run = RunFields.model_validate(
        {"id": "x", "name": "r", "projectId": 1, "createdAt": "2024-01-01T00:00:00"}
    )
    assert (run.config, run.summary_metrics, run.state, run.tags) == (None, None, None, None)


@pytest.mark.tooling  # runs ariadne-codegen
def test_codegen_makes_enums_open(tmp_path: Path) -> None:
    """Generate a tiny package with an enum through our codegen setup; unknown values parse."""
    (tmp_path / "schema.graphql").write_text(
        "enum State { running finished }\ntype Run { name: String! state: State }\n"
        "type Query { run: Run }\n"
    )
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "q.graphql").write_text("query GetRun { run { name state } }\n")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    pyproject = (ROOT / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(
        pyproject.replace('"schema.graphql"]', '"schema.graphql"]')
    )
    (tmp_path / "generated").mkdir()
    subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "codegen.py")],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    script = (
        "from _wandb_typed_gql.get_run import GetRun\n"
        "r = GetRun.model_validate({'run': {'name': 'x', 'state': 'preempted'}})\n"
        "print(r.run.state.value, r.run.state == 'preempted', type(r.run.state).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path / "generated",
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["preempted", "True", "State"]


def in_fresh_python(script: str) -> str:
    """``script``'s output from a new interpreter: every import starts from nothing."""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def lazy_package_checks(module: str, typo: str) -> str:
    """Script lines for a package whose names load on first use: every name of its
    ``__all__`` resolves and is in ``dir()``; then the AttributeError of ``typo`` is
    printed."""
    return (
        f"import {module} as package\n"
        "missing = [n for n in package.__all__ if getattr(package, n, None) is None]\n"
        "assert not missing and set(package.__all__) <= set(dir(package)), missing\n"
        "try:\n"
        f"    package.{typo}\n"
        "except AttributeError as e:\n"
        "    print(e)\n"
    )


def test_import_and_construction_stay_light() -> None:
    """`import wandb_typed; Api()` must not import the models, pydantic's BaseModel or
    pydantic-core (what the import-time benchmark measures, checked without timing)."""
    script = (
        "import sys, wandb_typed\n"
        "wandb_typed.Api(api_key='k' * 40)\n"
        "heavy = [m for m in ('pydantic.main', 'pydantic_core', '_wandb_typed_gql.client',"
        " '_wandb_typed_gql.base_model', 'asyncio', 'wandb_typed._async',"
        " 'wandb_typed.automations._saved', 'wandb_typed.automations._events',"
        " 'wandb_typed._core.tfevents', 'wandb_typed._sync.artifact_files')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    assert in_fresh_python(script) == "[]"


def test_the_async_classes_load_on_first_use() -> None:
    """`wandb_typed.AsyncApi` and the other async names load through the package's
    ``__getattr__`` (a sync user never imports ``_async``), are the very classes of
    their modules, and stay visible to ``dir()``; a mistyped name is an AttributeError."""
    script = (
        "import sys, wandb_typed\n"
        "assert 'wandb_typed._async' not in sys.modules\n"
        "from wandb_typed import AsyncRun\n"
        "from wandb_typed._async.runs import AsyncRun as direct\n"
        "assert AsyncRun is direct and wandb_typed.AsyncApi.__name__ == 'AsyncApi'\n"
    ) + lazy_package_checks("wandb_typed", "AsyncApii")
    assert in_fresh_python(script) == "module 'wandb_typed' has no attribute 'AsyncApii'"


def test_the_automations_dsl_loads_on_first_use() -> None:
    """The DSL's modules load when a name of ``wandb_typed.automations`` is first read
    (``typing.get_type_hints`` on an Api method that names one included), and the
    names are the classes of their modules; a mistyped name is an AttributeError."""
    script = (
        "import sys, typing, wandb_typed\n"
        "from wandb_typed import automations\n"
        "assert 'wandb_typed.automations._saved' not in sys.modules\n"
        "hints = typing.get_type_hints(wandb_typed.Api.create_automation)\n"
        "from wandb_typed.automations._saved import Automation\n"
        "from wandb_typed.automations._events import NewAutomation\n"
        "assert hints['return'] is Automation and hints['obj'] is NewAutomation\n"
        "assert wandb_typed.Automation is Automation is automations.Automation\n"
    ) + lazy_package_checks("wandb_typed.automations", "OnLinkArtefact")
    assert in_fresh_python(script) == (
        "module 'wandb_typed.automations' has no attribute 'OnLinkArtefact'"
    )
