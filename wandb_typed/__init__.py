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

from typing import TYPE_CHECKING

from ._core.artifacts import ArtifactState
from ._core.history import HistoryRow
from ._core.jobs import JobSpec, JobSummary, JobVersion
from ._core.manifest import ArtifactManifest, ArtifactManifestEntry
from ._core.paging import Page
from ._core.progress import DownloadProgress
from ._core.runs import RunState
from ._core.users import UserRef
from ._lazy import lazy_exports
from ._sync.api import Api
from ._sync.artifact_collections import ArtifactCollection
from ._sync.artifact_drafts import ArtifactDraft  # the write path (issue 16)
from ._sync.artifact_types import ArtifactType
from ._sync.artifacts import Artifact
from ._sync.files import File
from ._sync.history import HistoryScan
from ._sync.jobs import Job
from ._sync.light_runs import LightRun, LightRuns
from ._sync.paging import Paginator, SizedPaginator
from ._sync.projects import Project
from ._sync.reports import BetaReport, Report
from ._sync.runs import Run, Runs, TypedRun, TypedRuns
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
from .types import JSONObject, JSONValue, PandasFrame, PolarsFrame

# isort: split
# registries, automations and integrations
from ._core.integrations import Integration, SlackIntegration, WebhookIntegration
from ._core.registries import ArtifactTypes
from ._core.registry_members import MemberTeam, MemberUser, TeamMember, UserMember
from ._sync.registries import Registries, Registry
from ._sync.registry_search import RegistryCollections

# isort: split
# -- teams, users, launch queues, custom charts and the run members users reach for
from ._core.agents import Agent
from ._core.console_logs import ConsoleLogLine
from ._core.history_exports import HistoryExports
from ._core.launch import (
    QueueItemError,
    RunQueueAccessType,
    RunQueuePrioritizationMode,
    RunQueueResourceType,
    TemplateVariable,
)
from ._core.media import Table
from ._core.users import ApiKeyInfo, NewApiKey, SecretKey, UserData
from ._sync.launch import QueuedRun, RunQueue
from ._sync.teams import Member, Team
from ._sync.users import User
from .errors import IncompleteHistoryError, LaunchError, WaitTimeoutError

# isort: split
# The async classes and the automations DSL load on first use (PEP 562): a script that
# only uses ``Api`` never imports ``wandb_typed._async`` (half of what ``import
# wandb_typed`` would cost) nor the DSL's modules. Type checkers, IDEs and ``help()``
# see them as ordinary imports.
_LAZY: dict[str, str] = {
    "ArtifactEntry": "._sync.artifact_files",
    "ArtifactFile": "._sync.artifact_files",
    "SkippedTensorBoardDataWarning": "._core.tfevents",
    "Automation": ".automations._saved",
    "AutomationNotFoundError": ".automations._saved",
    "AsyncApi": "._async.api",
    "AsyncArtifact": "._async.artifacts",
    "AsyncArtifactCollection": "._async.artifact_collections",
    "AsyncArtifactDraft": "._async.artifact_drafts",
    "AsyncArtifactEntry": "._async.artifact_files",
    "AsyncArtifactFile": "._async.artifact_files",
    "AsyncArtifactType": "._async.artifact_types",
    "AsyncFile": "._async.files",
    "AsyncHistoryScan": "._async.history",
    "AsyncJob": "._async.jobs",
    "AsyncLightRun": "._async.light_runs",
    "AsyncLightRuns": "._async.light_runs",
    "AsyncMember": "._async.teams",
    "AsyncPaginator": "._async.paging",
    "AsyncProject": "._async.projects",
    "AsyncQueuedRun": "._async.launch",
    "AsyncRegistries": "._async.registries",
    "AsyncRegistry": "._async.registries",
    "AsyncRegistryCollections": "._async.registry_search",
    "AsyncReport": "._async.reports",
    "AsyncRun": "._async.runs",
    "AsyncRunQueue": "._async.launch",
    "AsyncRuns": "._async.runs",
    "AsyncSizedPaginator": "._async.paging",
    "AsyncSweep": "._async.sweeps",
    "AsyncTeam": "._async.teams",
    "AsyncTypedRun": "._async.runs",
    "AsyncTypedRuns": "._async.runs",
    "AsyncUser": "._async.users",
}

if TYPE_CHECKING:
    from ._async.api import AsyncApi as AsyncApi
    from ._async.artifact_collections import AsyncArtifactCollection as AsyncArtifactCollection
    from ._async.artifact_drafts import AsyncArtifactDraft as AsyncArtifactDraft
    from ._async.artifact_files import AsyncArtifactEntry as AsyncArtifactEntry
    from ._async.artifact_files import AsyncArtifactFile as AsyncArtifactFile
    from ._async.artifact_types import AsyncArtifactType as AsyncArtifactType
    from ._async.artifacts import AsyncArtifact as AsyncArtifact
    from ._async.files import AsyncFile as AsyncFile
    from ._async.history import AsyncHistoryScan as AsyncHistoryScan
    from ._async.jobs import AsyncJob as AsyncJob
    from ._async.launch import AsyncQueuedRun as AsyncQueuedRun
    from ._async.launch import AsyncRunQueue as AsyncRunQueue
    from ._async.light_runs import AsyncLightRun as AsyncLightRun
    from ._async.light_runs import AsyncLightRuns as AsyncLightRuns
    from ._async.paging import AsyncPaginator as AsyncPaginator
    from ._async.paging import AsyncSizedPaginator as AsyncSizedPaginator
    from ._async.projects import AsyncProject as AsyncProject
    from ._async.registries import AsyncRegistries as AsyncRegistries
    from ._async.registries import AsyncRegistry as AsyncRegistry
    from ._async.registry_search import AsyncRegistryCollections as AsyncRegistryCollections
    from ._async.reports import AsyncReport as AsyncReport
    from ._async.runs import AsyncRun as AsyncRun
    from ._async.runs import AsyncRuns as AsyncRuns
    from ._async.runs import AsyncTypedRun as AsyncTypedRun
    from ._async.runs import AsyncTypedRuns as AsyncTypedRuns
    from ._async.sweeps import AsyncSweep as AsyncSweep
    from ._async.teams import AsyncMember as AsyncMember
    from ._async.teams import AsyncTeam as AsyncTeam
    from ._async.users import AsyncUser as AsyncUser
    from ._core.tfevents import SkippedTensorBoardDataWarning as SkippedTensorBoardDataWarning
    from ._sync.artifact_files import ArtifactEntry as ArtifactEntry
    from ._sync.artifact_files import ArtifactFile as ArtifactFile
    from .automations import Automation as Automation
    from .automations import AutomationNotFoundError as AutomationNotFoundError

if not TYPE_CHECKING:  # hidden from type checkers, so a mistyped name stays an error
    __getattr__, __dir__ = lazy_exports(__name__, _LAZY)


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
    "PandasFrame",
    "PaginationError",
    "Paginator",
    "PermissionDeniedError",
    "PolarsFrame",
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
    "UserRef",
    "VerificationError",
    "WandbError",
    "__version__",
    # registries, automations and integrations
    "ArtifactTypes",
    "AsyncRegistries",
    "AsyncRegistry",
    "AsyncRegistryCollections",
    "Automation",
    "AutomationNotFoundError",
    "Integration",
    "MemberTeam",
    "MemberUser",
    "Registries",
    "Registry",
    "RegistryCollections",
    "SlackIntegration",
    "TeamMember",
    "UserMember",
    "WebhookIntegration",
    # -- teams, users, launch queues, custom charts and the run members users reach for
    "Agent",
    "ApiKeyInfo",
    "AsyncMember",
    "AsyncQueuedRun",
    "AsyncLightRuns",
    "AsyncReport",
    "AsyncRunQueue",
    "AsyncTeam",
    "AsyncUser",
    "ConsoleLogLine",
    "HistoryExports",
    "IncompleteHistoryError",
    "LaunchError",
    "LightRuns",
    "Member",
    "NewApiKey",
    "QueueItemError",
    "QueuedRun",
    "RunQueue",
    "RunQueueAccessType",
    "RunQueuePrioritizationMode",
    "RunQueueResourceType",
    "SecretKey",
    "Table",
    "Team",
    "TemplateVariable",
    "User",
    "UserData",
    "WaitTimeoutError",
    # the write path (issue 16)
    "ArtifactDraft",
    "AsyncArtifactDraft",
    "SkippedTensorBoardDataWarning",
]
