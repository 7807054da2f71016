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
        wt.Report,
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
    assert typing.get_type_hints(wt.Api.project)["return"] is wt.Project
    assert typing.get_type_hints(wt.AsyncApi.run)["return"] is wt.AsyncRun
    assert "The project" in (wt.Api.project.__doc__ or "")
