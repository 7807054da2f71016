"""User-style code whose types are pinned with ``assert_type``.

Checked by mypy (the project's ``mypy`` run covers tests/) and, stricter, by
``test_typing.py`` with ``--disallow-any-expr``: no expression here may be
``Any``, so every attribute a user touches has a concrete type. Never executed.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import pandas
import polars
from pydantic import BaseModel
from typing_extensions import TypedDict, assert_type

from wandb_typed import (
    Api,
    Artifact,
    ArtifactCollection,
    ArtifactDraft,
    ArtifactEntry,
    ArtifactFile,
    ArtifactManifest,
    ArtifactManifestEntry,
    ArtifactState,
    ArtifactType,
    AsyncApi,
    AsyncArtifact,
    AsyncArtifactCollection,
    AsyncArtifactDraft,
    AsyncArtifactEntry,
    AsyncArtifactFile,
    AsyncArtifactType,
    AsyncFile,
    AsyncHistoryScan,
    AsyncJob,
    AsyncLightRun,
    AsyncProject,
    AsyncReport,
    AsyncRun,
    AsyncRuns,
    AsyncSizedPaginator,
    AsyncSweep,
    AsyncTypedRun,
    AsyncTypedRuns,
    AsyncUser,
    Config,
    DownloadProgress,
    File,
    HistoryRow,
    HistoryScan,
    Job,
    JobSpec,
    JobSummary,
    JobVersion,
    LightRun,
    LightRuns,
    Page,
    PandasFrame,
    PolarsFrame,
    Project,
    Report,
    Run,
    Runs,
    RunState,
    SizedPaginator,
    Summary,
    Sweep,
    TypedRun,
    TypedRuns,
    User,
    UserRef,
)
from wandb_typed.types import JSONObject, JSONValue


class TrainConfig(BaseModel):
    lr: float
    optimizer: str


class MnistSummary(TypedDict):
    acc: float


def typed_config_usage(api: Api, run: Run) -> None:
    assert_type(run.config_as(TrainConfig), TrainConfig)
    assert_type(run.config_as(TrainConfig).lr, float)
    assert_type(run.summary_as(MnistSummary), MnistSummary)
    assert_type(run.summary_as(MnistSummary)["acc"], float)
    typed = api.runs("demo/mnist", config_type=TrainConfig)
    assert_type(typed, TypedRuns[TrainConfig, JSONObject])
    assert_type(typed[0], TypedRun[TrainConfig, JSONObject])
    for t in typed:
        assert_type(t, TypedRun[TrainConfig, JSONObject])
        assert_type(t.typed_config, TrainConfig)
        assert_type(t.typed_config.optimizer, str)
        assert_type(t.typed_summary, JSONObject)
        assert_type(t.config, JSONObject)
    both = api.runs("demo/mnist", config_type=TrainConfig, summary_type=MnistSummary)
    assert_type(both, TypedRuns[TrainConfig, MnistSummary])
    assert_type(api.runs(summary_type=MnistSummary), TypedRuns[JSONObject, MnistSummary])
    assert_type(api.runs("demo/mnist", config_type=None), Runs)
    assert_type(both.histories(keys=["acc"]), list[HistoryRow])
    built = (Config("lr") > 0.01) & (Summary("acc") >= 0.9)
    assert_type(
        api.runs("demo/mnist", filters=built, config_type=TrainConfig),
        TypedRuns[TrainConfig, JSONObject],
    )


async def async_typed_config_usage(aapi: AsyncApi) -> None:
    typed = aapi.runs("demo/mnist", config_type=TrainConfig, summary_type=MnistSummary)
    assert_type(typed, AsyncTypedRuns[TrainConfig, MnistSummary])
    async for t in typed:
        assert_type(t, AsyncTypedRun[TrainConfig, MnistSummary])
        assert_type(t.typed_summary["acc"], float)
        assert_type(t.config_as(TrainConfig), TrainConfig)
    assert_type(await typed.at(0), AsyncTypedRun[TrainConfig, MnistSummary])


def sync_usage(api: Api) -> None:
    assert_type(api.viewer, User)
    assert_type(api.viewer.teams, tuple[str, ...])
    assert_type(api.default_entity, str | None)
    assert_type(api.api_key, str)
    project = api.project("mnist")
    assert_type(project, Project)
    assert_type(project.created_at, datetime)
    assert_type(project.run_count, int)
    assert_type(api.projects(), SizedPaginator[Project])
    for p in api.projects():
        assert_type(p, Project)
    runs = api.runs("demo/mnist", filters={"state": "finished"}, order="-summary_metrics.acc")
    assert_type(runs, Runs)
    assert_type(len(runs), int)
    assert_type(runs[0], Run)
    assert_type(runs[1:3], list[Run])
    assert_type(runs.count(), int)
    for run in runs:
        assert_type(run, Run)
        assert_type(run.id, str)
        assert_type(run.name, str)
        assert_type(run.state, RunState | None)
        assert_type(run.tags, list[str])
        assert_type(run.created_at, datetime)
        assert_type(run.heartbeat_at, datetime | None)
        assert_type(run.user, UserRef | None)
        assert_type(run.config, JSONObject)
        assert_type(run.summary, dict[str, JSONValue])
        lr = run.config.get("lr")
        assert_type(lr, JSONValue)
        if isinstance(lr, float):
            assert_type(lr * 2, float)
        assert_type(run.update(), None)
        assert_type(run.sweep, Sweep | None)
    for light in api.runs("demo/mnist", light=True):
        assert_type(light, LightRun)
        assert_type(light.state, RunState | None)
        assert_type(light.load(), Run)
    flag = bool(len(api.viewer.teams))
    assert_type(api.runs(light=flag), Runs | LightRuns)
    run = api.run("demo/mnist/abc")
    assert_type(run.history(), PandasFrame)
    assert_type(run.history(pandas=False), list[HistoryRow])
    assert_type(run.scan_history(keys=["loss"]), HistoryScan)
    for row in run.scan_history():
        assert_type(row, dict[str, JSONValue])
    for page in run.scan_history().pages():
        assert_type(page, Page[HistoryRow])
    assert_type(runs.histories(keys=["loss"]), list[HistoryRow])
    assert_type(runs.histories(format="pandas"), PandasFrame)
    assert_type(runs.histories(format="polars"), PolarsFrame)  # teams, launch, ... (#15)
    assert_type(run.history(polars=True), PolarsFrame)

    # the frames are their libraries' DataFrames
    def frames(df: pandas.DataFrame, pf: polars.DataFrame) -> None: ...

    frames(run.history(), run.history(polars=True))
    files = run.files()
    assert_type(files, SizedPaginator[File])
    assert_type(run.file("a.txt").download(root="."), Path)
    assert_type(run.file("a.txt").size, int)
    sweep = api.sweep("demo/mnist/sw")
    assert_type(sweep.best_run(), Run | None)
    assert_type(sweep.config, JSONObject)
    for report in api.reports("demo/mnist"):
        assert_type(report, Report)
        assert_type(report.updated_at, datetime | None)
    assert_type(api.from_path("demo/mnist"), Project | Run | Sweep | Report)
    artifact_usage(api)


def on_progress(p: DownloadProgress) -> None:
    assert_type(p.bytes_done, int)
    assert_type(p.files_total, int)


def artifact_usage(api: Api) -> None:
    art = api.artifact("demo/mnist/mnist-cnn:best", type="model")
    assert_type(art, Artifact)
    assert_type(art.id, str)
    assert_type(art.name, str)
    assert_type(art.qualified_name, str)
    assert_type(art.version, str)
    assert_type(art.source_name, str)
    assert_type(art.source_qualified_name, str)
    assert_type(art.is_link, bool)
    assert_type(art.type, str)
    assert_type(art.state, ArtifactState)
    assert_type(art.size, int)
    assert_type(art.digest, str)
    assert_type(art.file_count, int)
    assert_type(art.created_at, datetime)
    assert_type(art.updated_at, datetime | None)
    assert_type(art.history_step, int | None)
    assert_type(art.metadata, JSONObject)
    assert_type(art.aliases, list[str])
    assert_type(art.tags, list[str])
    assert_type(art.ttl, timedelta | None)
    assert_type(art.description, str | None)
    assert_type(art.url, str)
    art.ttl = timedelta(days=1)
    assert_type(art.save(), None)
    assert_type(art.delete(delete_aliases=True), None)
    assert_type(art.link("shelf", aliases=["prod"]), Artifact)
    assert_type(art.unlink(), None)
    assert_type(art.collection, ArtifactCollection)
    assert_type(art.source_collection, ArtifactCollection)
    assert_type(art.logged_by(), Run | None)
    assert_type(art.used_by(), list[Run])
    manifest = art.manifest
    assert_type(manifest, ArtifactManifest)
    assert_type(manifest.entries, dict[str, ArtifactManifestEntry])
    assert_type(manifest.digest(), str)
    for entry in manifest:
        assert_type(entry, ArtifactManifestEntry)
        assert_type(entry.size, int | None)
        assert_type(entry.ref, str | None)
    got = art.get_entry("model.pt")
    assert_type(got, ArtifactEntry)
    assert_type(got.download(), Path)
    assert_type(art.files(), SizedPaginator[ArtifactFile])
    for f in art.files(names=["model.pt"]):
        assert_type(f, ArtifactFile)
        assert_type(f.digest, str | None)
        assert_type(f.download(root="."), Path)
    assert_type(art.download(), Path)
    assert_type(art.download("out", path_prefix="images/", max_workers=4, progress=True), Path)
    assert_type(art.download("out", progress=on_progress), Path)
    assert_type(art.verify("out"), None)
    assert_type(art.checkout("out"), Path)
    assert_type(art.file(), Path)
    assert_type(api.artifact_exists("x:v0"), bool)
    versions = api.artifacts("model", "demo/mnist/mnist-cnn", tags=["candidate"])
    assert_type(versions, SizedPaginator[Artifact])
    assert_type(versions[0], Artifact)
    assert_type(api.artifact_versions("model", "mnist-cnn"), SizedPaginator[Artifact])
    kind = api.artifact_type("model", "demo/mnist")
    assert_type(kind, ArtifactType)
    assert_type(kind.created_at, datetime)
    assert_type(kind.collection("mnist-cnn"), ArtifactCollection)
    for t in api.artifact_types("demo/mnist"):
        assert_type(t, ArtifactType)
    for c in api.artifact_collections("demo/mnist", "model"):
        assert_type(c, ArtifactCollection)
        assert_type(c.aliases, list[str])
        assert_type(c.tags, list[str])
        assert_type(c.is_sequence(), bool)
        assert_type(c.save(), None)
        assert_type(c.change_type("checkpoint"), None)
        assert_type(c.delete(), None)
        for v in c.artifacts():
            assert_type(v, Artifact)
    collection = api.artifact_collection("model", "demo/mnist/mnist-cnn")
    assert_type(collection, ArtifactCollection)
    assert_type(api.artifact_collection_exists("mnist-cnn", "model"), bool)
    run = api.run("demo/mnist/abc")
    assert_type(run.logged_artifacts(), SizedPaginator[Artifact])
    assert_type(run.used_artifacts(), SizedPaginator[Artifact])
    assert_type(run.use_artifact(art), Artifact)
    assert_type(run.log_artifact(art, aliases=["a"]), Artifact)
    project = api.project("mnist")
    assert_type(project.collections(), SizedPaginator[ArtifactCollection])
    assert_type(project.artifacts_types(), SizedPaginator[ArtifactType])
    job = api.job("demo/mnist/train-mnist:latest", path="job")
    assert_type(job, Job)
    assert_type(job.artifact, Artifact)
    assert_type(job.entrypoint, list[str])
    assert_type(job.spec, JobSpec)
    assert_type(job.spec.git_remote, str | None)
    assert_type(job.input_types, JSONObject)
    for summary in api.list_jobs("demo", "mnist"):
        assert_type(summary, JobSummary)
        assert_type(summary.versions, tuple[JobVersion, ...])


async def async_usage(aapi: AsyncApi) -> None:
    assert_type(aapi.viewer, Awaitable[AsyncUser])
    assert_type(await aapi.viewer, AsyncUser)
    assert_type(await aapi.default_entity, str | None)
    project = await aapi.project("mnist")
    assert_type(project, AsyncProject)
    assert_type(project.created_at, datetime)
    assert_type(aapi.projects(), AsyncSizedPaginator[AsyncProject])
    async for p in aapi.projects():
        assert_type(p, AsyncProject)
    assert_type(project.runs(), AsyncRuns)
    runs = aapi.runs("demo/mnist")
    assert_type(runs, AsyncRuns)
    assert_type(await runs.count(), int)
    assert_type(await runs.at(0), AsyncRun)
    assert_type(await runs.at(-1), AsyncRun)
    assert_type(await runs.take(3), list[AsyncRun])
    async for run in runs:
        assert_type(run, AsyncRun)
        assert_type(run.config, JSONObject)
        assert_type(await run.update(), None)
        assert_type(await run.history(pandas=False), list[HistoryRow])
        assert_type(await run.history(), PandasFrame)
        assert_type(await run.sweep, AsyncSweep | None)
        assert_type(run.scan_history(), AsyncHistoryScan)
        async for row in run.scan_history():
            assert_type(row, HistoryRow)
        async for f in run.files():
            assert_type(f, AsyncFile)
            assert_type(await f.download(), Path)
    assert_type(await runs.histories(format="pandas"), PandasFrame)
    assert_type(await runs.histories(format="polars"), PolarsFrame)
    async for light in aapi.runs("demo/mnist", light=True):
        assert_type(light, AsyncLightRun)
        assert_type(await light.load(), AsyncRun)
    sweep = await aapi.sweep("demo/mnist/sw")
    assert_type(sweep, AsyncSweep)
    assert_type(await sweep.best_run(), AsyncRun | None)
    async for page in aapi.projects().pages():
        assert_type(page, Page[AsyncProject])
    assert_type(
        await aapi.from_path("demo/mnist"), AsyncProject | AsyncRun | AsyncSweep | AsyncReport
    )
    await async_artifact_usage(aapi)


async def async_artifact_usage(aapi: AsyncApi) -> None:
    art = await aapi.artifact("demo/mnist/mnist-cnn:best")
    assert_type(art, AsyncArtifact)
    assert_type(art.metadata, JSONObject)
    assert_type(await art.save(), None)
    assert_type(art.collection, Awaitable[AsyncArtifactCollection])
    assert_type(await art.collection, AsyncArtifactCollection)
    assert_type(await art.logged_by(), AsyncRun | None)
    assert_type(await art.used_by(), list[AsyncRun])
    assert_type(await art.manifest, ArtifactManifest)
    assert_type(await art.get_entry("model.pt"), AsyncArtifactEntry)
    assert_type(await (await art.get_entry("model.pt")).download(), Path)
    assert_type(await art.download(max_workers=16, progress=on_progress), Path)
    assert_type(await art.link("shelf"), AsyncArtifact)
    assert_type(await aapi.artifact_exists("x:v0"), bool)
    versions = aapi.artifacts("model", "demo/mnist/mnist-cnn")
    assert_type(versions, AsyncSizedPaginator[AsyncArtifact])
    assert_type(await versions.count(), int)
    assert_type(await versions.at(0), AsyncArtifact)
    async for v in versions:
        assert_type(v, AsyncArtifact)
    async for f in art.files():
        assert_type(f, AsyncArtifactFile)
        assert_type(await f.download(), Path)
    async for t in aapi.artifact_types():
        assert_type(t, AsyncArtifactType)
        async for c in t.collections():
            assert_type(c, AsyncArtifactCollection)
            assert_type(await c.aliases, list[str])
    collection = await aapi.artifact_collection("model", "mnist-cnn")
    assert_type(collection, AsyncArtifactCollection)
    assert_type(collection.artifacts(), AsyncSizedPaginator[AsyncArtifact])
    job = await aapi.job("demo/mnist/train-mnist:latest")
    assert_type(job, AsyncJob)
    assert_type(job.artifact, AsyncArtifact)
    assert_type(await aapi.list_jobs("demo", "mnist"), list[JobSummary])
    run = await aapi.run("demo/mnist/abc")
    assert_type(run.logged_artifacts(), AsyncSizedPaginator[AsyncArtifact])
    assert_type(await run.use_artifact(art), AsyncArtifact)


# -- registries, automations and integrations ------------------------------------------


def registry_usage(api: Api) -> None:
    from wandb_typed import (
        ArtifactTypes,
        Automation,
        Integration,
        MemberTeam,
        MemberUser,
        Registries,
        Registry,
        RegistryCollections,
        SlackIntegration,
        TeamMember,
        UserMember,
        WebhookIntegration,
    )
    from wandb_typed.automations import (
        ArtifactEvent,
        DoNothing,
        NewAutomation,
        OnLinkArtifact,
        OnRunMetric,
        RunEvent,
        Scope,
        SendWebhook,
    )

    registries = api.registries("org", filter={"name": "model"}, order="-created_at")
    assert_type(registries, Registries)
    for r in registries:
        assert_type(r, Registry)
    assert_type(registries.collections(), RegistryCollections)
    assert_type(registries.collections().versions(), SizedPaginator[Artifact])
    assert_type(registries.versions(filter={"alias": "production"}), SizedPaginator[Artifact])
    registry = api.registry("model")
    assert_type(registry.name, str)
    assert_type(registry.full_name, str)
    assert_type(registry.visibility, Literal["organization", "restricted"])
    assert_type(registry.description, str | None)
    assert_type(registry.allow_all_artifact_types, bool)
    assert_type(registry.artifact_types, ArtifactTypes)
    assert_type(registry.artifact_types.saved, tuple[str, ...])
    assert_type(registry.created_at, datetime)
    assert_type(registry.updated_at, datetime | None)
    assert_type(registry.organization, str)
    assert_type(registry.entity, str)
    assert_type(registry.path, str)
    assert_type(registry.save(), None)
    assert_type(registry.load(), None)
    assert_type(registry.delete(), None)
    assert_type(registry.members(), list[UserMember | TeamMember])
    user = registry.user_members()[0]
    assert_type(user.user, MemberUser)
    assert_type(user.role, str)
    assert_type(registry.team_members()[0].team, MemberTeam)
    assert_type(registry.add_members(api.viewer, user), Registry)
    assert_type(registry.update_member(user, "viewer"), Registry)
    assert_type(registry.remove_members("VXNlcjox"), Registry)
    for c in registry.collections(order="-name"):
        assert_type(c, ArtifactCollection)
    assert_type(registry.versions(), SizedPaginator[Artifact])
    created = api.create_registry("x", "restricted", "org", "d", ["model"])
    assert_type(created, Registry)
    for i in api.integrations():
        assert_type(i, Integration)
        if i.typename == "SlackIntegration":
            assert_type(i, SlackIntegration)
            assert_type(i.channel_name, str)
        else:
            assert_type(i.url_endpoint, str)
    slack = next(iter(api.slack_integrations()))
    assert_type(slack, SlackIntegration)
    hook = next(iter(api.webhook_integrations("demo")))
    assert_type(hook, WebhookIntegration)
    assert_type(hook.secret_ref, str | None)
    automation = api.automation("deploy", entity="org")
    assert_type(automation, Automation)
    assert_type(automation.name, str)
    assert_type(automation.enabled, bool)
    assert_type(automation.scope, Scope)
    assert_type(automation.entity, str | None)
    assert_type(automation.created_by, str | None)
    for a in api.automations("org", "deploy", 10):
        assert_type(a, Automation)
    event = OnLinkArtifact(scope=registry, filter=ArtifactEvent.alias.eq("production"))
    new = event >> SendWebhook.from_integration(hook, payload={"a": 1})
    assert_type(new, NewAutomation)
    assert_type(api.create_automation(new, True, name="n", enabled=False), Automation)
    metric = OnRunMetric(
        scope=api.project("p"),
        filter=(RunEvent.metric("loss").mean(5) > 1.5) & RunEvent.name.eq("x"),
    )
    assert_type(
        api.update_automation(automation, False, event=metric, action=DoNothing()), Automation
    )
    assert_type(api.delete_automation(automation), Literal[True])


async def async_registry_usage(aapi: AsyncApi) -> None:
    from wandb_typed import AsyncRegistries, AsyncRegistry, Automation, SlackIntegration

    registries = aapi.registries()
    assert_type(registries, AsyncRegistries)
    async for r in registries:
        assert_type(r, AsyncRegistry)
    registry = await aapi.registry("model")
    assert_type(registry, AsyncRegistry)
    assert_type(await registry.save(), None)
    assert_type(registry.versions(), AsyncSizedPaginator[AsyncArtifact])
    assert_type(await aapi.automation("x"), Automation)
    async for s in aapi.slack_integrations():
        assert_type(s, SlackIntegration)


# -- the write path (issue 16): new artifact versions ------------------------------------


def draft_usage(api: Api, art: Artifact, run: Run) -> None:
    draft = ArtifactDraft("corpus", "dataset", description="d", metadata={"rows": 2})
    assert_type(draft.name, str)
    assert_type(draft.type, str)
    assert_type(draft.description, str | None)
    assert_type(draft.metadata, JSONObject)
    assert_type(draft.incremental, bool)
    assert_type(draft.add_file("a.txt"), ArtifactManifestEntry)
    assert_type(draft.add_dir("data"), None)
    assert_type(draft.add_reference("https://example.com/x"), ArtifactManifestEntry)
    with draft.new_file("b.txt") as f:
        f.write("hello")
    draft.remove("a.txt")
    assert_type(draft.entries, dict[str, ArtifactManifestEntry])
    assert_type(draft.manifest, ArtifactManifest)
    assert_type(draft.digest, str)
    assert_type(draft.size, int)
    assert_type(draft.base_id, str | None)
    assert_type(draft.removed, frozenset[str])
    assert_type(draft.save("mnist", aliases=["best"], api=api, progress=True), Artifact)
    assert_type(art.new_draft(), ArtifactDraft)
    assert_type(run.log_artifact(draft, aliases=["prod"]), Artifact)
    assert_type(run.log_artifact(art), Artifact)
    assert_type(api.sync_tensorboard("logs", run_id="tb", project="p"), Run)


async def async_draft_usage(aapi: AsyncApi, art: AsyncArtifact, run: AsyncRun) -> None:
    draft = AsyncArtifactDraft("corpus", "dataset", incremental=True)
    assert_type(await draft.save("mnist", api=aapi), AsyncArtifact)
    assert_type(await art.new_draft(), AsyncArtifactDraft)
    assert_type(await run.log_artifact(draft), AsyncArtifact)
    assert_type(await aapi.sync_tensorboard(Path("logs")), AsyncRun)
