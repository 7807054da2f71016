"""Jobs: collections of type ``job``, whose versions hold a ``wandb-job.json``
(what W&B Launch runs: source, entrypoint, input and output types)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .._core.artifact_collections import CollectionRef
from .._core.artifacts import ArtifactState
from .._core.jobs import JobSpec, JobSummary, JobVersion
from .._core.paging import Page, Walk, page_of
from ..errors import NotFoundError
from ..paths import check_name
from ..types import JSONObject

if TYPE_CHECKING:
    from _wandb_typed_gql.job_page import JobPageProjectArtifactTypeArtifactCollectionsEdgesNode

    from .artifacts import AsyncArtifact
    from .launch import AsyncQueuedRun
    from .session import AsyncSession

__all__ = ["AsyncJob"]

JOB_TYPE = "job"
SPEC_FILE = "wandb-job.json"
#: Jobs per request, and versions listed with each.
JOBS_PAGE = 100
VERSIONS_PER_JOB = 100


@dataclass(frozen=True, eq=False)
class AsyncJob:
    """A job version, downloaded: its artifact and what its ``wandb-job.json`` says."""

    name: str
    """The name it was fetched by."""
    artifact: AsyncArtifact = field(compare=False, repr=False)
    """The job's artifact version."""
    root: Path
    """Where the job's files were downloaded."""
    spec: JobSpec = field(repr=False)
    _session: AsyncSession = field(compare=False, repr=False)

    @property
    def source_type(self) -> str:
        """``repo`` (git), ``artifact`` (code artifact) or ``image`` (container)."""
        return self.spec.source_type

    @property
    def entrypoint(self) -> list[str]:
        """The command the job runs, e.g. ``["python", "train.py"]``."""
        return list(self.spec.entrypoint)

    @property
    def input_types(self) -> JSONObject:
        """W&B's type description of the job's inputs (its config)."""
        return self.spec.input_types

    @property
    def output_types(self) -> JSONObject:
        """W&B's type description of the job's outputs (its summary)."""
        return self.spec.output_types

    async def call(
        self,
        config: Mapping[str, object],
        project: str | None = None,
        entity: str | None = None,
        queue: str | None = None,
        resource: str = "local-container",
        resource_args: Mapping[str, object] | None = None,
        template_variables: Mapping[str, object] | None = None,
        project_queue: str | None = None,
        priority: int | None = None,
    ) -> AsyncQueuedRun:
        """Enqueue the job on a launch queue (default ``default``) with ``config`` as
        its run config; the run is logged to ``entity/project`` (default: the job's).
        Returns the queued run (``wait_until_running()`` gives the run). ``config`` is
        not checked against ``input_types`` here: the launch agent does that."""
        from .launch import job_run_spec, push_to_queue

        ent = check_name(entity, "entity") if entity is not None else self.artifact.entity
        proj = check_name(project, "project") if project is not None else self.artifact.project
        spec = job_run_spec(
            f"{self.artifact.entity}/{self.artifact.project}/{self.artifact.name}",
            ent, proj, config, resource, resource_args,
        )  # fmt: skip
        return await push_to_queue(
            self._session, ent, queue or "default", proj, spec, priority,
            template_variables, project_queue,
        )  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AsyncJob) and other.artifact.id == self.artifact.id

    def __hash__(self) -> int:
        return hash(self.artifact.id)


async def fetch_job(session: AsyncSession, name: str, path: str | Path | None) -> AsyncJob:
    """The job version ``name``, downloaded into ``path`` (default: the artifact's
    download directory)."""
    from .artifact_files import download_artifact
    from .artifacts import fetch_artifact

    artifact = await fetch_artifact(session, name, JOB_TYPE)
    root = await download_artifact(session, artifact, path, None, False, 8, None)
    spec_path = root / SPEC_FILE
    if not spec_path.is_file():
        raise NotFoundError(
            f"job {artifact.qualified_name} has no {SPEC_FILE}: it is not a job W&B can run"
        )
    spec = JobSpec.parse(spec_path.read_bytes(), f"job {artifact.qualified_name}")
    return AsyncJob(name=name, artifact=artifact, root=root, spec=spec, _session=session)


def _summary(node: JobPageProjectArtifactTypeArtifactCollectionsEdgesNode) -> JobSummary:
    ref = CollectionRef.of(node, "JobPage")
    conn = node.artifacts
    versions = tuple(
        JobVersion(
            id=e.node.id,
            version=e.version,
            aliases=tuple(
                a.alias
                for a in e.node.aliases or []
                if a.artifact_collection is None or a.artifact_collection.id == node.id
            ),
            state=ArtifactState(e.node.state.value),
        )
        for e in (conn.edges if conn is not None else [])
    )
    return JobSummary(
        id=node.id, name=node.name, entity=ref.entity, project=ref.project,
        versions=versions, version_count=conn.total_count if conn is not None else 0,
    )  # fmt: skip


async def list_jobs(session: AsyncSession, entity: str, project: str) -> list[JobSummary]:
    """Every job of a project, each with its first versions."""
    entity = check_name(entity, "entity name")
    project = check_name(project, "project name")
    walk = Walk[JobSummary](None, lambda j: j.id, f"jobs of {entity}/{project}")
    jobs: list[JobSummary] = []
    while not walk.done:
        result = await session.gql.job_page(
            entity=entity, project=project, cursor=walk.cursor, per_page=JOBS_PAGE,
            versions_per_job=VERSIONS_PER_JOB, with_count=False,
        )  # fmt: skip
        if result.project is None:
            raise NotFoundError.of(f"project {entity}/{project}", "JobPage")
        job_type = result.project.artifact_type
        if job_type is None:
            return []
        page: Page[JobSummary] = page_of(job_type.artifact_collections, _summary)
        jobs.extend(walk.accept(page).items)
    return jobs
