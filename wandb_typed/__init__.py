"""wandb-typed: a fully typed, fast client for the Weights & Biases Public API.

    import wandb_typed

    api = wandb_typed.Api()                      # blocking
    for project in api.projects("my-team"):
        print(project.name, project.created_at)

    aapi = wandb_typed.AsyncApi()                # async: same methods, awaitable
    project = await aapi.project("mnist", entity="my-team")

Importing this package and constructing an ``Api`` is cheap: no request is sent
and the generated models are only imported by the first call that needs them.
"""

from __future__ import annotations

from ._modes import Async, Sync
from .api import Api, ApiBase, AsyncApi, __version__
from .config import RetryPolicy, Settings
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    GraphQLError,
    InputError,
    MissingDependencyError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    UnsupportedServerFeatureError,
    WandbError,
)
from .files import File
from .history import HistoryRow, HistoryScan
from .paging import Page, Paginator, SizedPaginator
from .projects import Project
from .reports import BetaReport, Report
from .runs import LightRun, Run, Runs, RunState
from .sweeps import Sweep
from .types import JSONObject, JSONValue
from .users import User, UserRef

__all__ = [
    "APIConnectionError",
    "BetaReport",
    "File",
    "HistoryRow",
    "HistoryScan",
    "LightRun",
    "MissingDependencyError",
    "Report",
    "Run",
    "RunState",
    "Runs",
    "Sweep",
    "UserRef",
    "APIStatusError",
    "APITimeoutError",
    "Api",
    "ApiBase",
    "Async",
    "AsyncApi",
    "AuthenticationError",
    "BadRequestError",
    "GraphQLError",
    "InputError",
    "JSONObject",
    "JSONValue",
    "NotFoundError",
    "Page",
    "PaginationError",
    "Paginator",
    "PermissionDeniedError",
    "Project",
    "RateLimitError",
    "ResponseValidationError",
    "RetryPolicy",
    "ServerError",
    "Settings",
    "SizedPaginator",
    "Sync",
    "UnsupportedServerFeatureError",
    "User",
    "WandbError",
    "__version__",
]
