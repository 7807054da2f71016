"""Findings of the server audit (F1, F2, F9, F10, F12, F13, F14, F26), each pinned over
real HTTP with raw GraphQL: a second user (``eve``) probes what the main user
(``demo``, an admin) owns."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from wandb_typed.testing import LocalServer

from .helpers import JSON, Gql, jdump

RUNS = """
query Runs($entity: String!, $project: String!, $filters: JSONString, $order: String,
           $first: Int) {
  project(name: $project, entityName: $entity) {
    runCount(filters: $filters)
    runs(filters: $filters, order: $order, first: $first) {
      edges { node { name } cursor }
      pageInfo { endCursor hasNextPage }
    }
  }
}
"""

#: What an error message must never contain: SQL of the server or SQLite's words for it
#: (an error may quote the request's own text, so "SELECT" alone proves nothing).
SQL_WORDS = (
    "sqlite",
    "syntax error",
    "json_extract",
    "json_type",
    "sqljson",
    "operationalerror",
    "no such",
    "user-defined function",
    "r.summary",
)


@pytest.fixture
def eve(server: LocalServer) -> Iterator[Gql]:
    """A second, ordinary (non-admin) user with a client of her own."""
    with Gql(server, api_key=server.add_user("eve")) as client:
        yield client


def _decoded_cursors(body: JSON) -> str:
    """Every run cursor in a response, base64-decoded (a cursor carries sort values)."""
    project = (body.get("data") or {}).get("project") or {}
    edges = (project.get("runs") or {}).get("edges") or []
    return " ".join(
        base64.urlsafe_b64decode(edge["cursor"]).decode("utf-8", "replace") for edge in edges
    )


def _assert_no_sql_in_errors(body: JSON) -> None:
    for error in body.get("errors", []):
        message = str(error.get("message", "")).lower()
        assert not any(word in message for word in SQL_WORDS), error


# ---------------------------------------------------------------------- F1 SQL injection
INJECTED_ORDER = (
    "+summary_metrics.x' || (SELECT group_concat(username||':'||api_key,' ') FROM users)"
    " || zeroblob(0)) || ('"
)


def test_f1_order_injection_is_refused(server: LocalServer, eve: Gql) -> None:
    """The audit's one-request key theft: an order string that selects every API key."""
    server.store.create_run("eve", "mine", name="r1", summary={"x": 1})
    server.store.create_run("eve", "mine", name="r2", summary={"x": 2})
    response = eve.raw(RUNS, entity="eve", project="mine", order=INJECTED_ORDER)
    assert response.status_code == 200
    text = response.text + _decoded_cursors(response.json())
    assert server.api_key not in text
    assert "demo:" not in text
    _assert_no_sql_in_errors(response.json())


def test_f1_filter_key_injection_is_literal(server: LocalServer, eve: Gql) -> None:
    """A filter key with quotes is a key, not SQL: it matches a run that has that key."""
    tricky = "x' OR '1'='1"
    server.store.create_run("eve", "mine", name="plain", summary={"x": 1})
    server.store.create_run("eve", "mine", name="tricky", summary={tricky: 5})
    data = eve(RUNS, entity="eve", project="mine", filters=jdump({f"summary_metrics.{tricky}": 5}))
    assert [e["node"]["name"] for e in data["project"]["runs"]["edges"]] == ["tricky"]
    assert data["project"]["runCount"] == 1
    exfiltrate = {
        "config.a') IS NULL OR (SELECT count(*) FROM users WHERE api_key LIKE 'a%') > 0 OR ('": 1
    }
    body = eve.raw(RUNS, entity="eve", project="mine", filters=jdump(exfiltrate)).json()
    _assert_no_sql_in_errors(body)
    assert body["data"]["project"]["runCount"] == 0


FUZZ_KEYS = [
    "it's",
    "a'b'c",
    "dollar$sign",
    "$",
    "br[0]",
    "]",
    "[",
    "star*",
    "*",
    "back\\slash",
    "semi;colon -- comment",
    "percent%_",
    "ünïcødé ✓ 日本",
    "emoji 🙂",
    "k" * 5000,
    "paren)",
    "tab\tnew\nline",
    'q"uote',
    '"',
]


@pytest.mark.parametrize("key", FUZZ_KEYS, ids=[repr(k)[:30] for k in FUZZ_KEYS])
def test_f1_fuzzed_keys_filter_and_order_literally(server: LocalServer, eve: Gql, key: str) -> None:
    """Quotes, ``$``, brackets, ``*``, unicode and very long keys in filter keys and
    orders: matched as literal keys, never SQL, never an SQL error."""
    server.store.create_run("eve", "fz", name="low", summary={key: 1})
    server.store.create_run("eve", "fz", name="high", summary={key: 2})
    server.store.create_run("eve", "fz", name="none", summary={})
    for prefix in ("summary_metrics", "config"):
        body = eve.raw(
            RUNS, entity="eve", project="fz", filters=jdump({f"{prefix}.{key}": {"$gte": 1}})
        ).json()
        _assert_no_sql_in_errors(body)
        assert "errors" not in body, body
    data = eve(RUNS, entity="eve", project="fz", filters=jdump({f"summary_metrics.{key}": 2}))
    assert [e["node"]["name"] for e in data["project"]["runs"]["edges"]] == ["high"]
    data = eve(RUNS, entity="eve", project="fz", order=f"-summary_metrics.{key}")
    assert [e["node"]["name"] for e in data["project"]["runs"]["edges"]] == ["high", "low", "none"]


@pytest.mark.parametrize(
    "bad",
    [
        {"summary_metrics.": 1},
        {"summary_metrics.a..b": 1},
        {"nope.x": 1},
        {"x' OR 1=1 --": 1},
    ],
)
def test_f1_unusable_keys_are_clear_errors_without_sql(eve: Gql, bad: JSON) -> None:
    eve('mutation { upsertModel(input: {name: "fz"}) { project { id } } }')
    body = eve.raw(RUNS, entity="eve", project="fz", filters=jdump(bad)).json()
    assert body["errors"]
    _assert_no_sql_in_errors(body)


@pytest.mark.parametrize(
    "order", ["-summary_metrics.a..b", "-config.", "+nope", "+x' || (SELECT 1) || '", "+" * 3]
)
def test_f1_unusable_orders_are_clear_errors_without_sql(eve: Gql, order: str) -> None:
    eve('mutation { upsertModel(input: {name: "fz"}) { project { id } } }')
    body = eve.raw(RUNS, entity="eve", project="fz", order=order).json()
    assert body["errors"]
    _assert_no_sql_in_errors(body)


def test_f1_unexpected_errors_do_not_leak_their_text(server: LocalServer, gql: Gql) -> None:
    """A failure inside the server (here: a corrupt stored config) is reported without
    the exception's text, which for SQLite would be SQL."""
    run = server.store.create_run("demo", "p", name="r")
    with server.store.transaction() as db:  # simulate corruption behind the API's back
        db.execute("UPDATE runs SET config = 'not json {' WHERE id = ?", (run["id"],))
    body = gql.raw(
        'query { project(name: "p", entityName: "demo") { run(name: "r") { config(keys: ["a"]) } } }'
    ).json()
    assert body["errors"]
    message = body["errors"][0]["message"]
    assert "Expecting" not in message and "line 1" not in message
    assert "internal" in message.lower()


# ---------------------------------------------------------------------- the entity filter
def test_run_filter_on_entity_is_accepted(server: LocalServer, gql: Gql) -> None:
    """``entity`` is a documented run filter field (official client reference)."""
    server.store.create_run("demo", "p", name="r")
    data = gql(RUNS, entity="demo", project="p", filters=jdump({"entity": "demo"}))
    assert [e["node"]["name"] for e in data["project"]["runs"]["edges"]] == ["r"]
    data = gql(RUNS, entity="demo", project="p", filters=jdump({"entity": "other"}))
    assert data["project"]["runs"]["edges"] == []
    data = gql(RUNS, entity="demo", project="p", filters=jdump({"entity": {"$in": ["demo"]}}))
    assert data["project"]["runCount"] == 1


# ---------------------------------------------------------------------- F2 file routes
def _file_url(server: LocalServer, project: str, name: str) -> str:
    return f"{server.base_url}/files/demo/{project}/r/{name}"


def _seed_files(server: LocalServer, access: str) -> None:
    server.store.create_project("demo", "priv", access="PRIVATE")
    server.store.create_project("demo", "pub", access=access)
    for project in ("priv", "pub"):
        run = server.store.create_run("demo", project, name="r")
        server.store.add_file(int(run["id"]), "config.yaml", b"secret: 1")


def test_f2_file_routes_refuse_other_users_private_runs(server: LocalServer) -> None:
    _seed_files(server, "PUBLIC")
    eve = {"Authorization": f"Bearer {server.add_user('eve')}"}
    url = _file_url(server, "priv", "config.yaml")
    assert httpx.get(url, headers=eve).status_code == 404
    assert httpx.head(url, headers=eve).status_code == 404
    assert httpx.put(url, content=b"pwned", headers=eve).status_code == 404
    new = _file_url(server, "priv", "new.txt")
    assert httpx.put(new, content=b"planted", headers=eve).status_code == 404
    demo = {"Authorization": f"Bearer {server.api_key}"}
    assert httpx.get(url, headers=demo).content == b"secret: 1"
    assert httpx.get(new, headers=demo).status_code == 404


def test_f2_public_run_files_are_readable_but_not_writable_by_others(server: LocalServer) -> None:
    _seed_files(server, "PUBLIC")
    eve = {"Authorization": f"Bearer {server.add_user('eve')}"}
    url = _file_url(server, "pub", "config.yaml")
    assert httpx.get(url, headers=eve).content == b"secret: 1"
    assert httpx.put(url, content=b"pwned", headers=eve).status_code == 403
    assert (
        httpx.put(_file_url(server, "pub", "x.txt"), content=b"x", headers=eve).status_code == 403
    )
    demo = {"Authorization": f"Bearer {server.api_key}"}
    assert httpx.get(url, headers=demo).content == b"secret: 1"


FILE_URLS = """
query { project(name: "pub", entityName: "demo") { run(name: "r") {
  files { edges { node { name directUrl uploadUrl url(upload: true) } } } } } }
"""


def test_f2_upload_urls_are_only_for_writers(server: LocalServer, eve: Gql, gql: Gql) -> None:
    _seed_files(server, "PUBLIC")
    node = eve(FILE_URLS)["project"]["run"]["files"]["edges"][0]["node"]
    assert node["uploadUrl"] is None
    assert node["url"] is None
    assert httpx.get(node["directUrl"]).content == b"secret: 1"
    assert httpx.put(node["directUrl"], content=b"pwned").status_code == 401
    own = gql(FILE_URLS)["project"]["run"]["files"]["edges"][0]["node"]
    assert httpx.put(own["uploadUrl"], content=b"new: 2").status_code == 200


def test_f2_signed_urls_follow_the_projects_access(server: LocalServer, eve: Gql) -> None:
    """A download URL handed to a reader stops working once the project turns private."""
    _seed_files(server, "PUBLIC")
    url = eve(FILE_URLS)["project"]["run"]["files"]["edges"][0]["node"]["directUrl"]
    assert httpx.get(url).status_code == 200
    server.store.create_project("demo", "pub", access="PRIVATE")
    assert httpx.get(url).status_code == 404


RESOLVER_PROBES = [
    'query { project(name: "priv", entityName: "demo") { id } }',
    'query { entity(name: "demo") { project(name: "priv") { id } } }',
    'query { entity(name: "demo") { projects { edges { node { name } } } } }',
    'query { models(entityName: "demo") { edges { node { name } } } }',
]


def test_f2_resolvers_hide_private_projects_from_non_members(server: LocalServer, eve: Gql) -> None:
    _seed_files(server, "PUBLIC")
    seen = json.dumps([eve(q) for q in RESOLVER_PROBES])
    assert "priv" not in seen
    assert '"pub"' in seen


WRITE_PROBES = [
    ('mutation { upsertBucket(input: {entityName: "demo", modelName: "pub", name: "x"})'
     " { bucket { id } } }"),
    ('mutation { upsertModel(input: {entityName: "demo", name: "pub", description: "x"})'
     " { project { id } } }"),
    ('mutation { createRunFiles(input: {entityName: "demo", projectName: "pub", runName: "r",'
     ' files: ["a"]}) { files { name } } }'),
    ('mutation { upsertSweep(input: {entityName: "demo", projectName: "pub",'
     ' config: "method: grid"}) { sweep { id } } }'),
]  # fmt: skip


@pytest.mark.parametrize("mutation", WRITE_PROBES)
def test_f2_writes_need_membership_even_on_public_projects(
    server: LocalServer, eve: Gql, mutation: str
) -> None:
    _seed_files(server, "PUBLIC")
    assert any("permission" in m for m in eve.errors(mutation))


# ---------------------------------------------------------------------- F9 work before auth
def _chunks(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(chunk, total - sent)
        sent += chunk


def _post_big(server: LocalServer, size: int, headers: dict[str, str]) -> int:
    """POST a ``size``-byte body with Content-Length; the status, or 0 if the server
    hung up before the client finished sending (the server did not read it)."""
    try:
        response = httpx.post(
            f"{server.base_url}/graphql",
            content=_chunks(size),
            headers={**headers, "Content-Length": str(size)},
            timeout=60,
        )
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        return 0
    return response.status_code


def test_f9_unauthenticated_body_is_not_read(server: LocalServer) -> None:
    status = _post_big(server, 20 * 1024 * 1024, {})
    assert status in (0, 401)
    record = server.requests[-1]
    assert record.status == 401
    assert record.request_bytes == 0


def test_f9_oversized_body_is_413(server: LocalServer) -> None:
    size = server.app.limits.max_graphql_bytes + 1
    status = _post_big(server, size, {"Authorization": f"Bearer {server.api_key}"})
    assert status in (0, 413)
    record = server.requests[-1]
    assert record.status == 413
    assert record.request_bytes == 0


def test_f9_oversized_chunked_body_is_413(server: LocalServer) -> None:
    """Without Content-Length the server stops reading at the limit."""
    size = server.app.limits.max_graphql_bytes * 2

    def body() -> Iterator[bytes]:
        yield from _chunks(size)

    try:
        status = httpx.post(
            f"{server.base_url}/graphql",
            content=body(),
            headers={"Authorization": f"Bearer {server.api_key}"},
            timeout=60,
        ).status_code
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        status = 0
    assert status in (0, 413)
    assert server.requests[-1].status == 413
    assert server.requests[-1].request_bytes <= server.app.limits.max_graphql_bytes + (1 << 20)


def test_f9_document_cache_is_bounded(server: LocalServer, gql: Gql) -> None:
    cache = server.app.documents
    for i in range(cache.max_entries + 50):
        assert gql(f"query Q{i} {{ viewer {{ id }} }}")["viewer"]
    assert len(cache) <= cache.max_entries
    big = "query Big { viewer { " + " ".join(["id"] * (cache.max_entry_bytes // 3)) + " } }"
    gql.raw(big)
    assert cache.total_bytes <= cache.max_bytes
    assert big not in cache


def test_f9_unauthenticated_requests_are_not_parsed_or_cached(server: LocalServer) -> None:
    before = len(server.app.documents)
    response = httpx.post(f"{server.base_url}/graphql", json={"query": "query Z { viewer { id } }"})
    assert response.status_code == 401
    assert len(server.app.documents) == before


# ---------------------------------------------------------------------- F10 cost limits
def _nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"projects {{ edges {{ node {{ name entity {{ name {inner} }} }} }} }}"
    return f'query Deep {{ entity(name: "demo") {{ {inner} }} }}'


def test_f10_deep_query_is_refused(gql: Gql) -> None:
    messages = gql.errors(_nested(10))
    assert any("depth" in m or "cost" in m for m in messages), messages


def test_f10_costly_wide_query_is_refused(gql: Gql) -> None:
    query = (
        'query Wide { entity(name: "demo") { projects(first: 10000) { edges { node {'
        " runs(first: 10000) { edges { node { name config summaryMetrics"
        " files(first: 10000) { edges { node { name } } } } } } } } } } }"
    )
    messages = gql.errors(query)
    assert any("cost" in m for m in messages), messages


def test_f10_many_aliases_are_refused(gql: Gql) -> None:
    fields = " ".join(
        f'a{i}: entity(name: "demo") {{ projects(first: 10000) {{ edges {{ node {{ name }} }} }} }}'
        for i in range(500)
    )
    messages = gql.errors(f"query Aliases {{ {fields} }}")
    assert any("cost" in m or "too" in m for m in messages), messages


def test_f10_catastrophic_regex_finishes(server: LocalServer, gql: Gql) -> None:
    """``^(a+)+$`` against ``aaa...a!`` backtracks exponentially in Python's ``re``; the
    server's engine answers (no match) instead of blocking the server."""
    server.store.create_run("demo", "p", name="a" * 40 + "!")
    server.store.create_run("demo", "p", name="a" * 40)
    gql.http.timeout = httpx.Timeout(60)
    data = gql(RUNS, entity="demo", project="p", filters=jdump({"name": {"$regex": "^(a+)+$"}}))
    assert [e["node"]["name"] for e in data["project"]["runs"]["edges"]] == ["a" * 40]


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=a)b", "(?<=a)b", "(?(1)a|b)", "(?>a+)b", "a++"])
def test_f10_regex_features_without_a_bound_are_refused(
    server: LocalServer, gql: Gql, pattern: str
) -> None:
    server.store.create_run("demo", "p", name="r")
    messages = gql.errors(
        RUNS, entity="demo", project="p", filters=jdump({"name": {"$regex": pattern}})
    )
    assert any("regex" in m for m in messages), messages


# ---------------------------------------------------------------------- F12 atomic upsert
UPSERT = """
mutation Up($name: String!) {
  upsertBucket(input: {entityName: "demo", modelName: "race", name: $name}) { inserted }
}
"""


def test_f12_concurrent_upsert_bucket_of_one_name_makes_one_run(server: LocalServer) -> None:
    errors: list[Any] = []
    inserted: list[bool] = []
    names = [f"run-{i}" for i in range(15)]
    barrier = threading.Barrier(6)

    def worker() -> None:
        with Gql(server) as client:
            barrier.wait()
            for name in names:
                body = client.raw(UPSERT, name=name).json()
                if body.get("errors"):
                    errors.append(body["errors"])
                else:
                    inserted.append(body["data"]["upsertBucket"]["inserted"])

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert inserted.count(True) == len(names)
    project = server.store.project("demo", "race")
    assert project is not None
    assert server.store.run_count(int(project["id"])) == len(names)


# ---------------------------------------------------------------------- F13 JSONString input
BUCKET = """
mutation B($config: JSONString, $summary: JSONString) {
  upsertBucket(input: {entityName: "demo", modelName: "p", name: "r", config: $config,
                       summaryMetrics: $summary}) { bucket { id } }
}
"""
LIST_CONFIGS = """
query { project(name: "p", entityName: "demo") { runs { edges { node { name config
  summaryMetrics } } } } }
"""


@pytest.mark.parametrize(
    ("config", "summary"),
    [("{oops", None), (None, "{oops"), ("[1, 2]", None), (None, '"text"'), ("", None)],
)
def test_f13_invalid_json_inputs_are_refused(
    gql: Gql, config: str | None, summary: str | None
) -> None:
    gql(BUCKET, config='{"lr": {"value": 1}}')
    messages = gql.errors(BUCKET, config=config, summary=summary)
    assert any("JSON" in m for m in messages), messages
    runs = gql(LIST_CONFIGS)["project"]["runs"]["edges"]
    assert json.loads(runs[0]["node"]["config"]) == {"lr": {"value": 1}}


def test_f13_invalid_inline_json_literal_is_refused(gql: Gql) -> None:
    messages = gql.errors(
        'mutation { upsertBucket(input: {entityName: "demo", modelName: "p", name: "r",'
        ' config: "{oops"}) { bucket { id } } }'
    )
    assert any("JSON" in m for m in messages), messages
    assert gql(LIST_CONFIGS)["project"] is None


def test_f13_invalid_filters_and_specs_are_graphql_errors(server: LocalServer, gql: Gql) -> None:
    server.store.create_run("demo", "p", name="r")
    assert gql.errors(RUNS, entity="demo", project="p", filters="{oops")
    query = (
        'query($s: [JSONString!]!) { project(name: "p", entityName: "demo") {'
        ' run(name: "r") { sampledHistory(specs: $s) } } }'
    )
    assert gql.errors(query, s=["{oops"])


# ---------------------------------------------------------------------- F14 paging
PROJECT_PAGES = {
    "entity": """
query P($after: String) { entity(name: "demo") { projects(first: 2, after: $after) {
  edges { node { name } } pageInfo { endCursor hasNextPage } } } }""",
    "models": """
query P($after: String) { models(entityName: "demo", first: 2, after: $after) {
  edges { node { name } } pageInfo { endCursor hasNextPage } } }""",
}


@pytest.mark.parametrize("listing", sorted(PROJECT_PAGES))
def test_f14_private_projects_do_not_hide_public_ones(
    server: LocalServer, eve: Gql, listing: str
) -> None:
    for i in range(5):
        server.store.create_project("demo", f"private-{i}")
    server.store.create_project("demo", "public-a", access="PUBLIC")
    server.store.create_project("demo", "public-b", access="PUBLIC")
    seen: list[str] = []
    after = None
    for _ in range(10):
        data = eve(PROJECT_PAGES[listing], after=after)
        conn = data["entity"]["projects"] if listing == "entity" else data["models"]
        names = [e["node"]["name"] for e in conn["edges"]]
        if conn["pageInfo"]["hasNextPage"]:
            assert names, "a page with more to come must not be empty"
            assert conn["pageInfo"]["endCursor"]
        seen += names
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == ["public-a", "public-b"]


# ---------------------------------------------------------------------- F26 emails & stats
EMAILS = """
query { entity(name: "demo") { members { username email } user { email } } }
"""


def test_f26_other_users_emails_are_hidden(server: LocalServer, eve: Gql, gql: Gql) -> None:
    server.store.create_project("demo", "pub", access="PUBLIC")
    server.store.create_run("demo", "pub", name="r")
    data = eve(EMAILS)
    assert data["entity"]["members"] == [{"username": "demo", "email": None}]
    assert data["entity"]["user"] == {"email": None}
    run = eve(
        'query { project(name: "pub", entityName: "demo") { user { email }'
        ' run(name: "r") { user { email } } } }'
    )["project"]
    assert run == {"user": {"email": None}, "run": {"user": {"email": None}}}
    assert eve("query { viewer { email } }") == {"viewer": {"email": "eve@example.com"}}
    # the admin (the server's main user) sees everyone's
    assert gql(EMAILS)["entity"]["members"] == [{"username": "demo", "email": "demo@example.com"}]
    assert gql('query { entity(name: "eve") { user { email } } }') == {
        "entity": {"user": {"email": "eve@example.com"}}
    }


def test_f26_stats_reset_needs_an_admin_key(server: LocalServer) -> None:
    eve_key = server.add_user("eve")
    with httpx.Client(base_url=server.base_url) as http:
        assert http.post("/_local/stats/reset").status_code == 401
        eve = {"Authorization": f"Bearer {eve_key}"}
        assert http.post("/_local/stats/reset", headers=eve).status_code == 403
        admin = {"Authorization": f"Bearer {server.api_key}"}
        assert http.post("/_local/stats/reset", headers=admin).status_code == 200
        assert http.get("/_local/stats").status_code == 401
        assert http.get("/_local/stats", headers=eve).status_code == 200


def test_f10_limits_admit_every_operation_of_ours_with_large_pages() -> None:
    """The limits refuse abuse, not clients: every operation in ``queries/`` passes with
    every integer variable (page sizes) at 1,000, but the versions listed per job (the
    facade asks for a few: a job's latest versions) at 10."""
    from pathlib import Path

    from graphql import OperationDefinitionNode, parse

    from wandb_typed.testing._limits import ServerLimits, check_cost, count_fields
    from wandb_typed.testing._resolvers import build_schema

    schema, limits = build_schema(), ServerLimits()
    root = Path(__file__).resolve().parents[2] / "queries"
    checked = 0
    for path in sorted(root.glob("*.graphql")):
        document = parse(path.read_text(), max_tokens=limits.max_tokens)
        assert count_fields(document) <= limits.max_fields, path
        for op in document.definitions:
            if isinstance(op, OperationDefinitionNode) and op.name is not None:
                variables = {
                    v.variable.name.value: 10 if v.variable.name.value == "versionsPerJob" else 1000
                    for v in op.variable_definitions or ()  # None in graphql-core 3.3
                }
                assert check_cost(schema, document, op.name.value, variables, limits) is None
                checked += 1
    assert checked >= 19


@pytest.mark.parametrize("key", ["it's", 'q"uote', "ünï", "a.b", "$[0]*"])
def test_f1_history_keys_are_bound_and_literal(server: LocalServer, gql: Gql, key: str) -> None:
    """``sampledHistory`` keys (quotes, unicode, dots) select exactly that key."""
    run = server.store.create_run("demo", "p", name="r")
    server.store.add_history_rows(int(run["id"]), [{key: 1}, {"other": 2}, {key: 3}])
    query = (
        'query($s: [JSONString!]!) { project(name: "p", entityName: "demo") {'
        ' run(name: "r") { sampledHistory(specs: $s) } } }'
    )
    data = gql(query, s=[jdump({"keys": ["_step", key], "samples": 10})])
    rows = data["project"]["run"]["sampledHistory"][0]
    assert rows == [{"_step": 0, key: 1}, {"_step": 2, key: 3}]


def test_f9_limits_are_configurable_per_server() -> None:
    from wandb_typed.testing import ServerLimits

    limits = ServerLimits(max_graphql_bytes=1000, max_depth=3)
    with LocalServer(limits=limits) as server, Gql(server) as client:
        assert client("{ viewer { username } }") == {"viewer": {"username": "demo"}}
        assert any("depth" in m for m in client.errors(_nested(1)))
        padded = client.http.post(
            "/graphql", json={"query": "{ viewer { username } }", "pad": "x" * 2000}
        )
        assert padded.status_code == 413
