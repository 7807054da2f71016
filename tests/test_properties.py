"""Property tests: path parsing and filter/order validation never crash, round-trip
valid input, and reject everything else with InputError (hypothesis)."""

from __future__ import annotations

import contextlib
import json
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wandb_typed import InputError
from wandb_typed.filters import FIELDS, OPERATORS, validate_filters, validate_order
from wandb_typed.paths import ObjectPath, parse_object_path, parse_path, parse_project_path

NAME = st.text(
    alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=30
).filter(lambda s: s not in (".", ".."))
KEY = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=20)
ANY_TEXT = st.text(max_size=80)


@given(ANY_TEXT)
def test_any_text_parses_or_is_an_input_error(text: str) -> None:
    for parse in (parse_path, parse_project_path, lambda p: parse_object_path(p, "run")):
        with contextlib.suppress(InputError):  # any other exception fails the test
            parsed = parse(text)
            assert isinstance(parsed, (ObjectPath, tuple))


@given(st.one_of(st.none(), st.integers(), st.lists(st.text()), st.binary()))
def test_non_strings_are_input_errors(value: object) -> None:
    for parse in (parse_path, parse_project_path):
        with pytest.raises(InputError, match="must be a string"):
            parse(value)


@given(NAME, NAME, NAME, st.sampled_from(["runs", "sweeps", "reports"]))
def test_valid_paths_round_trip(entity: str, project: str, name: str, kind: str) -> None:
    assert parse_project_path(f"{entity}/{project}") == (entity, project)
    assert parse_path(f"{entity}/{project}") == ObjectPath("project", entity, project, None)
    parsed = parse_path(f"{entity}/{project}/{kind}/{name}")
    assert (parsed.kind, parsed.entity, parsed.project, parsed.name) == (
        kind[:-1],
        entity,
        project,
        name,
    )
    assert parse_object_path(
        f"https://wandb.ai/{entity}/{project}/runs/{name}?x=1", "run"
    ) == ObjectPath("run", entity, project, name)


SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)
FIELD = st.one_of(
    st.sampled_from(sorted(FIELDS)),
    st.lists(KEY, min_size=1, max_size=3).map(lambda k: "config." + ".".join(k)),
    KEY.map(lambda k: f"summary_metrics.{k}"),
)
CONDITION = st.one_of(
    SCALAR,
    st.dictionaries(
        st.sampled_from(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"]),
        st.one_of(st.integers(), st.text(max_size=5)),
        min_size=1,
    ),
    st.fixed_dictionaries({"$in": st.lists(SCALAR, max_size=4)}),
    st.fixed_dictionaries({"$exists": st.booleans()}),
    st.fixed_dictionaries({"$regex": st.sampled_from(["a.*", "^x", "[0-9]+"])}),
)
VALID_FILTER = st.recursive(
    st.dictionaries(FIELD, CONDITION, max_size=3),
    lambda inner: st.dictionaries(st.sampled_from(["$and", "$or", "$nor"]), st.lists(inner, min_size=1, max_size=3), min_size=1, max_size=1),
    max_leaves=6,
)  # fmt: skip


@given(VALID_FILTER)
def test_valid_filters_are_accepted_and_json_ready(filters: dict[str, Any]) -> None:
    checked = validate_filters(filters)
    assert json.loads(json.dumps(checked)) == json.loads(json.dumps(filters))


JUNK = st.recursive(
    st.one_of(SCALAR, st.text(max_size=6).map(lambda s: "$" + s)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(sorted(OPERATORS)), st.integers()), inner, max_size=3),
    ),
    max_leaves=10,
)  # fmt: skip


@settings(max_examples=300)
@given(JUNK)
def test_arbitrary_filters_are_accepted_or_input_errors(value: Any) -> None:
    try:
        checked = validate_filters(value)
    except InputError:
        return
    assert checked is None or isinstance(checked, dict)
    json.dumps(checked)  # whatever passes can be sent


@given(ANY_TEXT)
def test_orders_are_normalised_or_rejected(order: str) -> None:
    try:
        normalised = validate_order(order)
    except InputError:
        return
    assert normalised[0] in "+-"
    assert normalised[1:] in {
        "created_at",
        "heartbeat_at",
        "name",
        "display_name",
        "state",
        "duration",
    } or normalised[1:].startswith(("config.", "summary_metrics."))
