"""Settings resolution: precedence, validation, and the key never showing up."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from wandb_typed import Api, AsyncApi, InputError, RetryPolicy
from wandb_typed.config import DEFAULT_BASE_URL, DEFAULT_TIMEOUT

KEY_ARG = "a" * 40
KEY_ENV = "e" * 40
KEY_NETRC = "n" * 40
KEY_FILE = "f" * 40

ENV_VARS = (
    "WANDB_API_KEY",
    "WANDB_BASE_URL",
    "WANDB_ENTITY",
    "WANDB_PROJECT",
    "WANDB_HTTP_TIMEOUT",
    "WANDB_CONFIG_DIR",
    "WANDB_DIR",
    "WANDB_ORGANIZATION",
    "NETRC",
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME and working directory, with no W&B variables set."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path / "home"


def write_settings(path: Path, **values: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[default]\n" + "".join(f"{k} = {v}\n" for k, v in values.items()))


def write_netrc(home: Path, machine: str, key: str) -> None:
    netrc = home / ".netrc"
    netrc.write_text(f"machine {machine}\n  login user\n  password {key}\n")
    netrc.chmod(0o600)


def test_defaults(home: Path) -> None:
    api = Api(api_key=KEY_ARG)
    s = api.settings
    assert (s.base_url, s.entity, s.project, s.timeout) == (
        DEFAULT_BASE_URL,
        None,
        "uncategorized",
        DEFAULT_TIMEOUT,
    )
    assert s.api_key_source == "api_key argument"
    assert s.retry == RetryPolicy()


def test_api_key_precedence(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_settings(home / ".config" / "wandb" / "settings", api_key=KEY_FILE)
    assert Api().api_key == KEY_FILE
    write_netrc(home, "api.wandb.ai", KEY_NETRC)
    assert Api().api_key == KEY_NETRC
    monkeypatch.setenv("WANDB_API_KEY", KEY_ENV)
    assert Api().api_key == KEY_ENV
    assert Api(api_key=KEY_ARG).api_key == KEY_ARG


def test_netrc_machine_is_the_base_url_host(home: Path) -> None:
    write_netrc(home, "127.0.0.1:8080", KEY_NETRC)
    api = Api(overrides={"base_url": "http://127.0.0.1:8080"})
    assert api.api_key == KEY_NETRC
    assert "machine 127.0.0.1:8080" in api.settings.api_key_source
    with pytest.raises(InputError, match=r"no W&B API key found for api\.wandb\.ai"):
        Api()  # the entry is for another host


def test_netrc_hostname_without_port(home: Path) -> None:
    write_netrc(home, "wandb.example.com", KEY_NETRC)
    assert Api(overrides={"base_url": "https://wandb.example.com:8443/"}).api_key == KEY_NETRC


def test_base_url_entity_project_precedence(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_settings(
        home / ".config" / "wandb" / "settings",
        base_url="http://global:1",
        entity="g",
        project="gp",
    )
    s = Api(api_key=KEY_ARG).settings
    assert (s.base_url, s.entity, s.project) == ("http://global:1", "g", "gp")
    write_settings(Path("wandb") / "settings", base_url="http://local:2", entity="l")
    s = Api(api_key=KEY_ARG).settings
    assert (s.base_url, s.entity, s.project) == ("http://local:2", "l", "gp")
    monkeypatch.setenv("WANDB_BASE_URL", "http://env:3/")
    monkeypatch.setenv("WANDB_ENTITY", "e")
    monkeypatch.setenv("WANDB_PROJECT", "ep")
    s = Api(api_key=KEY_ARG).settings
    assert (s.base_url, s.entity, s.project) == ("http://env:3", "e", "ep")
    s = Api({"base_url": "http://arg:4", "entity": "a", "project": "ap"}, api_key=KEY_ARG).settings
    assert (s.base_url, s.entity, s.project) == ("http://arg:4", "a", "ap")


def test_timeout_precedence_and_validation(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_HTTP_TIMEOUT", "7.5")
    assert Api(api_key=KEY_ARG).settings.timeout == 7.5
    assert Api(api_key=KEY_ARG, timeout=3).settings.timeout == 3.0
    monkeypatch.setenv("WANDB_HTTP_TIMEOUT", "soon")
    with pytest.raises(InputError, match="WANDB_HTTP_TIMEOUT must be a number"):
        Api(api_key=KEY_ARG)
    monkeypatch.delenv("WANDB_HTTP_TIMEOUT")
    for bad in (0, -1, float("inf"), float("nan"), True, "5"):
        with pytest.raises(InputError, match="timeout must be"):
            Api(api_key=KEY_ARG, timeout=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"base_url": "ftp://x"}, "http\\(s\\) URL"),
        ({"base_url": "http://"}, "http\\(s\\) URL"),
        ({"base_url": "https://user:secret@api.wandb.ai"}, "must not contain credentials"),
        ({"base_url": "https://api.wandb.ai?x=1"}, "query or fragment"),
        ({"entity": "a/b"}, "must not contain '/'"),
        ({"runs": "abc"}, "unknown override"),
        ({"run": "a/b"}, "must not contain '/'"),
        ({"base_url": 5}, "must be a string"),
    ],
)
def test_bad_overrides(home: Path, overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        Api(overrides, api_key=KEY_ARG)  # type: ignore[arg-type]
    assert "secret" not in str(info.value)


def test_missing_or_malformed_key(home: Path) -> None:
    with pytest.raises(InputError, match="WANDB_API_KEY") as info:
        Api()
    assert "netrc" in str(info.value)
    with pytest.raises(InputError, match="whitespace") as bad:
        Api(api_key="abc def" + "x" * 40)
    assert "abc def" not in str(bad.value)
    with pytest.raises(InputError, match="empty"):
        Api(api_key="   ")


def test_malformed_netrc_is_reported(home: Path) -> None:
    (home / ".netrc").write_text("machine api.wandb.ai badtoken x\n")
    (home / ".netrc").chmod(0o600)
    with pytest.raises(InputError, match="cannot read the API key from"):
        Api()


def test_construction_sends_nothing_and_hides_the_key(home: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request to {request.url}")

    api = Api(api_key=KEY_ARG, transport=httpx.MockTransport(refuse))
    aapi = AsyncApi(api_key=KEY_ARG, transport=httpx.MockTransport(refuse))
    for text in (repr(api), str(api), repr(api.settings), str(api.settings), repr(aapi)):
        assert KEY_ARG not in text
    assert "api_key=<from api_key argument>" in repr(api)
    assert api.api_key == KEY_ARG


def test_http_client_and_transport_are_exclusive(home: Path) -> None:
    with pytest.raises(InputError, match="either http_client or transport"):
        Api(
            api_key=KEY_ARG,
            http_client=httpx.Client(),
            transport=httpx.MockTransport(lambda r: httpx.Response(200)),
        )


def test_wrong_client_kind_is_reported_before_any_request(home: Path) -> None:
    with pytest.raises(InputError, match=r"http_client must be a httpx\.Client"):
        Api(api_key=KEY_ARG, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"transport must be a httpx\.AsyncBaseTransport"):
        AsyncApi(api_key=KEY_ARG, transport=httpx.HTTPTransport())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"initial_delay": -1}, "initial_delay"),
        ({"jitter": 2}, "jitter"),
    ],
)
def test_retry_policy_validation(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(InputError, match=message):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=4, jitter=0.25)
    assert [policy.backoff(n, 0.5) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert policy.backoff(1, 0.0) == pytest.approx(0.375)
    assert policy.backoff(1, 0.999999) == pytest.approx(0.625, abs=1e-5)
