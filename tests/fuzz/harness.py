"""The schema-driven fuzz of the local server: schemathesis in GraphQL mode.

Every root field the server binds a resolver to (queries and mutations) gets
``examples`` generated documents (hypothesis-graphql through schemathesis, a fixed
seed), with strategies for the scalars that aim at what the demo data holds:
``String`` mostly demo names (entities, projects, runs, artifacts, aliases) and
sometimes any text; ``ID`` base64 global ids (``Type:N``) of every object type, with
odd digits (``²``, 40 nines) among them; ``JSONString`` JSON text (filter-like
documents, any JSON, broken text); ``DateTime`` ISO dates and garbage; ``Int64`` and
``Int`` across and beyond their ranges. Each document is sent over HTTP to a
demo-seeded :class:`LocalServer`, as the demo user or a second user (``eve``),
alternating by the draw. A finding is any of: HTTP 5xx, a body that is not JSON,
an internal error (``INTERNAL_SERVER_ERROR``), or a null for a non-null field
(graphql-core's "Cannot return null for non-nullable field").

Root fields without a resolver (the server does not serve them: every request
for one ends in a null for a non-null field) are listed as skipped, not fuzzed.
``python -m tests.fuzz`` (``scripts/fuzz``) runs it; ``scripts/test`` runs the CI
setting (:data:`CI`).
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from wandb_typed.testing import DemoInfo, LocalServer

__all__ = ["CI", "LONG", "Finding", "Report", "Setting", "classify", "fuzz"]


@dataclass(frozen=True)
class Setting:
    """How much to fuzz: examples per root field, the seed, and a time budget after
    which no more examples are generated (what ran is reported)."""

    examples: int
    seed: int
    budget: float


#: What ``scripts/test`` runs on every submission: 60 examples of each of the 71 bound
#: root fields, 4,232 requests in about 80 s on 2 quiet cores (plus ~10 s of demo
#: seeding), about 160 s on busy ones; the budget stops it early on a slower machine
#: (what ran is reported).
CI = Setting(examples=60, seed=17, budget=240.0)
#: ``scripts/fuzz --long``: a deeper run, for before a release or after a server change.
LONG = Setting(examples=400, seed=17, budget=3600.0)


@dataclass(frozen=True)
class Finding:
    """One request the server answered wrongly."""

    operation: str
    kind: str
    detail: str
    query: str


@dataclass
class Report:
    """What a fuzz run did and found."""

    setting: Setting
    requests: int = 0
    seconds: float = 0.0
    per_operation: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    out_of_time: bool = False

    def summary(self) -> str:
        kinds = Counter(f.kind for f in self.findings)
        lines = [
            f"fuzz: {self.requests} requests over {len(self.per_operation)} root fields "
            f"({self.setting.examples} examples each, seed {self.setting.seed}) in "
            f"{self.seconds:.1f} s; outcomes {dict(sorted(self.outcomes.items()))}",
            f"fuzz: skipped (no resolver): {', '.join(self.skipped) or '-'}",
        ]
        if self.out_of_time:
            lines.append(f"fuzz: stopped at the {self.setting.budget:.0f} s budget")
        if not self.findings:
            lines.append("fuzz: found nothing")
        else:
            lines.append(f"fuzz: {len(self.findings)} findings {dict(kinds)}")
            shown: Counter[tuple[str, str]] = Counter()
            for finding in self.findings:
                key = (finding.operation, finding.kind)
                shown[key] += 1
                if shown[key] <= 2:
                    lines.append(f"  {finding.operation}: {finding.kind}: {finding.detail}")
                    lines.append("    " + finding.query.replace("\n", "\n    ")[:2000])
        return "\n".join(lines)


# ---------------------------------------------------------------- the verdict

_NULL = "Cannot return null for non-nullable field"


def classify(status: int, body: bytes) -> list[tuple[str, str]]:
    """``(kind, detail)`` of every way one answer is wrong; empty when it is fine
    (data, or errors the client can act on: a 4xx, a refusal, a validation error)."""
    if status >= 500:
        return [("HTTP 5xx", f"HTTP {status}: {body[:200]!r}")]
    try:
        payload: object = json.loads(body)
    except ValueError:
        return [("non-JSON body", f"HTTP {status}: {body[:200]!r}")]
    if not isinstance(payload, dict):
        return [("non-JSON body", f"HTTP {status}: a JSON {type(payload).__name__}")]
    found: list[tuple[str, str]] = []
    errors = payload.get("errors") or []
    for error in errors if isinstance(errors, list) else [errors]:
        message = str(error.get("message", "")) if isinstance(error, dict) else str(error)
        code = error.get("extensions", {}).get("code") if isinstance(error, dict) else None
        if code == "INTERNAL_SERVER_ERROR" or "internal server error" in message:
            found.append(("internal error", f"{message[:200]} at {error.get('path')}"))
        elif _NULL in message:
            found.append(("null for a non-null field", message[:200]))
    return found


def outcome(status: int, body: bytes) -> str:
    """A short name of what the server answered, for the report's tally."""
    try:
        payload: object = json.loads(body)
    except ValueError:
        return f"HTTP {status} non-JSON"
    if isinstance(payload, dict) and payload.get("errors"):
        return f"HTTP {status} errors"
    return f"HTTP {status} data"


# ---------------------------------------------------------------- strategies


def _names(info: DemoInfo, server: LocalServer) -> list[str]:
    """Names the demo data holds, so generated documents reach past the lookups."""
    project = server.store.project(info.entity, info.artifact_project)
    runs = server.store.runs_page(int(project["id"]), first=5).rows if project else []
    names = [info.entity, "eve", *info.projects, info.sweep_id, info.report_name]
    names += [str(r["name"]) for r in runs]
    names += [info.model_artifact, info.dataset_artifact, info.job_artifact, *info.artifact_types]
    names += [f"{info.model_artifact}:{a}" for a in ("v0", "v1", "latest", "best")]
    names += [f"{info.entity}/{info.artifact_project}/{info.model_artifact}:latest"]
    names += ["latest", "best", "production", "", "v0", "images/0/0.png", "model.pt"]
    return sorted(set(names))


#: The global id kinds the server parses (``parse_gid(..., "Kind")``), and a stranger.
GID_KINDS = ("Run", "Project", "Artifact", "ArtifactCollection", "Sweep", "File", "User")

#: Text a server must survive: controls, a lone surrogate, odd digits, SQL and YAML.
ODD_TEXT = (
    "\x00", "\x01", "\t", "\r\n", "\ud800", "\udfff", "²", "١٢", "9" * 40, "'; DROP TABLE runs; --",
    "%s", "{{x}}", "a: *b", "- [", "\u202e", "é", "\ufeff",
)  # fmt: skip


def _register_scalars(entity: str, project: str, names: list[str]) -> None:
    """Strategies for the custom scalars, and for ``String``, ``ID`` and ``Int``:
    mostly what the demo holds (the entity and project a third of the time each, so
    lookups succeed and nested resolvers run), with odd text, numbers and ids mixed in."""
    import schemathesis
    from schemathesis.graphql import nodes

    odd = st.lists(st.one_of(st.characters(), st.sampled_from(ODD_TEXT)), max_size=12).map("".join)
    text = st.one_of(st.text(max_size=30), odd)
    known = st.one_of(st.just(entity), st.just(project), st.sampled_from(names))
    odd_digits = st.sampled_from(["²", "١٢", "9" * 40, "0", "-1", "1e3", " 1", "9" * 5000])
    pk = st.one_of(st.integers(1, 60).map(str), odd_digits)
    gids = st.builds(
        lambda kind, n: base64.b64encode(f"{kind}:{n}".encode()).decode(),
        st.sampled_from(GID_KINDS), pk,
    )  # fmt: skip
    numbers = st.one_of(st.integers(-(2**70), 2**70), st.integers(-(10**400), 10**400), st.floats())
    json_values = st.recursive(
        st.none() | st.booleans() | numbers | text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
        max_leaves=12,
    )
    fields = st.sampled_from(
        ["state", "name", "displayName", "tags", "config.lr", "summary_metrics.acc",
         "createdAt", "username", "sweep", "config.a.b", "id", "alias", "version", "\ud800"]
    )  # fmt: skip
    ops = st.sampled_from(["$eq", "$ne", "$gt", "$lt", "$in", "$nin", "$exists", "$regex", "$size"])
    condition = json_values | st.dictionaries(ops, json_values, min_size=1, max_size=2)
    filters = st.recursive(
        st.dictionaries(fields, condition, max_size=3),
        lambda inner: st.dictionaries(
            st.sampled_from(["$and", "$or"]), st.lists(inner, max_size=3)
        ),
        max_leaves=8,
    )
    flat = st.integers(900, 6000).map(lambda n: {"$and": [{"config.a": i} for i in range(n)]})
    json_text = st.one_of(
        filters.map(json.dumps), filters.map(json.dumps), json_values.map(json.dumps),
        flat.map(json.dumps), text, st.just('{"a": 1'),
        st.integers(100, 6000).map(lambda n: "[" * n + "]" * n),
    )  # fmt: skip
    dates = st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"), st.dates().map(str), text)
    schemathesis.graphql.scalar("String", st.one_of(known, known, text).map(nodes.String))
    schemathesis.graphql.scalar("ID", st.one_of(gids, gids, known, text).map(nodes.String))
    schemathesis.graphql.scalar("JSONString", json_text.map(nodes.String))
    schemathesis.graphql.scalar("JSON", json_text.map(nodes.String))
    schemathesis.graphql.scalar("DateTime", dates.map(nodes.String))
    schemathesis.graphql.scalar(
        "Int64", st.one_of(st.integers(-(2**70), 2**70).map(nodes.Int), pk.map(nodes.String))
    )
    schemathesis.graphql.scalar(
        "Int", st.one_of(st.integers(-5, 1100), st.integers(-(2**40), 2**40)).map(nodes.Int)
    )


# ---------------------------------------------------------------- the run


def _bound_root_fields(server: LocalServer) -> tuple[set[str], list[str]]:
    """``Type.field`` of the root fields with a resolver, and those without."""
    schema = server.app.schema
    bound: set[str] = set()
    unbound: list[str] = []
    for root in (schema.query_type, schema.mutation_type):
        if root is None:
            continue
        for name, definition in root.fields.items():
            label = f"{root.name}.{name}"
            (bound.add(label) if definition.resolve is not None else unbound.append(label))
    return bound, sorted(unbound)


def fuzz(
    setting: Setting, only: set[str] | None = None, server: LocalServer | None = None
) -> Report:
    """Fuzz a demo-seeded server with two users (or ``server``, as it is, with a
    second user added); ``only`` limits the run to those ``Type.field`` labels."""
    if server is None:
        with LocalServer() as fresh:
            info = fresh.seed_demo()
            return _fuzz(fresh, info, setting, only)
    return _fuzz(server, None, setting, only)


def _fuzz(
    server: LocalServer, info: DemoInfo | None, setting: Setting, only: set[str] | None
) -> Report:
    import schemathesis
    from schemathesis.core.result import Err

    from wandb_typed.testing._resolvers import schema_sdl

    report = Report(setting)
    keys = [server.api_key, server.add_user("eve")]
    bound, report.skipped = _bound_root_fields(server)
    if info is not None:
        _register_scalars(info.entity, info.artifact_project, _names(info, server))
    else:
        _register_scalars("demo", "mnist", ["demo", "eve", "mnist"])
    schema = schemathesis.graphql.from_file(schema_sdl())
    started = time.monotonic()
    deadline = started + setting.budget
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        for result in schema.get_all_operations():
            if isinstance(result, Err):  # a field schemathesis cannot build: the run fails
                raise RuntimeError(f"schemathesis cannot fuzz a field: {result.err()}")
            operation = result.ok()
            label = operation.label
            if label not in bound or (only is not None and label not in only):
                continue
            if time.monotonic() > deadline:
                report.out_of_time = True
                break
            _fuzz_operation(operation.as_strategy(), label, http, keys, setting, deadline, report)
    report.seconds = time.monotonic() - started
    return report


def _fuzz_operation(
    cases: st.SearchStrategy[Any],
    label: str,
    http: httpx.Client,
    keys: list[str],
    setting: Setting,
    deadline: float,
    report: Report,
) -> None:
    @seed(setting.seed)
    @settings(
        max_examples=setting.examples, deadline=None, database=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(case=cases, user=st.sampled_from(keys))
    def one(case: Any, user: str) -> None:
        if time.monotonic() > deadline:
            report.out_of_time = True
            return
        query = str(case.body)
        response = http.post(
            "/graphql",
            content=json.dumps({"query": query}),  # \\u escapes: any text can be sent
            headers={"Authorization": f"Bearer {user}", "Content-Type": "application/json"},
        )
        report.requests += 1
        report.per_operation[label] += 1
        report.outcomes[outcome(response.status_code, response.content)] += 1
        for kind, detail in classify(response.status_code, response.content):
            report.findings.append(Finding(label, kind, detail, query))

    one()
