"""Path and name parsing: every accepted form, and a clear error for the rest."""

from __future__ import annotations

import pytest

from wandb_typed import InputError
from wandb_typed.paths import (
    ObjectPath,
    check_name,
    parse_object_path,
    parse_path,
    parse_project_path,
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("proj", (None, "proj")),
        ("ent/proj", ("ent", "proj")),
        ("/ent/proj/", ("ent", "proj")),
        ("https://wandb.ai/ent/proj", ("ent", "proj")),
    ],
)
def test_project_paths(path: str, expected: tuple[str | None, str]) -> None:
    assert parse_project_path(path) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("abc123", ObjectPath("run", None, None, "abc123")),
        ("proj/abc123", ObjectPath("run", None, "proj", "abc123")),
        ("ent/proj/abc123", ObjectPath("run", "ent", "proj", "abc123")),
        ("ent/proj/runs/abc123", ObjectPath("run", "ent", "proj", "abc123")),
        ("ent/proj:abc123", ObjectPath("run", "ent", "proj", "abc123")),
        (
            "https://wandb.ai/ent/proj/runs/abc123?workspace=user-x",
            ObjectPath("run", "ent", "proj", "abc123"),
        ),
    ],
)
def test_run_paths(path: str, expected: ObjectPath) -> None:
    assert parse_object_path(path, "run") == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("proj", ObjectPath("project", None, "proj", None)),
        ("ent/proj", ObjectPath("project", "ent", "proj", None)),
        ("ent/proj/abc123", ObjectPath("run", "ent", "proj", "abc123")),
        ("ent/proj/runs/abc123", ObjectPath("run", "ent", "proj", "abc123")),
        ("ent/proj/sweeps/sw1", ObjectPath("sweep", "ent", "proj", "sw1")),
        (
            "ent/proj/reports/My-Report--VmlldzoxMjM",
            ObjectPath("report", "ent", "proj", "My-Report--VmlldzoxMjM"),
        ),
    ],
)
def test_from_path_kinds(path: str, expected: ObjectPath) -> None:
    assert parse_path(path) == expected


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("a/b/c/d/e", "5 parts"),
        ("a//b", "empty part"),
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("ent/proj/widgets/x", "unknown kind 'widgets'"),
        ("ftp://host/a/b", "not a W&B URL"),
        (42, "must be a string"),
        (None, "must be a string"),
        ("ent/pro#j", "character '#'"),
    ],
)
def test_from_path_rejects(path: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_path(path)


def test_run_path_rejects_other_kinds() -> None:
    with pytest.raises(InputError, match="expected 'entity/project/runs/id', found 'sweeps'"):
        parse_object_path("e/p/sweeps/x", "run")
    with pytest.raises(InputError, match="too many parts"):
        parse_object_path("a/b/c/d/e", "sweep")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "must not be empty"),
        (" x", "leading or trailing whitespace"),
        ("a" * 129, "longer than 128"),
        ("a:b", "character ':'"),
        ("a\nb", "character"),
        (b"x", "must be a string"),
    ],
)
def test_check_name(value: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_name(value, "project name")


def test_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="project name"):
        check_name("", "project name")
