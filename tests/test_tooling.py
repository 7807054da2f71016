"""What tools other than mypy see: jedi (IPython, Jupyter and many editors complete
with it) completes every public attribute of what each method returns, including the
items of a ``for``/``async for`` over a collection; ``inspect.signature`` shows each
method's documented parameters and real return type; ``help()`` shows the docstring.

Each jedi case names the class whose public attributes must all be offered; the
attribute list comes from the class itself, so a new attribute is covered at once.
"""

from __future__ import annotations

import inspect
import pathlib
import typing

import jedi
import pytest

import wandb_typed as wt

#: Starts a tool or a process: left out of the inner loop (pytest -m "not tooling").
pytestmark = pytest.mark.tooling

SYNC = "import wandb_typed\napi = wandb_typed.Api()\n"
ASYNC = "import wandb_typed\nasync def main():\n    api = wandb_typed.AsyncApi()\n"
#: A declared config type, in the completed source and here (its attributes must appear).
CFG = "class Cfg:\n    lr: float = 0.0\n    optimizer: str = ''\n"
TYPED = CFG + SYNC
ATYPED = CFG + ASYNC


class Cfg:
    lr: float = 0.0
    optimizer: str = ""


#: (case, source ending where completion is asked, class whose attributes must appear)
CASES: list[tuple[str, str, type]] = [
    ("api", SYNC + "api.", wt.Api),
    ("viewer", SYNC + "api.viewer.", wt.User),
    ("project", SYNC + "p = api.project('x')\np.", wt.Project),
    ("projects", SYNC + "for p in api.projects():\n    p.", wt.Project),
    ("create_project", SYNC + "api.create_project('x').", wt.Project),
    ("runs", SYNC + "runs = api.runs('e/p')\nruns.", wt.Runs),
    ("runs_items", SYNC + "for r in api.runs('e/p'):\n    r.", wt.Run),
    ("runs_index", SYNC + "api.runs('e/p')[0].", wt.Run),
    ("light_items", SYNC + "for r in api.runs('e/p', light=True):\n    r.", wt.LightRun),
    ("light_load", SYNC + "for r in api.runs('e/p', light=True):\n    r.load().", wt.Run),
    ("run", SYNC + "run = api.run('e/p/r')\nrun.", wt.Run),
    ("create_run", SYNC + "api.create_run().", wt.Run),
    ("run_sweep", SYNC + "api.run('e/p/r').sweep.", wt.Sweep),
    ("files", SYNC + "for f in api.run('e/p/r').files():\n    f.", wt.File),
    ("file", SYNC + "api.run('e/p/r').file('a').", wt.File),
    ("scan", SYNC + "api.run('e/p/r').scan_history().", wt.HistoryScan),
    ("scan_rows", SYNC + "for row in api.run('e/p/r').scan_history():\n    row.", dict),
    ("config", SYNC + "api.run('e/p/r').config.", dict),
    ("history", SYNC + "api.run('e/p/r').history(pandas=False).", list),
    ("sweep", SYNC + "s = api.sweep('e/p/s')\ns.", wt.Sweep),
    ("sweep_runs", SYNC + "for r in api.sweep('e/p/s').runs:\n    r.", wt.Run),
    ("best_run", SYNC + "api.sweep('e/p/s').best_run().", wt.Run),
    ("project_runs", SYNC + "for r in api.project('p').runs():\n    r.", wt.Run),
    ("project_sweeps", SYNC + "for s in api.project('p').sweeps():\n    s.", wt.Sweep),
    ("reports", SYNC + "for r in api.reports('e/p'):\n    r.", wt.Report),
    ("from_path", SYNC + "api.from_path('e/p/r').", wt.Report),
    ("pages", SYNC + "for page in api.projects().pages():\n    page.", wt.Page),
    ("sized_paginator", SYNC + "ps = api.projects()\nps.", wt.SizedPaginator),
    ("paginator", SYNC + "ps = api.projects()\nps.", wt.Paginator),
    ("typed_runs", TYPED + "runs = api.runs('e/p', config_type=Cfg)\nruns.", wt.TypedRuns),
    ("typed_items", TYPED + "for r in api.runs('e/p', config_type=Cfg):\n    r.", wt.TypedRun),
    (
        "typed_config",
        TYPED + "for r in api.runs('e/p', config_type=Cfg):\n    r.typed_config.",
        Cfg,
    ),
    (
        "typed_summary",
        TYPED + "for r in api.runs('e/p', summary_type=Cfg):\n    r.typed_summary.",
        Cfg,
    ),
    ("config_as", TYPED + "api.run('e/p/r').config_as(Cfg).", Cfg),
    ("summary_as", TYPED + "api.run('e/p/r').summary_as(Cfg).", Cfg),
    ("artifact", SYNC + "a = api.artifact('e/p/n:v0')\na.", wt.Artifact),
    ("artifacts", SYNC + "for a in api.artifacts('model', 'e/p/n'):\n    a.", wt.Artifact),
    ("artifacts_index", SYNC + "api.artifacts('model', 'e/p/n')[0].", wt.Artifact),
    ("artifact_versions", SYNC + "for a in api.artifact_versions('m', 'n'):\n    a.", wt.Artifact),
    ("artifact_link", SYNC + "api.artifact('n').link('shelf').", wt.Artifact),
    ("artifact_collection_prop", SYNC + "api.artifact('n').collection.", wt.ArtifactCollection),
    (
        "artifact_source_collection",
        SYNC + "api.artifact('n').source_collection.",
        wt.ArtifactCollection,
    ),
    ("artifact_logged_by", SYNC + "api.artifact('n').logged_by().", wt.Run),
    ("artifact_used_by", SYNC + "for r in api.artifact('n').used_by():\n    r.", wt.Run),
    ("artifact_manifest", SYNC + "api.artifact('n').manifest.", wt.ArtifactManifest),
    (
        "manifest_entries",
        SYNC + "for e in api.artifact('n').manifest:\n    e.",
        wt.ArtifactManifestEntry,
    ),
    ("artifact_entry", SYNC + "api.artifact('n').get_entry('a').", wt.ArtifactEntry),
    ("artifact_files", SYNC + "for f in api.artifact('n').files():\n    f.", wt.ArtifactFile),
    (
        "artifact_download",
        SYNC + "api.artifact('n').download().",
        pathlib.Path,
    ),
    ("artifact_type", SYNC + "api.artifact_type('model').", wt.ArtifactType),
    ("artifact_types", SYNC + "for t in api.artifact_types():\n    t.", wt.ArtifactType),
    (
        "type_collections",
        SYNC + "for c in api.artifact_type('m').collections():\n    c.",
        wt.ArtifactCollection,
    ),
    ("artifact_collection", SYNC + "api.artifact_collection('m', 'n').", wt.ArtifactCollection),
    (
        "artifact_collections",
        SYNC + "for c in api.artifact_collections('p', 'm'):\n    c.",
        wt.ArtifactCollection,
    ),
    (
        "collection_artifacts",
        SYNC + "for a in api.artifact_collection('m', 'n').artifacts():\n    a.",
        wt.Artifact,
    ),
    ("job", SYNC + "api.job('e/p/j:latest').", wt.Job),
    ("job_spec", SYNC + "api.job('e/p/j:latest').spec.", wt.JobSpec),
    ("list_jobs", SYNC + "for j in api.list_jobs('e', 'p'):\n    j.", wt.JobSummary),
    ("job_versions", SYNC + "for v in api.list_jobs('e', 'p')[0].versions:\n    v.", wt.JobVersion),
    ("run_logged", SYNC + "for a in api.run('e/p/r').logged_artifacts():\n    a.", wt.Artifact),
    ("run_used", SYNC + "for a in api.run('e/p/r').used_artifacts():\n    a.", wt.Artifact),
    ("run_use", SYNC + "r = api.run('e/p/r')\nr.use_artifact(api.artifact('n')).", wt.Artifact),
    ("run_log", SYNC + "r = api.run('e/p/r')\nr.log_artifact(api.artifact('n')).", wt.Artifact),
    (
        "project_collections",
        SYNC + "for c in api.project('p').collections():\n    c.",
        wt.ArtifactCollection,
    ),
    (
        "project_types",
        SYNC + "for t in api.project('p').artifacts_types():\n    t.",
        wt.ArtifactType,
    ),
    ("async_api", ASYNC + "    api.", wt.AsyncApi),
    ("async_viewer", ASYNC + "    v = await api.viewer\n    v.", wt.User),
    ("async_project", ASYNC + "    p = await api.project('x')\n    p.", wt.AsyncProject),
    (
        "async_projects",
        ASYNC + "    async for p in api.projects():\n        p.",
        wt.AsyncProject,
    ),
    ("async_runs", ASYNC + "    runs = api.runs('e/p')\n    runs.", wt.AsyncRuns),
    ("async_sized_paginator", ASYNC + "    ps = api.projects()\n    ps.", wt.AsyncSizedPaginator),
    ("async_paginator", ASYNC + "    ps = api.projects()\n    ps.", wt.AsyncPaginator),
    (
        "async_scan",
        ASYNC + "    run = await api.run('e/p/r')\n    run.scan_history().",
        wt.AsyncHistoryScan,
    ),
    (
        "async_typed_runs",
        ATYPED + "    runs = api.runs('e/p', config_type=Cfg)\n    runs.",
        wt.AsyncTypedRuns,
    ),
    ("async_runs_items", ASYNC + "    async for r in api.runs('e/p'):\n        r.", wt.AsyncRun),
    ("async_at", ASYNC + "    r = await api.runs('e/p').at(0)\n    r.", wt.AsyncRun),
    (
        "async_light",
        ASYNC + "    async for r in api.runs('e/p', light=True):\n        r.",
        wt.AsyncLightRun,
    ),
    ("async_run", ASYNC + "    run = await api.run('e/p/r')\n    run.", wt.AsyncRun),
    (
        "async_files",
        ASYNC + "    run = await api.run('e/p/r')\n    async for f in run.files():\n        f.",
        wt.AsyncFile,
    ),
    (
        "async_scan_rows",
        ASYNC
        + "    run = await api.run('e/p/r')\n    async for row in run.scan_history():\n        row.",
        dict,
    ),
    ("async_sweep", ASYNC + "    s = await api.sweep('e/p/s')\n    s.", wt.AsyncSweep),
    (
        "async_best_run",
        ASYNC + "    s = await api.sweep('e/p/s')\n    r = await s.best_run()\n    r.",
        wt.AsyncRun,
    ),
    ("async_artifact", ASYNC + "    a = await api.artifact('n')\n    a.", wt.AsyncArtifact),
    (
        "async_artifacts",
        ASYNC + "    async for a in api.artifacts('m', 'n'):\n        a.",
        wt.AsyncArtifact,
    ),
    (
        "async_artifacts_at",
        ASYNC + "    a = await api.artifacts('m', 'n').at(0)\n    a.",
        wt.AsyncArtifact,
    ),
    (
        "async_artifact_collection",
        ASYNC + "    a = await api.artifact('n')\n    c = await a.collection\n    c.",
        wt.AsyncArtifactCollection,
    ),
    (
        "async_logged_by",
        ASYNC + "    a = await api.artifact('n')\n    r = await a.logged_by()\n    r.",
        wt.AsyncRun,
    ),
    (
        "async_used_by",
        ASYNC + "    a = await api.artifact('n')\n    for r in await a.used_by():\n        r.",
        wt.AsyncRun,
    ),
    (
        "async_manifest",
        ASYNC + "    a = await api.artifact('n')\n    m = await a.manifest\n    m.",
        wt.ArtifactManifest,
    ),
    (
        "async_entry",
        ASYNC + "    a = await api.artifact('n')\n    e = await a.get_entry('x')\n    e.",
        wt.AsyncArtifactEntry,
    ),
    (
        "async_artifact_files",
        ASYNC + "    a = await api.artifact('n')\n    async for f in a.files():\n        f.",
        wt.AsyncArtifactFile,
    ),
    (
        "async_artifact_types",
        ASYNC + "    async for t in api.artifact_types():\n        t.",
        wt.AsyncArtifactType,
    ),
    (
        "async_collections",
        ASYNC + "    async for c in api.artifact_collections('p', 'm'):\n        c.",
        wt.AsyncArtifactCollection,
    ),
    (
        "async_collection",
        ASYNC + "    c = await api.artifact_collection('m', 'n')\n    c.",
        wt.AsyncArtifactCollection,
    ),
    ("async_job", ASYNC + "    j = await api.job('e/p/j:latest')\n    j.", wt.AsyncJob),
    (
        "async_list_jobs",
        ASYNC + "    for j in await api.list_jobs('e', 'p'):\n        j.",
        wt.JobSummary,
    ),
    (
        "async_run_logged",
        ASYNC
        + "    r = await api.run('e/p/r')\n    async for a in r.logged_artifacts():\n        a.",
        wt.AsyncArtifact,
    ),
    (
        "async_typed_items",
        ATYPED + "    async for r in api.runs('e/p', config_type=Cfg):\n        r.",
        wt.AsyncTypedRun,
    ),
    (
        "async_typed_config",
        ATYPED + "    async for r in api.runs('e/p', config_type=Cfg):\n        r.typed_config.",
        Cfg,
    ),
    (
        "async_reports",
        ASYNC + "    async for r in api.reports('e/p'):\n        r.",
        wt.AsyncReport,
    ),
]


# -- teams, users, launch queues, custom charts and the run members users reach for
CASES += [
    ("team", SYNC + "t = api.team('t')\nt.", wt.Team),
    ("create_team", SYNC + "api.create_team('t').", wt.Team),
    ("team_members", SYNC + "for m in api.team('t').members:\n    m.", wt.Member),
    ("team_service_account", SYNC + "api.team('t').create_service_account('d').", wt.Member),
    ("users", SYNC + "for u in api.users('x'):\n    u.", wt.User),
    ("create_user", SYNC + "api.create_user('a@b.c').", wt.User),
    ("new_api_key", SYNC + "api.viewer.generate_api_key().", wt.NewApiKey),
    ("run_queue", SYNC + "q = api.run_queue('e', 'q')\nq.", wt.RunQueue),
    ("create_run_queue", SYNC + "api.create_run_queue('q', 'kubernetes').", wt.RunQueue),
    ("upsert_run_queue", SYNC + "api.upsert_run_queue('q', {}, 'kubernetes').", wt.RunQueue),
    ("queue_items", SYNC + "for i in api.run_queue('e', 'q').items:\n    i.", wt.QueuedRun),
    ("queued_run", SYNC + "api.queued_run('e', 'p', 'q', 'i').", wt.QueuedRun),
    ("queued_run_wait", SYNC + "api.queued_run('e', 'p', 'q', 'i').wait_until_running().", wt.Run),
    ("job_call", SYNC + "api.job('e/p/j:latest').call({}).", wt.QueuedRun),
    ("report_runs", SYNC + "for r in api.reports('e/p')[0].runs():\n    r.", wt.Run),
    ("light_runs", SYNC + "rs = api.runs('e/p', light=True)\nrs.", wt.LightRuns),
    ("upgrade_to_full", SYNC + "api.runs('e/p', light=True).upgrade_to_full().", wt.Runs),
    ("sweep_agents", SYNC + "for a in api.sweep('e/p/s').agents():\n    a.", wt.Agent),
    (
        "linked_artifacts",
        SYNC + "for a in api.artifact('n').linked_artifacts:\n    a.",
        wt.Artifact,
    ),
    ("source_artifact", SYNC + "api.artifact('n').source_artifact.", wt.Artifact),
    (
        "artifact_get_table",
        SYNC + "t = api.artifact('n').get('t')\nassert isinstance(t, wandb_typed.Table)\nt.",
        wt.Table,
    ),
    (
        "async_light_runs",
        ASYNC + "    rs = api.runs('e/p', light=True)\n    rs.",
        wt.AsyncLightRuns,
    ),
    (
        "console_logs",
        SYNC + "for ln in api.run('e/p/r').console_logs():\n    ln.",
        wt.ConsoleLogLine,
    ),
    ("async_team", ASYNC + "    t = await api.team('t')\n    t.", wt.AsyncTeam),
    (
        "async_team_members",
        ASYNC + "    t = await api.team('t')\n    for m in t.members:\n        m.",
        wt.AsyncMember,
    ),
    ("async_users", ASYNC + "    for u in await api.users('x'):\n        u.", wt.AsyncUser),
    ("async_viewer_user", ASYNC + "    v = await api.viewer\n    v.", wt.AsyncUser),
    ("async_run_queue", ASYNC + "    q = await api.run_queue('e', 'q')\n    q.", wt.AsyncRunQueue),
    (
        "async_queued_run",
        ASYNC + "    r = await api.queued_run('e', 'p', 'q', 'i')\n    r.",
        wt.AsyncQueuedRun,
    ),
    (
        "async_queue_items",
        ASYNC + "    q = await api.run_queue('e', 'q')\n    for i in await q.items:\n        i.",
        wt.AsyncQueuedRun,
    ),
    # registries, automations and integrations
    ("registry", SYNC + "r = api.registry('model')\nr.", wt.Registry),
    ("registries", SYNC + "rs = api.registries()\nrs.", wt.Registries),
    ("registries_items", SYNC + "for r in api.registries():\n    r.", wt.Registry),
    ("create_registry", SYNC + "api.create_registry('x', 'restricted').", wt.Registry),
    ("registry_types", SYNC + "api.registry('m').artifact_types.", wt.ArtifactTypes),
    ("user_members", SYNC + "for m in api.registry('m').user_members():\n    m.", wt.UserMember),
    ("team_members", SYNC + "for m in api.registry('m').team_members():\n    m.", wt.TeamMember),
    (
        "registry_collections",
        SYNC + "for c in api.registry('m').collections():\n    c.",
        wt.ArtifactCollection,
    ),
    ("registries_versions", SYNC + "for v in api.registries().versions():\n    v.", wt.Artifact),
    (
        "registry_collections_search",
        SYNC + "cs = api.registries().collections()\ncs.",
        wt.RegistryCollections,
    ),
    (
        "async_registry_collections",
        ASYNC + "    cs = api.registries().collections()\n    cs.",
        wt.AsyncRegistryCollections,
    ),
    ("automation", SYNC + "a = api.automation('x')\na.", wt.Automation),
    ("automations", SYNC + "for a in api.automations():\n    a.", wt.Automation),
    ("integrations", SYNC + "for i in api.integrations():\n    i.", wt.WebhookIntegration),
    ("slack", SYNC + "for i in api.slack_integrations():\n    i.", wt.SlackIntegration),
    ("webhooks", SYNC + "for i in api.webhook_integrations():\n    i.", wt.WebhookIntegration),
    ("async_registry", ASYNC + "    r = await api.registry('m')\n    r.", wt.AsyncRegistry),
    ("async_registries", ASYNC + "    rs = api.registries()\n    rs.", wt.AsyncRegistries),
    (
        "async_registries_items",
        ASYNC + "    async for r in api.registries():\n        r.",
        wt.AsyncRegistry,
    ),
    ("async_automation", ASYNC + "    a = await api.automation('x')\n    a.", wt.Automation),
    (
        "async_slack",
        ASYNC + "    async for i in api.slack_integrations():\n        i.",
        wt.SlackIntegration,
    ),
    # -- the write path (issue 16): new artifact versions
    ("draft", SYNC + "d = wandb_typed.ArtifactDraft('n', 'dataset')\nd.", wt.ArtifactDraft),
    ("new_draft", SYNC + "api.artifact('n').new_draft().", wt.ArtifactDraft),
    ("draft_save", SYNC + "wandb_typed.ArtifactDraft('n', 't').save('p').", wt.Artifact),
    (
        "run_log_draft",
        SYNC + "api.run('e/p/r').log_artifact(wandb_typed.ArtifactDraft('n', 't')).",
        wt.Artifact,
    ),
    (
        "async_new_draft",
        ASYNC + "    d = await (await api.artifact('n')).new_draft()\n    d.",
        wt.AsyncArtifactDraft,
    ),
    ("sync_tensorboard", SYNC + "api.sync_tensorboard('logs', project='p').", wt.Run),
    (
        "async_draft_save",
        ASYNC + "    a = await wandb_typed.AsyncArtifactDraft('n', 't').save('p')\n    a.",
        wt.AsyncArtifact,
    ),
]


@pytest.fixture(autouse=True, scope="module")
def _private_jedi_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One jedi cache per test process: xdist workers sharing ~/.cache/jedi raced."""
    jedi.settings.cache_directory = str(tmp_path_factory.mktemp("jedi-cache"))


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


@pytest.mark.parametrize(("case", "source", "cls"), CASES, ids=[c[0] for c in CASES])
def test_jedi_completes_what_methods_return(case: str, source: str, cls: type) -> None:
    lines = source.split("\n")
    completions = jedi.Script(source).complete(len(lines), len(lines[-1]))
    offered = {c.name for c in completions}
    missing = _public(cls) - offered
    assert not missing, f"{case}: jedi does not offer {sorted(missing)}"


@pytest.mark.parametrize(
    ("call", "made"),
    [
        ("api.run('e/p/r').history()", "import pandas\npandas.DataFrame()"),
        ("api.runs('e/p').histories(format='pandas')", "import pandas\npandas.DataFrame()"),
        ("api.run('e/p/r').history(polars=True)", "import polars\npolars.DataFrame()"),
        ("api.runs('e/p').histories(format='polars')", "import polars\npolars.DataFrame()"),
    ],
)
def test_jedi_completes_frames_as_their_libraries_dataframes(call: str, made: str) -> None:
    """``PandasFrame``/``PolarsFrame`` results offer what a DataFrame the user made
    offers (NewTypes of the libraries' DataFrames)."""

    def offered(source: str) -> set[str]:
        lines = source.split("\n")
        return {c.name for c in jedi.Script(source).complete(len(lines), len(lines[-1]))}

    ours, theirs = offered(SYNC + call + "."), offered(made + ".")
    assert len(theirs) > 100  # a DataFrame's methods, not nothing
    assert theirs <= ours, sorted(theirs - ours)[:20]


def test_import_completion_offers_no_generated_package() -> None:
    """``import wandb_`` completes to the package and its pytest plugin only: the
    generated client installs as ``_wandb_typed_gql``, private by its name (tools that
    list importable modules hide it, as they hide any ``_`` name)."""
    offered = {c.name for c in jedi.Script("import wandb_").complete(1, len("import wandb_"))}
    assert "wandb_typed" in offered
    assert not [name for name in offered if "gql" in name], offered
    assert "_wandb_typed_gql" in {c.name for c in jedi.Script("import _wandb").complete(1, 13)}


#: Every public method of the two Api classes and of the resources they return.
CLASSES = [
    wt.Api, wt.AsyncApi, wt.Project, wt.AsyncProject, wt.Run, wt.AsyncRun, wt.LightRun,
    wt.AsyncLightRun, wt.Runs, wt.AsyncRuns, wt.Sweep, wt.AsyncSweep, wt.File, wt.AsyncFile,
    wt.HistoryScan, wt.AsyncHistoryScan, wt.Paginator, wt.AsyncPaginator,
    wt.SizedPaginator, wt.AsyncSizedPaginator, wt.TypedRun, wt.AsyncTypedRun, wt.TypedRuns,
    wt.AsyncTypedRuns, wt.Artifact, wt.AsyncArtifact,
    wt.ArtifactCollection, wt.AsyncArtifactCollection, wt.ArtifactType, wt.AsyncArtifactType,
    wt.ArtifactFile, wt.AsyncArtifactFile, wt.ArtifactEntry, wt.AsyncArtifactEntry, wt.Job,
    wt.AsyncJob, wt.ArtifactManifest, wt.ArtifactManifestEntry,
    # registries, automations and integrations
    wt.Registry, wt.AsyncRegistry, wt.Registries, wt.AsyncRegistries, wt.RegistryCollections,
    wt.AsyncRegistryCollections,
]  # fmt: skip
# -- teams, users, launch queues, custom charts and the run members users reach for
CLASSES += [
    wt.Team, wt.AsyncTeam, wt.Member, wt.AsyncMember, wt.User, wt.AsyncUser, wt.RunQueue,
    wt.AsyncRunQueue, wt.QueuedRun, wt.AsyncQueuedRun, wt.Report, wt.AsyncReport, wt.LightRuns,
    wt.AsyncLightRuns,
    # the write path (issue 16)
    wt.ArtifactDraft, wt.AsyncArtifactDraft,
]  # fmt: skip


def _methods(cls: type) -> list[tuple[str, typing.Any]]:
    return [
        (name, member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    ]


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_signatures_show_parameters_and_real_return_types(cls: type) -> None:
    for name, method in _methods(cls):
        signature = inspect.signature(method)
        assert next(iter(signature.parameters)) == "self", (cls, name)
        shown = str(signature.return_annotation)
        assert signature.return_annotation is not inspect.Signature.empty, (cls, name)
        assert not any(w in shown for w in ("Steps", "Generator", "Call")), (cls, name, shown)
        if not cls.__name__.startswith("Async"):
            assert "Awaitable" not in shown, (cls, name, shown)
        assert method.__doc__, f"{cls.__name__}.{name} has no docstring"


@pytest.mark.parametrize("api", [wt.Api, wt.AsyncApi])
def test_api_return_types_resolve_to_the_classes(api: type) -> None:
    """``typing.get_type_hints`` (what pydantic, typer and doc tools use) resolves
    every Api method's annotations to real classes."""
    for name, method in _methods(api):
        hints = typing.get_type_hints(method)
        assert "return" in hints, (name, hints)


def test_documented_api_parameters() -> None:
    """The seed's parameter names and defaults, as inspect and help() show them."""

    def params(fn: typing.Any) -> list[tuple[str, object]]:
        return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()][1:]

    empty = inspect.Parameter.empty
    for api in (wt.Api, wt.AsyncApi):
        assert params(api.project) == [("name", empty), ("entity", None)]
        assert params(api.projects) == [("entity", None), ("per_page", 200)]
        assert params(api.run) == [("path", "")]
        assert params(api.sweep) == [("path", "")]
        assert params(api.reports) == [("path", ""), ("name", None), ("per_page", 50)]
        assert params(api.runs)[:5] == [
            ("path", None), ("filters", None), ("order", "+created_at"), ("per_page", 50),
            ("include_sweeps", True),
        ]  # fmt: skip
        assert params(api.__init__)[:3] == [
            ("overrides", None),
            ("timeout", None),
            ("api_key", None),
        ]
        # registries, automations and integrations: the seed's parameters first
        assert params(api.registries)[:2] == [("organization", None), ("filter", None)]
        assert params(api.registry) == [("name", empty), ("organization", None)]
        assert params(api.create_registry) == [
            ("name", empty), ("visibility", empty), ("organization", None),
            ("description", None), ("artifact_types", None),
        ]  # fmt: skip
        assert params(api.automation) == [("name", empty), ("entity", None)]
        assert params(api.automations) == [("entity", None), ("name", None), ("per_page", 50)]
        assert params(api.create_automation) == [
            ("obj", empty), ("fetch_existing", False), ("kwargs", empty),
        ]  # fmt: skip
        assert params(api.update_automation) == [
            ("obj", empty), ("create_missing", False), ("kwargs", empty),
        ]  # fmt: skip
        assert params(api.delete_automation) == [("obj", empty)]
        for listing in (api.integrations, api.slack_integrations, api.webhook_integrations):
            assert params(listing) == [("entity", None), ("per_page", 50)]
    assert typing.get_type_hints(wt.Api.project)["return"] is wt.Project
    assert typing.get_type_hints(wt.AsyncApi.run)["return"] is wt.AsyncRun
    assert "The project" in (wt.Api.project.__doc__ or "")
