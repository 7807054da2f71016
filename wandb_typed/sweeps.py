"""Sweeps: fetch one, list a project's (each built from its page, no refetch), its runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from ._modes import M, Owned, op
from ._steps import Steps, call
from .errors import InputError, MissingDependencyError, NotFoundError, ResponseValidationError
from .paging import Page, SizedPaginator, page_of
from .paths import check_name, parse_object_path
from .types import JSONObject

if TYPE_CHECKING:
    from wandb_typed_gql.fragments import SweepFields

    from .api import ApiBase
    from .runs import Run, Runs

__all__ = ["Sweep"]


@dataclass(frozen=True, eq=False)
class Sweep(Owned[M]):
    """A hyperparameter sweep."""

    storage_id: str
    id: str
    """The sweep id (``entity/project/sweeps/<id>`` in URLs)."""
    entity: str
    project: str
    display_name: str | None
    method: str
    """``grid``, ``random`` or ``bayes``."""
    state: str
    """``RUNNING``, ``PAUSED``, ``FINISHED``, ``CANCELED``, ..."""
    description: str | None
    best_loss: float | None
    config_yaml: str
    """The sweep configuration as W&B stores it (YAML text); parsed in :attr:`config`."""
    run_count: int
    expected_run_count: int | None
    created_at: datetime
    updated_at: datetime | None
    _api: ApiBase[M] = field(repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sweep) and other.storage_id == self.storage_id

    def __hash__(self) -> int:
        return hash(self.storage_id)

    @property
    def name(self) -> str:
        """The display name, else the config's ``name``, else the id."""
        if self.display_name:
            return self.display_name
        try:
            configured = self.config.get("name")
        except (MissingDependencyError, ResponseValidationError):
            configured = None
        return configured if isinstance(configured, str) and configured else self.id

    @property
    def path(self) -> str:
        """``entity/project/sweep_id``."""
        return f"{self.entity}/{self.project}/{self.id}"

    @property
    def url(self) -> str:
        return f"{self._api.settings.app_url}/{self.entity}/{self.project}/sweeps/{self.id}"

    @cached_property
    def config(self) -> JSONObject:
        """The sweep configuration, parsed from YAML (JSON needs no extra package;
        other YAML needs PyYAML: ``pip install 'wandb-typed[yaml]'``)."""
        text = self.config_yaml
        try:
            parsed = json.loads(text) if text.strip() else {}
        except ValueError:
            try:
                import yaml
            except ImportError:
                raise MissingDependencyError(
                    "parsing a sweep config needs PyYAML: pip install 'wandb-typed[yaml]'"
                ) from None
            try:
                parsed = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ResponseValidationError(
                    f"sweep {self.path}: config is not valid YAML: {exc}"
                ) from None
        if parsed is None:
            return {}
        if not isinstance(parsed, dict):
            raise ResponseValidationError(f"sweep {self.path}: config is not a mapping")
        return parsed

    @property
    def order(self) -> str | None:
        """The run order that puts the best run first, from the config's ``metric``."""
        metric = self.config.get("metric")
        if not isinstance(metric, dict) or not isinstance(metric.get("name"), str):
            return None
        sign = "-" if metric.get("goal") == "maximize" else "+"
        return f"{sign}summary_metrics.{metric['name']}"

    @property
    def runs(self) -> Runs[M]:
        """The sweep's runs (lazy), oldest first."""
        return self._api.runs(f"{self.entity}/{self.project}", filters={"sweep": self.id})

    @op
    def best_run(self, order: str | None = None) -> Steps[Run[M] | None]:
        """The first run by ``order`` (default: the sweep metric's goal); ``None`` if no runs."""
        order = order or self.order
        if order is None:
            raise InputError(
                f"sweep {self.path} has no metric in its config; pass order=, e.g. '-summary_metrics.acc'"
            )
        runs = self._api.runs(
            f"{self.entity}/{self.project}", filters={"sweep": self.id}, order=order, per_page=1
        )
        first = yield from runs._fetch(None, 1)
        return first.items[0] if first.items else None

    @classmethod
    def from_fields(cls, api: ApiBase[M], entity: str, project: str, f: SweepFields) -> Sweep[M]:
        return Sweep(
            storage_id=f.id, id=f.name, entity=entity, project=project, display_name=f.display_name,
            method=f.method, state=f.state, description=f.description, best_loss=f.best_loss,
            config_yaml=f.config, run_count=f.run_count, expected_run_count=f.run_count_expected,
            created_at=f.created_at, updated_at=f.updated_at, _api=api,
        )  # fmt: skip


def fetch_sweep(api: ApiBase[M], entity: str, project: str, sweep_id: str) -> Steps[Sweep[M]]:
    """One sweep by entity, project and id."""
    result = yield from call(
        lambda c: c.sweep_by_name(entity=entity, project=project, name=sweep_id)
    )
    if result.project is None or result.project.sweep is None:
        raise NotFoundError.of(f"sweep {entity}/{project}/{sweep_id}", "SweepByName")
    return Sweep.from_fields(api, entity, project, result.project.sweep)


def fetch_sweep_by_path(api: ApiBase[M], path: str) -> Steps[Sweep[M]]:
    """``Api.sweep``: ``sweep_id``, ``project/sweep_id`` or ``entity/project[/sweeps]/sweep_id``."""
    parsed = parse_object_path(path, "sweep")
    entity = yield from api._resolve_entity(parsed.entity)
    assert parsed.name is not None
    return (
        yield from fetch_sweep(api, entity, parsed.project or api.settings.project, parsed.name)
    )


def list_sweeps(
    api: ApiBase[M], entity: str, project: str, per_page: int
) -> SizedPaginator[Sweep[M], M]:
    """A project's sweeps; each is built from its page (no request per sweep)."""
    check_name(project, "project name")

    def fetch(cursor: str | None, first: int) -> Steps[Page[Sweep[M]]]:
        result = yield from call(
            lambda c: c.sweep_page(entity=entity, project=project, cursor=cursor, per_page=first)
        )
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{project}", "SweepPage")
        return page_of(
            result.project.sweeps,
            lambda node: Sweep.from_fields(api, entity, project, node),
            result.project.total_sweeps,
        )

    return SizedPaginator(
        api,
        fetch,
        per_page=per_page,
        what=f"sweeps of {entity}/{project}",
        key=lambda s: s.storage_id,
    )
