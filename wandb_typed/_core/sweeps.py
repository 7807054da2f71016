"""A sweep's data, shared by ``Sweep`` and ``AsyncSweep``: attributes and its parsed config."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import cast

from ..errors import MissingDependencyError, ResponseValidationError
from ..types import JSONObject

__all__ = ["SweepData"]


@dataclass(frozen=True, eq=False)
class SweepData:
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
    app_url: str
    """The W&B app this sweep lives in (for :attr:`url`)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SweepData) and other.storage_id == self.storage_id

    def __hash__(self) -> int:
        return hash(self.storage_id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path} ({self.state})>"

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
    def project_path(self) -> str:
        """``entity/project``."""
        return f"{self.entity}/{self.project}"

    @property
    def url(self) -> str:
        """The sweep's page in the W&B app."""
        return f"{self.app_url}/{self.entity}/{self.project}/sweeps/{self.id}"

    @cached_property
    def config(self) -> JSONObject:
        """The sweep configuration, parsed from YAML (JSON needs no extra package;
        other YAML needs PyYAML: ``pip install 'wandb-typed[yaml]'``)."""
        text = self.config_yaml
        parsed: object
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
        return cast("JSONObject", parsed)

    @property
    def order(self) -> str | None:
        """The run order that puts the best run first, from the config's ``metric``."""
        metric = self.config.get("metric")
        if not isinstance(metric, dict) or not isinstance(metric.get("name"), str):
            return None
        sign = "-" if metric.get("goal") == "maximize" else "+"
        return f"{sign}summary_metrics.{metric['name']}"
