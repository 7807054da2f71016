"""Schema tools: ``schema diff`` names the operations, client methods and facade code a
schema change breaks (exit 1), and ``schema fetch`` introspects a real LocalServer.
The CLI runs as a subprocess; fetches go over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from _wandb_typed_gql.async_client import AsyncWandbClient
from _wandb_typed_gql.client import WandbClient
from graphql import build_schema, lexicographic_sort_schema, print_schema

from wandb_typed import (
    AuthenticationError,
    GraphQLError,
    InputError,
    ResponseValidationError,
    ServerError,
)
from wandb_typed.config import resolve_settings
from wandb_typed.schema_tools import (
    Report,
    compare_members,
    diff_schemas,
    fetch_schema,
    method_name,
)
from wandb_typed.testing import LocalServer

from .test_corpus import Hostile

#: Starts a tool or a process: left out of the inner loop (pytest -m "not tooling").
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
SCHEMA = (ROOT / "schema.graphql").read_text()
PACKAGE = ROOT / "wandb_typed"


def edit(sdl: str, block: str, old: str, new: str) -> str:
    """Replace ``old`` with ``new`` inside the definition that starts with ``block``."""
    body = sdl_block(sdl, block)
    assert body.count(old) == 1, (block, old)
    return sdl.replace(body, body.replace(old, new))


def drop_field(sdl: str, block: str, line: str) -> str:
    """Remove a field (``line``, e.g. ``exitcode: Int``) and its description."""
    match = re.search(rf'(?:^  "[^"\n]*"\n)?^  {re.escape(line)}\n', sdl_block(sdl, block), re.M)
    assert match, (block, line)
    return edit(sdl, block, match.group(0), "")


def sdl_block(sdl: str, block: str) -> str:
    match = re.search(rf"^{re.escape(block)}\b[^{{]*\{{.*?^\}}", sdl, re.S | re.M)
    assert match, block
    return match.group(0)


def broken_schema() -> str:
    """Run.displayName removed, and Project.runs(order:) made required."""
    sdl = drop_field(SCHEMA, "type Run", "displayName: String")
    return edit(
        sdl,
        "type Project",
        "runs(filters: JSONString, order: String,",
        "runs(filters: JSONString, order: String!,",
    )


def by_description(report: Report) -> dict[str, Any]:
    return {c.description: c for c in (*report.breaking, *report.dangerous)}


def test_diff_names_the_operations_methods_and_facade_a_change_breaks() -> None:
    report = diff_schemas(SCHEMA, broken_schema(), QUERIES)
    changes = by_description(report)
    assert sorted(changes) == [
        "Project.runs arg order has changed type from String to String!.",
        "Run.displayName was removed.",
    ]
    removed = changes["Run.displayName was removed."]
    assert (removed.kind, removed.coordinates) == ("FIELD_REMOVED", ("Run.displayName",))
    assert removed.operations == (
        "ArtifactCreator", "ArtifactUsedByPage", "LightRunPage", "RunByName", "RunPage", "UpsertRun"
    )  # fmt: skip
    assert removed.methods == (
        "artifact_creator", "artifact_used_by_page", "light_run_page", "run_by_name", "run_page",
        "upsert_run",
    )  # fmt: skip
    required = changes["Project.runs arg order has changed type from String to String!."]
    assert required.kind == "ARG_CHANGED_KIND"
    assert required.operations == ("LightRunPage", "RunPage")
    assert required.methods == ("light_run_page", "run_page")
    assert report.broken_operations == removed.operations
    assert report.broken
    # Each named facade call is real: its module calls the method, and every method is called.
    for change in (removed, required):
        assert {use.method for use in change.facade} == set(change.methods)
        for use in change.facade:
            source = (ROOT / Path(*use.module.split("."))).with_suffix(".py").read_text()
            assert f".{use.method}(" in source
            assert use.function.split(".")[-1] in source or use.function == "<module>"


def test_no_change_breaks_nothing() -> None:
    report = diff_schemas(SCHEMA, SCHEMA, QUERIES)
    assert (report.breaking, report.dangerous, report.invalid) == ((), (), ())
    assert not report.broken
    assert report.format().endswith("no operation breaks")


@pytest.mark.parametrize(
    ("change", "kind", "operations"),
    [
        (lambda s: drop_field(s, "type Run", "exitcode: Int"), "FIELD_REMOVED", ()),
        (lambda s: drop_field(s, "type Sweep", "displayName: String"), "FIELD_REMOVED", ("SweepByName", "SweepPage")),
        (lambda s: edit(s, "type Run", "history(samples: Int, ", "history("), "ARG_REMOVED", ("RunHistorySample", "RunHistoryWindow")),
        (lambda s: edit(s, "type Project", "sweeps(filters: JSONString,", "sweeps(filters: JSONString, mode: Int!,"), "REQUIRED_ARG_ADDED", ("SweepPage",)),
        (lambda s: drop_field(s, "input UpsertBucketInput", "notes: String"), "FIELD_REMOVED", ("UpsertRun",)),
        (lambda s: drop_field(s, "input CreateRunFilesInput", "projectName: String!"), "FIELD_REMOVED", ("CreateRunUploadUrls",)),
        (lambda s: edit(s, "input UpsertBucketInput", "  notes: String\n", "  notes: String\n  priority: Int!\n"), "REQUIRED_INPUT_FIELD_ADDED", ("UpsertRun",)),
        (lambda s: edit(s, "type Run", "  fileCount: Int!\n", "  fileCount: String!\n"), "FIELD_CHANGED_KIND", ("RunFilePage",)),
    ],
    ids=["unused field", "Sweep.displayName", "arg removed", "required arg added",
         "input field via variable", "input field via literal", "required input field", "field type"],
)  # fmt: skip
def test_changes_name_exactly_the_operations_that_use_them(
    change: Callable[[str], str], kind: str, operations: tuple[str, ...]
) -> None:
    report = diff_schemas(SCHEMA, change(SCHEMA), QUERIES)
    assert [c.kind for c in report.breaking] == [kind]
    assert report.breaking[0].operations == operations
    assert report.broken == bool(operations)
    assert {bad.operation for bad in report.invalid} <= set(operations)


def test_dangerous_changes_are_reported_without_breaking() -> None:
    new = edit(SCHEMA, "type Run", "history(samples: Int, ", "history(samples: Int, every: Int, ")
    report = diff_schemas(SCHEMA, new, QUERIES)
    assert report.breaking == () and not report.broken
    (change,) = report.dangerous
    assert (change.kind, change.operations) == (
        "OPTIONAL_ARG_ADDED",
        ("RunHistorySample", "RunHistoryWindow"),
    )


def test_facade_calls_are_named_by_module_and_function(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "testing").mkdir()
    (package / "__init__.py").write_text("client.run_page()\n")
    (package / "sub" / "mod.py").write_text(
        "class Run:\n"
        "    def reload(self):\n"
        "        return call(lambda c: c.run_by_name(name='x'))\n"
        "def list_runs():\n"
        "    def fetch():\n"
        "        yield call(lambda c: c.run_page(first=1))\n"
        "    return fetch\n"
        "def unrelated():\n"
        "    return run_page()  # not a method call\n"
    )
    (package / "testing" / "server.py").write_text(
        "store.run_page()\n"
    )  # the server, not the facade
    (package / "broken.py").write_text("def (:\n    c.upsert_run(\n")
    report = diff_schemas(SCHEMA, broken_schema(), QUERIES, package_dir=package)
    removed = by_description(report)["Run.displayName was removed."]
    assert sorted(map(str, removed.facade)) == [
        "pkg.broken:<unparsed>", "pkg.sub.mod:Run.reload", "pkg.sub.mod:list_runs.fetch", "pkg:<module>",
    ]  # fmt: skip
    assert {(use.function, use.line) for use in removed.facade if use.method == "upsert_run"} == {
        ("<unparsed>", 2)
    }


@pytest.mark.parametrize(
    ("kind", "description", "hits"),
    [
        ("FIELD_REMOVED", "Run.displayName was removed.", {"Run.displayName"}),
        ("FIELD_REMOVED", "Field Run.displayName was removed.", {"Run.displayName"}),
        ("ARG_REMOVED", "Project.runs arg order was removed.", {"Project.runs(order:)"}),
        ("ARG_REMOVED", "Argument Project.runs(order:) was removed.", {"Project.runs(order:)"}),
        ("REQUIRED_ARG_ADDED", "A required arg x on Project.runs was added.", {"Project.runs"}),
        ("REQUIRED_ARG_ADDED", "A required argument Project.runs(x:) was added.", {"Project.runs"}),
        ("VALUE_REMOVED_FROM_ENUM", "Enum value ArtifactState.DELETED was removed.",
         {"ArtifactState.DELETED", "$ArtifactState", "ArtifactState"}),
    ],
)  # fmt: skip
def test_change_descriptions_of_graphql_core_3_2_and_3_3_are_attributed(
    kind: str, description: str, hits: set[str]
) -> None:
    """Users may have either graphql-core: 3.3 words its changes differently ("Field
    T.f was removed.", "Argument T.f(a:) ..."); both name the same coordinates."""
    from wandb_typed.schema_tools._diff import _hits

    schema = build_schema(SCHEMA)
    assert _hits(kind, description, schema, schema) == hits


def test_an_unmatched_change_still_names_what_breaks() -> None:
    """A change whose wording this client does not know (a newer graphql-core) is not
    guessed at: the operations that stop validating are listed with their client
    method and facade functions."""
    from wandb_typed.schema_tools._report import (
        FacadeUse,
        InvalidOperation,
        Report,
        SchemaChange,
    )

    change = SchemaChange("SOMETHING_NEW", "Run.name moved.", (), (), (), (), attributed=False)
    use = FacadeUse("wandb_typed._async.runs", "fetch_fields", 1, "run_by_name")
    bad = InvalidOperation("RunByName", "Cannot query field 'name'", "run_by_name", (use,))
    text = Report((change,), (), (bad,)).format()
    assert "not matched to operations by its description" in text
    assert "INVALID: RunByName no longer validates: Cannot query field 'name'" in text
    assert "  client method: run_by_name\n  facade: wandb_typed._async.runs:fetch_fields" in text


def test_every_operation_maps_to_a_generated_method() -> None:
    names = re.findall(r"^(?:query|mutation) (\w+)", "".join(
        p.read_text() for p in sorted(QUERIES.glob("*.graphql"))), re.M)  # fmt: skip
    assert len(names) >= 19
    for name in names:
        assert callable(getattr(WandbClient, method_name(name)))
        assert callable(getattr(AsyncWandbClient, method_name(name)))
    assert method_name("CreateRunUploadUrls") == "create_run_upload_urls"
    assert method_name("RunHistoryKeys") == "run_history_keys"


@pytest.mark.parametrize(
    ("old", "new", "queries", "message"),
    [
        ("type Query {", SCHEMA, QUERIES, "the old schema is not a valid GraphQL schema"),
        (SCHEMA, "type Query { x: Nope }", QUERIES, "the new schema is not a valid GraphQL schema"),
        (SCHEMA, SCHEMA, Path("/nonexistent/queries"), "does not exist"),
        ("type Query { viewer: Int }", SCHEMA, QUERIES, "does not validate against the old schema"),
    ],
)
def test_diff_input_errors(old: str, new: str, queries: Path, message: str) -> None:
    with pytest.raises(InputError, match=message):
        diff_schemas(old, new, queries)


# ---------------------------------------------------------------- the CLI


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wandb_typed.cli", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
    )  # fmt: skip


def test_cli_diff_exits_1_and_names_the_operations(tmp_path: Path) -> None:
    new = tmp_path / "new.graphql"
    new.write_text(broken_schema())
    result = cli("schema", "diff", "schema.graphql", str(new), "--queries", str(QUERIES))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert (
        "BREAKING: Run.displayName was removed.\n  operations: ArtifactCreator, ArtifactUsedByPage, "
        "LightRunPage, RunByName, RunPage, UpsertRun\n" in out
    )
    assert (
        "BREAKING: Project.runs arg order has changed type from String to String!.\n  operations: LightRunPage, RunPage\n"
        in out
    )
    assert "client methods: light_run_page, run_page" in out
    assert re.search(r"facade: .*wandb_typed\.\S+:\S+", out)
    assert out.rstrip().endswith(
        "broken operations: ArtifactCreator, ArtifactUsedByPage, LightRunPage, RunByName, "
        "RunPage, UpsertRun"
    )
    assert result.stderr == ""


def test_cli_diff_exits_0_when_no_operation_breaks(tmp_path: Path) -> None:
    new = tmp_path / "new.graphql"
    new.write_text(drop_field(SCHEMA, "type Run", "exitcode: Int"))
    result = cli("schema", "diff", "schema.graphql", str(new))  # ./queries by default
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BREAKING: Run.exitcode was removed.\n  used by none of our operations" in result.stdout
    same = cli("schema", "diff", "schema.graphql", "schema.graphql")
    assert (same.returncode, same.stdout.strip()) == (
        0,
        "0 breaking, 0 dangerous change(s); no operation breaks",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["schema", "diff", "missing.graphql", "schema.graphql"], "cannot read missing.graphql"),
        (["schema", "diff", "README.md", "schema.graphql"], "the old schema is not a valid GraphQL schema"),
        (["schema", "diff", "schema.graphql", "schema.graphql", "--queries", "nowhere"], "queries directory 'nowhere' does not exist"),
        (["schema", "diff", "schema.graphql"], "the following arguments are required: new"),
        (["schema"], "the following arguments are required"),
        (["schema", "frob"], "invalid choice"),
        (["schema", "fetch", "http://[::1"], "not a valid URL"),
    ],
)  # fmt: skip
def test_cli_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_schema_needs_graphql_core(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['graphql'] = None\n"
        "from wandb_typed.cli import main\n"
        "sys.exit(main(['schema', 'diff', 'schema.graphql', 'schema.graphql']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "pip install 'wandb-typed[schema]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_graphql_core_is_imported_on_first_use_only() -> None:
    code = (
        "import sys, wandb_typed.schema_tools, wandb_typed.cli\n"
        "assert 'graphql' not in sys.modules, 'graphql was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- fetch


def normalised(sdl: str) -> str:
    return print_schema(lexicographic_sort_schema(build_schema(sdl)))


def fetch_env(server: LocalServer, key: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "NETRC"))}
    env["HOME"] = "/nonexistent"
    env["WANDB_BASE_URL"] = server.base_url  # the configured server: the key goes there
    if key is not None:
        env["WANDB_API_KEY"] = key
    return env


def test_cli_fetch_gets_our_schema_from_a_local_server(
    demo_server: LocalServer, tmp_path: Path
) -> None:
    out = tmp_path / "fetched.graphql"
    env = fetch_env(demo_server, demo_server.api_key)
    result = cli("schema", "fetch", demo_server.base_url, "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert normalised(out.read_text()) == normalised(SCHEMA)
    printed = cli("schema", "fetch", demo_server.base_url + "/graphql", env=env)
    assert printed.returncode == 0 and normalised(printed.stdout) == normalised(SCHEMA)
    diff = cli("schema", "diff", "schema.graphql", str(out), env=env)
    assert diff.returncode == 0, diff.stdout


def test_cli_fetch_failures_are_one_line(demo_server: LocalServer) -> None:
    wrong = cli("schema", "fetch", demo_server.base_url, env=fetch_env(demo_server, "f" * 40))
    assert wrong.returncode == 1
    assert wrong.stderr.startswith(
        "wandb-typed schema fetch: AuthenticationError: IntrospectionQuery: HTTP 401"
    )
    assert len(wrong.stderr.strip().splitlines()) == 1 and "f" * 40 not in wrong.stderr
    missing = cli("schema", "fetch", demo_server.base_url, env=fetch_env(demo_server, None))
    assert missing.returncode == 1  # asked without a key: the server says 401
    assert "no API key was sent" in missing.stderr and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_fetch_schema_matches_and_members_agree(demo_server: LocalServer) -> None:
    settings = resolve_settings({"base_url": demo_server.base_url}, api_key=demo_server.api_key)
    fetched = fetch_schema(demo_server.base_url, settings)
    assert normalised(fetched) == normalised(SCHEMA)
    assert compare_members(SCHEMA, fetched) == ([], [])
    assert compare_members(SCHEMA, drop_field(SCHEMA, "type Run", "exitcode: Int")) == (
        ["Run.exitcode"],
        [],
    )


def test_fetch_schema_sends_the_key_only_to_its_own_server(demo_server: LocalServer) -> None:
    settings = resolve_settings({"base_url": demo_server.base_url}, api_key=demo_server.api_key)
    with pytest.raises(InputError, match="is not on the settings' server"):
        fetch_schema("https://elsewhere.example", settings)


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        ({"errors": [{"message": "introspection is disabled"}], "data": None}, GraphQLError, "introspection is disabled"),
        ({"data": {"__schema": {"types": "nope"}}}, ResponseValidationError, "not a schema"),
        ({"data": None}, ResponseValidationError, "no data object"),
        (b"<html>proxy</html>", ResponseValidationError, "did not answer with a GraphQL JSON object"),
    ],
)  # fmt: skip
def test_fetch_schema_maps_hostile_replies_to_typed_errors(
    demo_server: LocalServer, reply: object, error: type[Exception], message: str
) -> None:
    settings = resolve_settings({"base_url": demo_server.base_url}, api_key=demo_server.api_key)
    transport = Hostile(lambda op, _: reply if op == "IntrospectionQuery" else None)
    with pytest.raises(error, match=message):
        fetch_schema(demo_server.base_url, settings, transport=transport)


def test_fetch_schema_http_errors_are_typed(demo_server: LocalServer) -> None:
    settings = resolve_settings({"base_url": demo_server.base_url}, api_key=demo_server.api_key)

    class Fails(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(503, json={"error": "x" * 10_000}, request=request)

    with pytest.raises(ServerError, match="HTTP 503") as info:
        fetch_schema(demo_server.base_url, settings, transport=Fails())
    assert len(str(info.value)) < 1_000
    unreachable = resolve_settings({"base_url": "http://127.0.0.1:9"}, api_key="k" * 40)
    with pytest.raises(Exception, match="could not reach") as refused:
        fetch_schema("http://127.0.0.1:9", unreachable)
    assert type(refused.value).__name__ == "APIConnectionError"
    bad_key = resolve_settings({"base_url": demo_server.base_url}, api_key="f" * 40)
    with pytest.raises(AuthenticationError):
        fetch_schema(demo_server.base_url, bad_key)
