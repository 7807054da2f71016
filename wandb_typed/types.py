"""Shared value types of the public API."""

from __future__ import annotations

from typing import TYPE_CHECKING, NewType, TypeAlias

from typing_extensions import TypeAliasType

if TYPE_CHECKING:
    from pandas import DataFrame as _PandasDataFrame
    from polars import DataFrame as _PolarsDataFrame
else:  # never imported at run time: the frames are plain pandas/polars DataFrames
    _PandasDataFrame = _PolarsDataFrame = object

__all__ = ["JSONObject", "JSONValue", "PandasFrame", "PolarsFrame", "as_object"]

#: Any JSON value. Config, summary and history values are JSON: narrow them with
#: ``isinstance`` (``lr = run.config["lr"]; assert isinstance(lr, float)``).
#: Declared with ``TypeAliasType`` (PEP 695's ``type`` statement): mypy and pyright
#: see the recursive type, and jedi, whose completion recurses forever on a
#: recursive ``TypeAlias``, sees an opaque name.
JSONValue = TypeAliasType(
    "JSONValue", "None | bool | int | float | str | list[JSONValue] | dict[str, JSONValue]"
)
"""Any JSON value: ``None | bool | int | float | str | list[JSONValue] | dict[str,
JSONValue]``. Config, summary and history values are JSON: narrow them with
``isinstance``."""
#: A JSON object.
JSONObject: TypeAlias = "dict[str, JSONValue]"
"""A JSON object: ``dict[str, JSONValue]`` (a run's config and summary, a report's spec)."""

# The frames are NewTypes, not the DataFrame classes themselves, because a type checker
# without pandas (or polars) installed sees an unresolved import as Unknown, and
# basedpyright strict then flags every call of ``run.history`` as partially unknown,
# ``pandas=False`` included. A NewType is a class of ours: known with or without the
# library, and a subtype of its DataFrame wherever the library is installed.
PandasFrame = NewType("PandasFrame", _PandasDataFrame)
"""A pandas ``DataFrame`` (what ``run.history()`` and ``histories(format="pandas")``
return): every DataFrame method and argument type applies. Annotate a variable
``pandas.DataFrame`` when you reassign it from a method that returns a plain one
(``df: pd.DataFrame = run.history(); df = df.merge(other)``)."""
PolarsFrame = NewType("PolarsFrame", _PolarsDataFrame)
"""A polars ``DataFrame`` (``history(polars=True)``, ``histories(format="polars")``);
as with :data:`PandasFrame`, annotate ``polars.DataFrame`` to reassign."""


def as_object(value: JSONValue | None, what: str) -> JSONObject:
    """A field that must be a JSON object: null means empty, anything else is an error
    (a silently emptied config would be a wrong answer)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        from .errors import ResponseValidationError

        raise ResponseValidationError(f"{what} is a JSON {type(value).__name__}, not an object")
    return value
