"""wandb-typed: a fully typed, fast client for the Weights & Biases Public API.

    import wandb_typed

    api = wandb_typed.Api()                      # blocking
    for project in api.projects("my-team"):
        print(project.name, project.created_at)

    aapi = wandb_typed.AsyncApi()                # the same methods, awaitable
    project = await aapi.project("mnist", entity="my-team")

Every resource comes as a pair of plain classes, ``Run`` and ``AsyncRun``,
``Project`` and ``AsyncProject``, ...: the async one is written by hand
(``wandb_typed/_async``), the sync one generated from it (``wandb_typed/_sync``).
Importing this package and constructing an ``Api`` is cheap: no request is sent
and the generated models are only imported by the first call that needs them.
"""

from __future__ import annotations

from ._async.api import AsyncApi
from ._async.artifact_collections import AsyncArtifactCollection
from ._async.artifact_drafts import AsyncArtifactDraft  # the write path (issue 16)
from ._async.artifact_files import AsyncArtifactEntry, AsyncArtifactFile
from ._async.artifact_types import AsyncArtifactType
from ._async.artifacts import AsyncArtifact
from ._async.files import AsyncFile
from ._async.history import AsyncHistoryScan
from ._async.jobs import AsyncJob
from ._async.paging import AsyncPaginator, AsyncSizedPaginator
from ._async.projects import AsyncProject
from ._async.runs import AsyncLightRun, AsyncRun, AsyncRuns, AsyncTypedRun, AsyncTypedRuns
from ._async.sweeps import AsyncSweep
from ._core.artifacts import ArtifactState
from ._core.history import HistoryRow
from ._core.jobs import JobSpec, JobSummary, JobVersion
from ._core.manifest import ArtifactManifest, ArtifactManifestEntry
from ._core.paging import Page
from ._core.progress import DownloadProgress
from ._core.reports import BetaReport, Report
from ._core.runs import RunState
from ._core.tfevents import SkippedTensorBoardDataWarning  # the write path (issue 16)
from ._core.users import User, UserRef
from ._sync.api import Api
from ._sync.artifact_collections import ArtifactCollection
from ._sync.artifact_drafts import ArtifactDraft  # the write path (issue 16)
from ._sync.artifact_files import ArtifactEntry, ArtifactFile
from ._sync.artifact_types import ArtifactType
from ._sync.artifacts import Artifact
from ._sync.files import File
from ._sync.history import HistoryScan
from ._sync.jobs import Job
from ._sync.paging import Paginator, SizedPaginator
from ._sync.projects import Project
from ._sync.runs import LightRun, Run, Runs, TypedRun, TypedRuns
from ._sync.sweeps import Sweep
from ._version import __version__
from .config import RetryPolicy, Settings
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigValidationError,
    ConflictError,
    GraphQLConflictError,
    GraphQLError,
    GraphQLNotFoundError,
    GraphQLPermissionDeniedError,
    InputError,
    MissingDependencyError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    TypeMismatchError,
    UnresolvedReferenceError,
    UnsupportedServerFeatureError,
    UsageError,
    VerificationError,
    WandbError,
)
from .filters import Config, Filter, State, Summary, Tags
from .types import JSONObject, JSONValue

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Api",
    "Artifact",
    "ArtifactCollection",
    "ArtifactEntry",
    "ArtifactFile",
    "ArtifactManifest",
    "ArtifactManifestEntry",
    "ArtifactState",
    "ArtifactType",
    "AsyncApi",
    "AsyncArtifact",
    "AsyncArtifactCollection",
    "AsyncArtifactEntry",
    "AsyncArtifactFile",
    "AsyncArtifactType",
    "AsyncFile",
    "AsyncHistoryScan",
    "AsyncJob",
    "AsyncLightRun",
    "AsyncPaginator",
    "AsyncProject",
    "AsyncRun",
    "AsyncRuns",
    "AsyncSizedPaginator",
    "AsyncSweep",
    "AsyncTypedRun",
    "AsyncTypedRuns",
    "AuthenticationError",
    "BadRequestError",
    "BetaReport",
    "Config",
    "ConfigValidationError",
    "ConflictError",
    "DownloadProgress",
    "File",
    "Filter",
    "GraphQLConflictError",
    "GraphQLError",
    "GraphQLNotFoundError",
    "GraphQLPermissionDeniedError",
    "HistoryRow",
    "HistoryScan",
    "InputError",
    "JSONObject",
    "JSONValue",
    "Job",
    "JobSpec",
    "JobSummary",
    "JobVersion",
    "LightRun",
    "MissingDependencyError",
    "NotFoundError",
    "Page",
    "PaginationError",
    "Paginator",
    "PermissionDeniedError",
    "Project",
    "RateLimitError",
    "Report",
    "ResponseValidationError",
    "RetryPolicy",
    "Run",
    "RunState",
    "Runs",
    "ServerError",
    "Settings",
    "State",
    "Summary",
    "SizedPaginator",
    "Sweep",
    "Tags",
    "TypeMismatchError",
    "TypedRun",
    "TypedRuns",
    "UnresolvedReferenceError",
    "UnsupportedServerFeatureError",
    "UsageError",
    "User",
    "UserRef",
    "VerificationError",
    "WandbError",
    "__version__",
    # the write path (issue 16)
    "ArtifactDraft",
    "AsyncArtifactDraft",
    "SkippedTensorBoardDataWarning",
]
