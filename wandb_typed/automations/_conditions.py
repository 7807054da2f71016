"""What a run event waits for: a metric crossing a threshold, changing, or moving away
from its recent mean (``RunEvent.metric("loss").mean(5) > 1.5``), or a run reaching a
state (``RunEvent.state.in_(["finished", "failed"])``); each combined with ``&`` and
a :class:`RunFilter` on the run. ``RunEvent`` and ``ArtifactEvent`` name the fields
filters test. The JSON is the official client's, key for key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast, get_args, overload

from ..errors import InputError
from ..types import JSONObject
from ._filters import ArtifactFilter, Field, Node, RunFilter, filter_node, run_filter_json
from ._json import check_number

__all__ = [
    "Agg",
    "ArtifactEvent",
    "ChangeDir",
    "ChangeType",
    "CmpOp",
    "MetricAgg",
    "MetricChangeFilter",
    "MetricFilter",
    "MetricThresholdFilter",
    "MetricVal",
    "MetricZScoreFilter",
    "RunEvent",
    "RunMetricFilter",
    "RunState",
    "RunStateFilter",
    "StateFilter",
    "ZScoreOperand",
]

#: How a metric is aggregated over its window.
Agg = Literal["MAX", "MIN", "AVERAGE"]
#: Which way a change counts.
ChangeDir = Literal["INCREASE", "DECREASE", "ANY"]
#: How a threshold compares (``$gt`` is ``>``).
CmpOp = Literal["$gt", "$gte", "$lt", "$lte"]
#: Whether a change is an amount or a fraction.
ChangeType = Literal["ABSOLUTE", "RELATIVE"]
#: Run states a run-state event may wait for (``crashed`` is ``failed``).
RunState = Literal["running", "finished", "failed", "crashed", "RUNNING", "FINISHED", "FAILED", "CRASHED"]  # fmt: skip
_CMP = {">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte"}


def _name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise InputError(f"a metric name must be a non-empty string, got {name!r}")
    return name


def _window(window: object, what: str = "window") -> int:
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise InputError(f"{what} must be a positive int, got {window!r}")
    return window


# ---------------------------------------------------------------------- metric filters
@dataclass(frozen=True)
class MetricThresholdFilter:
    """A metric (or its aggregate over ``window`` values) compared with a threshold."""

    name: str
    agg: Agg | None
    window: int
    cmp: CmpOp
    threshold: int | float

    def to_json(self) -> JSONObject:
        """``{"threshold_filter": {...}}``, as sent."""
        return {
            "threshold_filter": {
                "name": self.name,
                "agg_op": self.agg,
                "window_size": self.window,
                "cmp_op": self.cmp,
                "threshold": self.threshold,
            }
        }

    def __and__(self, run: RunFilter) -> RunMetricFilter:
        return RunMetricFilter(run=run, metric=self)

    def __rand__(self, run: RunFilter) -> RunMetricFilter:
        return RunMetricFilter(run=run, metric=self)


@dataclass(frozen=True)
class MetricChangeFilter:
    """A change of a metric (or of its aggregate) between two windows: by at least
    ``threshold`` (absolute) or by a fraction of it (relative)."""

    name: str
    agg: Agg | None
    window: int
    prior_window: int
    change_type: ChangeType
    change_dir: ChangeDir
    threshold: int | float

    def to_json(self) -> JSONObject:
        """``{"change_filter": {...}}``, as sent."""
        return {
            "change_filter": {
                "name": self.name,
                "agg_op": self.agg,
                "current_window_size": self.window,
                "change_amount": self.threshold,
                "prior_window_size": self.prior_window,
                "change_type": self.change_type,
                "change_dir": self.change_dir,
            }
        }

    def __and__(self, run: RunFilter) -> RunMetricFilter:
        return RunMetricFilter(run=run, metric=self)

    def __rand__(self, run: RunFilter) -> RunMetricFilter:
        return RunMetricFilter(run=run, metric=self)


@dataclass(frozen=True)
class MetricZScoreFilter:
    """A metric more than ``threshold`` standard deviations from its mean over the
    last ``window`` values (above, below, or either way)."""

    name: str
    window: int = 30
    threshold: int | float = 3.0
    change_dir: ChangeDir = "ANY"

    def to_json(self) -> JSONObject:
        """``{"zscore_filter": {...}}``, as sent."""
        return {
            "zscore_filter": {
                "name": self.name,
                "window_size": self.window,
                "threshold": self.threshold,
                "change_dir": self.change_dir,
            }
        }

    def __and__(self, run: RunFilter) -> RunMetricFilter:
        return RunMetricFilter(run=run, metric=self)

    def __rand__(self, run: RunFilter) -> RunMetricFilter:
        return RunMetricFilter(run=run, metric=self)


#: What a run-metric event waits for.
MetricFilter = MetricThresholdFilter | MetricChangeFilter | MetricZScoreFilter
_METRIC_FILTERS = (MetricThresholdFilter, MetricChangeFilter, MetricZScoreFilter)


class _MetricOperand:
    """A metric value (or aggregate): compare it, or watch how it changes."""

    __slots__ = ("_agg", "_window", "name")

    def __init__(self, name: str, agg: Agg | None = None, window: int = 1) -> None:
        self.name: str = _name(name)
        self._agg: Agg | None = agg
        self._window = _window(window)

    def __repr__(self) -> str:
        return f"{self._agg}({self.name}, {self._window})" if self._agg else repr(self.name)

    def _threshold(self, op: str, value: object) -> MetricThresholdFilter:
        threshold = check_number(value, f"the threshold of {self.name!r}")
        cmp = cast("CmpOp", _CMP[op])
        return MetricThresholdFilter(self.name, self._agg, self._window, cmp, threshold)

    def gt(self, value: int | float) -> MetricThresholdFilter:
        """``metric > value``."""
        return self._threshold(">", value)

    def gte(self, value: int | float) -> MetricThresholdFilter:
        """``metric >= value``."""
        return self._threshold(">=", value)

    def lt(self, value: int | float) -> MetricThresholdFilter:
        """``metric < value``."""
        return self._threshold("<", value)

    def lte(self, value: int | float) -> MetricThresholdFilter:
        """``metric <= value``."""
        return self._threshold("<=", value)

    def __gt__(self, value: int | float) -> MetricThresholdFilter:
        return self._threshold(">", value)

    def __ge__(self, value: int | float) -> MetricThresholdFilter:
        return self._threshold(">=", value)

    def __lt__(self, value: int | float) -> MetricThresholdFilter:
        return self._threshold("<", value)

    def __le__(self, value: int | float) -> MetricThresholdFilter:
        return self._threshold("<=", value)

    @overload
    def changes_by(self, *, diff: int | float, frac: None = None) -> MetricChangeFilter: ...
    @overload
    def changes_by(self, *, diff: None = None, frac: int | float) -> MetricChangeFilter: ...
    def changes_by(
        self, *, diff: int | float | None = None, frac: int | float | None = None
    ) -> MetricChangeFilter:
        """The metric rises or falls by ``diff`` (absolute) or ``frac`` (relative:
        ``0.1`` is 10%); exactly one of them, positive."""
        return self._change(diff, frac, "ANY")

    @overload
    def increases_by(self, *, diff: int | float, frac: None = None) -> MetricChangeFilter: ...
    @overload
    def increases_by(self, *, diff: None = None, frac: int | float) -> MetricChangeFilter: ...
    def increases_by(
        self, *, diff: int | float | None = None, frac: int | float | None = None
    ) -> MetricChangeFilter:
        """The metric rises by ``diff`` or ``frac`` (see :meth:`changes_by`)."""
        return self._change(diff, frac, "INCREASE")

    @overload
    def decreases_by(self, *, diff: int | float, frac: None = None) -> MetricChangeFilter: ...
    @overload
    def decreases_by(self, *, diff: None = None, frac: int | float) -> MetricChangeFilter: ...
    def decreases_by(
        self, *, diff: int | float | None = None, frac: int | float | None = None
    ) -> MetricChangeFilter:
        """The metric falls by ``diff`` or ``frac`` (see :meth:`changes_by`)."""
        return self._change(diff, frac, "DECREASE")

    def _change(self, diff: object, frac: object, direction: ChangeDir) -> MetricChangeFilter:
        if (diff is None) == (frac is None):
            raise InputError("give exactly one of diff= (absolute) or frac= (relative)")
        amount = check_number(diff if diff is not None else frac, "the change", positive=True)
        kind: ChangeType = "ABSOLUTE" if diff is not None else "RELATIVE"
        return MetricChangeFilter(
            self.name, self._agg, self._window, self._window, kind, direction, amount
        )


class MetricVal(_MetricOperand):
    """One metric's value (``RunEvent.metric("loss")``): compare it, aggregate it over a
    window, or watch its change or z-score."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(name)

    def max(self, window: int) -> MetricAgg:
        """The largest of the last ``window`` values."""
        return MetricAgg(self.name, "MAX", window)

    def min(self, window: int) -> MetricAgg:
        """The smallest of the last ``window`` values."""
        return MetricAgg(self.name, "MIN", window)

    def avg(self, window: int) -> MetricAgg:
        """The mean of the last ``window`` values."""
        return MetricAgg(self.name, "AVERAGE", window)

    def mean(self, window: int) -> MetricAgg:
        """The same as :meth:`avg`."""
        return self.avg(window)

    def zscore(self, window: int) -> ZScoreOperand:
        """The metric's z-score over the last ``window`` values: ``> 3``, ``< -3``, or
        ``.abs() > 3``."""
        return ZScoreOperand(self.name, window)


class MetricAgg(_MetricOperand):
    """A metric aggregated over a window (``RunEvent.metric("loss").mean(5)``)."""

    __slots__ = ()

    def __init__(self, name: str, agg: Agg, window: int) -> None:
        if agg not in get_args(Agg):
            raise InputError(f"agg must be one of {', '.join(get_args(Agg))}, got {agg!r}")
        super().__init__(name, agg, window)


class ZScoreOperand:
    """A metric's z-score: ``> t`` (above the mean), ``< -t`` (below it) or
    ``.abs() > t`` (either way)."""

    __slots__ = ("_absolute", "name", "window")

    def __init__(self, name: str, window: int, absolute: bool = False) -> None:
        self.name: str = _name(name)
        self.window: int = _window(window)
        self._absolute = absolute

    def __repr__(self) -> str:
        inner = f"zscore({self.name!r}, {self.window})"
        return f"abs({inner})" if self._absolute else inner

    def abs(self) -> ZScoreOperand:
        """The z-score's absolute value (a change either way)."""
        return ZScoreOperand(self.name, self.window, absolute=True)

    def __abs__(self) -> ZScoreOperand:
        return self.abs()

    def gt(self, value: int | float) -> MetricZScoreFilter:
        """``zscore > value`` (positive), or ``abs(zscore) > value``."""
        threshold = check_number(value, "a z-score threshold", positive=True)
        direction: ChangeDir = "ANY" if self._absolute else "INCREASE"
        return MetricZScoreFilter(self.name, self.window, threshold, direction)

    def lt(self, value: int | float) -> MetricZScoreFilter:
        """``zscore < value`` (negative)."""
        if self._absolute:
            raise InputError("an absolute z-score is compared with >, not <")
        threshold = check_number(value, "a z-score threshold")
        if threshold >= 0:
            raise InputError(f"zscore < t needs a negative t, got {threshold!r}")
        return MetricZScoreFilter(self.name, self.window, abs(threshold), "DECREASE")

    def __gt__(self, value: int | float) -> MetricZScoreFilter:
        return self.gt(value)

    def __ge__(self, value: int | float) -> MetricZScoreFilter:
        return self.gt(value)

    def __lt__(self, value: int | float) -> MetricZScoreFilter:
        return self.lt(value)

    def __le__(self, value: int | float) -> MetricZScoreFilter:
        return self.lt(value)


# ---------------------------------------------------------------------- run states
_STATES = {"running": "RUNNING", "finished": "FINISHED", "failed": "FAILED", "crashed": "FAILED"}


@dataclass(frozen=True)
class StateFilter:
    """The run states a run-state event waits for (``RUNNING``, ``FINISHED``,
    ``FAILED``; ``crashed`` is ``FAILED``)."""

    states: tuple[str, ...]

    def to_json(self) -> JSONObject:
        """``{"states": [...]}`` (sorted, without repeats), as sent."""
        return {"states": list(self.states)}

    def __and__(self, run: RunFilter) -> RunStateFilter:
        return RunStateFilter(run=run, state=self)

    def __rand__(self, run: RunFilter) -> RunStateFilter:
        return RunStateFilter(run=run, state=self)


class _StateOperand:
    """``RunEvent.state``: ``.eq("finished")`` or ``.in_(["finished", "failed"])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "RunEvent.state"

    def eq(self, state: RunState) -> StateFilter:
        """The run reaches ``state``."""
        return self.in_([state])

    def in_(self, states: Iterable[RunState]) -> StateFilter:
        """The run reaches one of ``states``."""
        given = cast("object", states)
        if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
            raise InputError(f"states must be a list of run states, got {states!r}")
        names: set[str] = set()
        for state in cast("Iterable[object]", given):
            name = _STATES.get(state.lower()) if isinstance(state, str) else None
            if name is None:
                raise InputError(
                    f"{state!r} is not a run state an automation can wait for"
                    " (running, finished, failed, crashed)"
                )
            names.add(name)
        if not names:
            raise InputError("give at least one run state")
        return StateFilter(tuple(sorted(names)))


# ---------------------------------------------------------------------- run event filters
def _run_node(run: RunFilter | None, what: str) -> Node | None:
    if run is None:
        return None
    if isinstance(cast("object", run), RunFilter):
        return filter_node(run)
    raise InputError(f"{what}: the run filter must be a RunFilter (RunEvent.name...), got"
                     f" {type(run).__name__}")  # fmt: skip


class RunMetricFilter:
    """A metric condition and, optionally, a condition on the run (``metric & run``)."""

    __slots__ = ("_run", "metric", "run")

    def __init__(self, *, metric: MetricFilter, run: RunFilter | None = None) -> None:
        if not isinstance(cast("object", metric), _METRIC_FILTERS):
            raise InputError(
                "a run-metric event waits for a metric condition"
                f" (RunEvent.metric(...) > 1), got {type(metric).__name__}"
            )
        self._run = _run_node(run, "RunMetricFilter")
        self.metric: MetricFilter = metric
        """The metric condition."""
        self.run: RunFilter | None = run
        """The condition on the run, if any."""

    def __repr__(self) -> str:
        return f"RunMetricFilter(metric={self.metric!r}, run={self.run!r})"

    def to_json(self) -> JSONObject:
        """The event filter: ``run_filter`` (JSON text), ``run_metric_filter`` and the
        legacy ``metric_filter`` (null), as sent."""
        return {
            "run_filter": run_filter_json(self._run),
            "run_metric_filter": self.metric.to_json(),
            "metric_filter": None,
        }


class RunStateFilter:
    """The run states waited for and, optionally, a condition on the run."""

    __slots__ = ("_run", "run", "state")

    def __init__(self, *, state: StateFilter, run: RunFilter | None = None) -> None:
        if not isinstance(cast("object", state), StateFilter):
            raise InputError(
                "a run-state event waits for run states (RunEvent.state.in_([...])),"
                f" got {type(state).__name__}"
            )
        self._run = _run_node(run, "RunStateFilter")
        self.state: StateFilter = state
        """The states waited for."""
        self.run: RunFilter | None = run
        """The condition on the run, if any."""

    def __repr__(self) -> str:
        return f"RunStateFilter(state={self.state!r}, run={self.run!r})"

    def to_json(self) -> JSONObject:
        """The event filter: ``run_filter`` (JSON text) and ``run_state_filter``."""
        return {"run_filter": run_filter_json(self._run), "run_state_filter": self.state.to_json()}


# ---------------------------------------------------------------------- event fields
class RunEvent:
    """What a run event's filter may test: ``RunEvent.name`` (the run's display name),
    ``RunEvent.state``, ``RunEvent.metric(name)``."""

    name: Field[RunFilter] = Field("display_name", RunFilter)
    """The run's display name (``display_name`` on the server)."""
    state: _StateOperand = _StateOperand()
    """The state the run reaches: ``.eq(...)`` or ``.in_([...])``."""

    @staticmethod
    def metric(name: str) -> MetricVal:
        """The metric ``name`` the run logs."""
        return MetricVal(name)


class ArtifactEvent:
    """What an artifact event's filter may test: ``ArtifactEvent.alias`` and
    ``ArtifactEvent.tag`` of the version."""

    alias: Field[ArtifactFilter] = Field("alias", ArtifactFilter)
    """An alias of the version (``production``)."""
    tag: Field[ArtifactFilter] = Field("tag", ArtifactFilter)
    """A tag of the version."""
