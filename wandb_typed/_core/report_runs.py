"""The runs of a report's section: its run set's filters and sort, as the report
stores them, turned into the MongoDB-style filter and order ``Api.runs`` takes
(what the official ``QueryGenerator.filter_to_mongo`` / ``key_to_server_path`` do).
Sans-I/O: shared by both modes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from ..errors import InputError
from ..types import JSONObject, JSONValue

__all__ = ["run_set_query"]

_OPS = {"!=": "$ne", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte", "IN": "$in",
        "NIN": "$nin", "REGEX": "$regex"}  # fmt: skip
_GROUPS = {"AND": "$and", "OR": "$or"}


def _path(key: Mapping[str, object]) -> str:
    """A run-set key (``{"section", "name"}``) as the server's field path."""
    section, name = key.get("section"), key.get("name")
    if not isinstance(name, str):
        raise InputError(f"a report filter key has no name: {dict(key)!r:.200}")
    prefix = {"config": "config.", "summary": "summary_metrics.", "keys_info": "keys_info.keys.",
              "tags": "tags.", "run": ""}.get(str(section))  # fmt: skip
    if prefix is None:
        raise InputError(f"unknown report filter section {section!r:.50}")
    return prefix + name


def _individual(f: Mapping[str, object]) -> JSONObject | None:
    key = cast("Mapping[str, object]", f["key"])
    op, value = f.get("op"), cast("JSONValue", f.get("value"))
    if key.get("name") == "" or f.get("disabled"):
        return None
    if value is None and op not in ("=", "!="):
        return None
    if key.get("section") == "tags":
        if op == "IN":
            return {"tags": {"$in": value}}
        if value is False:
            return {"$or": [{"tags": None}, {"tags": {"$ne": key.get("name")}}]}  # type: ignore[dict-item]
        return {"tags": cast("JSONValue", key.get("name"))}
    if op == "=":
        return {_path(key): value}
    if op not in _OPS:
        raise InputError(f"unknown report filter operator {op!r:.20}")
    return {_path(key): {_OPS[str(op)]: value}}


def filter_to_mongo(f: Mapping[str, object]) -> JSONObject | None:
    """A report filter tree (``{"op": "OR", "filters": [...]}`` of ``{"key", "op",
    "value"}`` leaves) as a MongoDB-style filter; empty and disabled leaves drop out."""
    if f.get("key") is not None:
        return _individual(f)
    children = f.get("filters")
    if isinstance(children, Sequence) and not isinstance(children, str):
        op = _GROUPS.get(str(f.get("op")))
        if op is None:
            raise InputError(f"unknown report filter group {f.get('op')!r:.20}")
        items = cast("Sequence[object]", children)
        parts = [
            filter_to_mongo(cast("Mapping[str, object]", c))
            for c in items
            if isinstance(c, Mapping)
        ]
        kept: list[JSONValue] = [p for p in parts if p is not None]
        return {op: kept}
    return None


def run_set_query(
    section: Mapping[str, object], only_selected: bool
) -> tuple[JSONObject | None, str]:
    """``(filters, order)`` of a section's open run set; ``only_selected`` keeps only
    the runs selected in it (``selections.tree``)."""
    raw_sets = section.get("runSets")
    if not isinstance(raw_sets, Sequence) or isinstance(raw_sets, str) or not raw_sets:
        raise InputError("the report section has no run set")
    run_sets = cast("Sequence[object]", raw_sets)
    index = section.get("openRunSet", 0)
    if not isinstance(index, int) or not 0 <= index < len(run_sets):
        raise InputError(f"the report section's openRunSet {index!r} is not one of its run sets")
    chosen_set = run_sets[index]
    if not isinstance(chosen_set, Mapping):
        raise InputError("the report section's run set is not an object")
    run_set = cast("Mapping[str, object]", chosen_set)
    order = "-created_at"
    sort = run_set.get("sort")
    if isinstance(sort, Mapping):
        sort = cast("Mapping[str, object]", sort)
        key = sort.get("key")
        if isinstance(key, Mapping):
            sign = "+" if sort.get("ascending") else "-"
            order = sign + _path(cast("Mapping[str, object]", key))
    raw = run_set.get("filters")
    filters = (
        filter_to_mongo(cast("Mapping[str, object]", raw)) if isinstance(raw, Mapping) else None
    )
    if only_selected:
        selections = run_set.get("selections")
        tree = (
            cast("Mapping[str, object]", selections).get("tree")
            if isinstance(selections, Mapping)
            else None
        )
        if isinstance(tree, Sequence) and not isinstance(tree, str):
            names: list[JSONValue] = [str(t) for t in cast("Sequence[object]", tree)]
            chosen: JSONObject = {"name": {"$in": names}}
            both: list[JSONValue] = [filters, chosen]
            combined: JSONObject = {"$and": both}
            filters = combined if filters else chosen
    return filters, order
