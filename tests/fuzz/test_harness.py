"""The fuzz harness itself: it reports what it must (HTTP 5xx, a non-JSON body, an
internal error, a null for a non-null field) and nothing else. The fuzz proper runs
in ``scripts/test`` (``python -m tests.fuzz``), not here."""

from __future__ import annotations

import json

import pytest

from wandb_typed.testing import FaultPlan, LocalServer

from .harness import Setting, classify, fuzz

TINY = Setting(examples=4, seed=1, budget=600.0)


def test_classify_names_every_kind_and_passes_client_errors() -> None:
    assert classify(502, b"<html>") == [("HTTP 5xx", "HTTP 502: b'<html>'")]
    assert classify(200, b"<html>")[0][0] == "non-JSON body"
    assert classify(200, b"[1]")[0][0] == "non-JSON body"
    internal = {"errors": [{"message": "x", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}
    assert classify(200, json.dumps(internal).encode())[0][0] == "internal error"
    null = {"errors": [{"message": "Cannot return null for non-nullable field Query.x."}]}
    assert classify(200, json.dumps(null).encode())[0][0] == "null for a non-null field"
    refused = {"errors": [{"message": "not found", "extensions": {"code": "NOT_FOUND"}}]}
    assert classify(200, json.dumps(refused).encode()) == []
    assert classify(400, json.dumps({"errors": [{"message": "bad"}]}).encode()) == []
    assert classify(200, b'{"data": {"viewer": null}}') == []


@pytest.mark.parametrize(("fault", "kind"), [("500", "HTTP 5xx"), ("non_json", "non-JSON body")])
def test_a_failing_server_is_reported(fresh: LocalServer, fault: str, kind: str) -> None:
    fresh.faults = FaultPlan(rate=1.0, kinds=(fault,))
    report = fuzz(TINY, {"Query.viewer"}, server=fresh)
    assert report.requests == TINY.examples
    assert {f.kind for f in report.findings} == {kind}
    assert len(report.findings) == report.requests
    assert "findings" in report.summary()


def test_an_internal_error_is_reported(fresh: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(fresh.store, "project", broken)
    report = fuzz(Setting(examples=30, seed=1, budget=600.0), {"Query.project"}, server=fresh)
    assert report.findings
    assert {f.kind for f in report.findings} == {"internal error"}


def test_a_healthy_server_yields_nothing_and_unbound_fields_are_skipped(
    fresh: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    query_type = fresh.app.schema.query_type
    assert query_type is not None
    monkeypatch.setattr(query_type.fields["serverInfo"], "resolve", None)  # as if unserved
    report = fuzz(TINY, {"Query.viewer", "Query.serverInfo"}, server=fresh)
    assert report.findings == []
    assert set(report.per_operation) == {"Query.viewer"}
    assert "Query.serverInfo" in report.skipped
    assert "Query.viewer" not in report.skipped
    assert "found nothing" in report.summary()
