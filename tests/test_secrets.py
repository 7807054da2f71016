"""The API key never shows: not in reprs, strs, exception messages or DEBUG logs."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest

from wandb_typed import Api, AsyncApi, WandbError
from wandb_typed.testing import FaultPlan, LocalServer

from .support import FAST_RETRY, make_api, run_async


def forbidden(key: str) -> list[str]:
    """The key, and the Basic credentials it is sent as."""
    return [key, base64.b64encode(f"api:{key}".encode()).decode()]


def test_key_never_appears_anywhere(fresh: LocalServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore
    fresh.store.create_run("demo", "p", name="r1")
    texts: list[str] = []
    api = make_api(fresh, overrides={"entity": "demo"})
    texts += [
        repr(api),
        str(api),
        repr(api.settings),
        str(api.settings),
        repr(api.client.transport),
    ]
    run = api.run("demo/p/r1")
    texts += [repr(run), repr(api.project("p")), repr(api.runs("demo/p")), repr(api.viewer)]
    fresh.faults = FaultPlan(
        rate=1.0, kinds=("500", "429", "reset", "non_json"), seed=3, retry_after=0.01
    )
    errors: list[BaseException] = []
    for call in (lambda: api.project("p"), lambda: run.update(), lambda: api.create_project("x")):
        try:
            run.notes = "changed"
            call()
        except WandbError as exc:
            errors.append(exc)
    fresh.faults = FaultPlan()
    wrong = Api({"base_url": fresh.base_url}, api_key="w" * 40, retry=FAST_RETRY)
    try:
        wrong.viewer  # noqa: B018
    except WandbError as exc:
        errors.append(exc)

    async def scenario(aapi: AsyncApi) -> str:
        return repr(aapi) + repr(await aapi.project("p", entity="demo"))

    texts.append(run_async(scenario, fresh))
    assert len(errors) == 4
    texts += [repr(e) for e in errors] + [str(e) for e in errors]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records, "DEBUG logging produced nothing to check"
    for text in texts:
        for secret in forbidden(fresh.api_key) + forbidden("w" * 40):
            assert secret not in text


def test_key_is_only_sent_to_the_configured_server(fresh: LocalServer) -> None:
    seen: list[tuple[str, str | None]] = []

    class Spy(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append((request.url.host, request.headers.get("authorization")))
            return self.inner.handle_request(request)

    api = Api({"base_url": fresh.base_url}, api_key=fresh.api_key, transport=Spy())
    api.viewer  # noqa: B018
    assert seen == [("127.0.0.1", "Basic " + forbidden(fresh.api_key)[1])]
