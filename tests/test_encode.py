"""F5 and F22 (config keys): config and summary values are encoded the way the official
client encodes them (numpy, datetimes, NaN), and anything else is an InputError naming
the key path, instead of a raw ``PydanticSerializationError`` at ``run.update()``."""

from __future__ import annotations

import enum
import json
import math
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from _wandb_typed_gql.custom_types import serialize_json_string

from wandb_typed import InputError
from wandb_typed._encode import MAX_DEPTH, to_json_object, to_json_value
from wandb_typed.testing import LocalServer

from .support import make_api


class Color(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Plain(enum.Enum):
    A = 1


SUPPORTED: list[tuple[str, object, object]] = [
    ("float32", np.float32(0.1), 0.10000000149011612),
    ("float64", np.float64(0.25), 0.25),
    ("float16", np.float16(0.1), 0.0999755859375),
    ("longdouble", np.longdouble(0.5), 0.5),
    ("int64", np.int64(3), 3),
    ("uint8", np.uint8(200), 200),
    ("bool_", np.bool_(True), True),
    ("str_", np.str_("x"), "x"),
    ("nan32", np.float32("nan"), math.nan),
    ("nan64", np.float64("nan"), math.nan),
    ("-inf32", np.float32("-inf"), -math.inf),
    ("py nan", math.nan, math.nan),
    ("py inf", math.inf, math.inf),
    ("array", np.arange(3), [0, 1, 2]),
    ("array of one", np.array([7]), 7),
    ("0-d array", np.array(2.5), 2.5),
    ("2-d array", np.ones((2, 2), dtype=np.float32), [[1.0, 1.0], [1.0, 1.0]]),
    ("empty array", np.array([]), []),
    ("array with nan", np.array([np.nan, 1.0]), [math.nan, 1.0]),
    ("datetime64", np.datetime64("2024-01-02T03:04:05"), "2024-01-02T03:04:05"),
    ("datetime64[ns]", np.datetime64("2024-01-02T03:04:05.123456789"), 1704164645123456789),
    ("datetime", datetime(2024, 1, 2, 3, 4, 5, 123456), "2024-01-02T03:04:05.123456"),
    ("utc datetime", datetime(2024, 1, 2, tzinfo=timezone.utc), "2024-01-02T00:00:00Z"),
    ("+02:00 datetime", datetime(2024, 1, 2, tzinfo=timezone(timedelta(hours=2))), "2024-01-02T00:00:00+02:00"),
    ("date", date(2024, 1, 2), "2024-01-02"),
    ("tuple", (1, "a", None), [1, "a", None]),
    ("str enum", Color.RED, "red"),
    ("int enum", Level.HIGH, 3),
    ("nested", {"a": {"b": [np.int32(1), (np.float64(2.5),)]}, "c": True}, {"a": {"b": [1, [2.5]]}, "c": True}),
]  # fmt: skip


def same(a: object, b: object) -> bool:
    """Equality where NaN equals NaN and types must match (1 is not 1.0 or True)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize(
    ("value", "expected"), [c[1:] for c in SUPPORTED], ids=[c[0] for c in SUPPORTED]
)
def test_f5_numpy_datetime_and_nan_are_encoded(value: object, expected: object) -> None:
    encoded = to_json_value(value, "config['x']")
    assert same(encoded, expected), encoded
    assert not isinstance(encoded, np.generic)


@pytest.mark.parity
@pytest.mark.parametrize("value", [c[1] for c in SUPPORTED], ids=[c[0] for c in SUPPORTED])
def test_f5_the_json_sent_matches_the_official_encoder(value: object) -> None:
    from wandb.util import json_dumps_safer

    official = json.loads(json_dumps_safer({"v": value}))
    ours = json.loads(serialize_json_string({"v": to_json_value(value, "summary['v']")}))
    assert same(ours, official), (ours, official)
    assert ("NaN" in json_dumps_safer({"v": value})) == (
        "NaN" in serialize_json_string({"v": to_json_value(value, "v")})
    )


def test_f5_large_arrays_become_lists() -> None:
    """The official encoder fails on arrays of more than 32 items ("Circular reference")."""
    assert to_json_value(np.arange(1000), "summary['xs']") == list(range(1000))


REJECTED: list[tuple[str, object, str]] = [
    ("set", {"a": {"b": {1, 2}}}, r"config\['a'\]\['b'\]: a set value cannot be sent as JSON; use a sorted list"),
    ("frozenset", {"a": frozenset()}, r"config\['a'\]: a frozenset value"),
    ("bytes", {"a": [b"x"]}, r"config\['a'\]\[0\]: a bytes value cannot be sent as JSON; decode it"),
    ("numpy bytes", {"a": np.bytes_(b"x")}, r"config\['a'\]: a bytes value"),
    ("object", {"a": object()}, r"config\['a'\]: a object value"),
    ("decimal", {"a": Decimal("1.5")}, r"config\['a'\]: a decimal.Decimal value"),
    ("complex", {"a": 1 + 2j}, r"config\['a'\]: a complex value"),
    ("numpy complex", {"a": np.complex64(1 + 2j)}, r"config\['a'\]: a complex value"),
    ("plain enum", {"a": Plain.A}, r"config\['a'\]: a .*Plain value .*\.value or \.name"),
    ("int key", {1: "x"}, r"config has the key 1 \(int\); keys must be strings"),
    ("nested int key", {"a": {"b": {1: "x"}}}, r"config\['a'\]\['b'\] has the key 1 \(int\)"),
    ("numpy int key", {"a": {np.int64(1): "x"}}, r"config\['a'\] has the key .*\(int64\)"),
    ("None key", {None: 1}, r"config has the key None"),
    ("tuple key", {(1, 2): 1}, r"config has the key \(1, 2\) \(tuple\)"),
    ("object array", {"a": np.array([object(), object()])}, r"config\['a'\]\[0\]: a object value"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"), [c[1:] for c in REJECTED], ids=[c[0] for c in REJECTED]
)
def test_f5_other_types_are_input_errors_naming_the_key_path(value: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        to_json_value(value, "config")


def test_f22_a_non_string_config_key_is_rejected_not_stored_as_a_string() -> None:
    config: dict[Any, Any] = {"lr": 0.1}
    config[1] = "one"
    with pytest.raises(InputError, match=r"config has the key 1 \(int\)"):
        to_json_object(config, "config")


def test_f5_cycles_and_depth_are_input_errors() -> None:
    loop: dict[str, Any] = {"a": {}}
    loop["a"]["b"] = loop
    with pytest.raises(InputError, match=r"config\['a'\]\['b'\] contains itself"):
        to_json_value(loop, "config")
    shared = [1]
    assert to_json_value({"x": shared, "y": shared}, "config") == {"x": [1], "y": [1]}
    deep: object = 1
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(InputError, match=f"nested more than {MAX_DEPTH} levels"):
        to_json_value(deep, "summary")
    with pytest.raises(InputError, match="config must be a dict, got list"):
        to_json_object([1], "config")


def test_f5_numpy_is_not_imported_by_the_encoder() -> None:
    code = (
        "import sys\n"
        "from wandb_typed._encode import to_json_value\n"
        "assert to_json_value({'a': (1, 2.5)}, 'config') == {'a': [1, 2.5]}\n"
        "assert 'numpy' not in sys.modules, 'numpy was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_f5_encoded_values_round_trip_through_run_update(fresh: LocalServer) -> None:
    """What the encoder gives is what the facade sends: it round-trips over HTTP."""
    api = make_api(fresh)
    run = api.create_run(run_id="enc01", project="p")
    config = {"lr": np.float32(0.5), "layers": np.array([64, 32]), "when": date(2024, 1, 2)}
    summary = {"loss": np.float64("nan"), "best": np.inf, "steps": np.int64(10)}
    run.config.update(to_json_object(config, "config"))
    run.summary.update(to_json_object(summary, "summary"))
    run.update()
    again = api.run("demo/p/enc01")
    assert again.config == {"lr": 0.5, "layers": [64, 32], "when": "2024-01-02"}
    loss = again.summary["loss"]
    assert isinstance(loss, float) and math.isnan(loss)
    assert (again.summary["best"], again.summary["steps"]) == (math.inf, 10)
