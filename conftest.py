"""Run the Python examples of README.md and docs/*.md as tests (Sybil).

Each document gets a local W&B server of its own, seeded with the demo data (a copy
of the pytest plugin's seeded template: milliseconds), and ``WANDB_BASE_URL`` /
``WANDB_API_KEY`` point at it while the document's examples run, so the examples
stay exactly what a user copies: ``Api()`` with no arguments. The examples of one
document share a namespace and run in order: when xdist hands a worker an example
whose predecessors ran elsewhere, that worker first runs them (in order, against its
own copy of the document's server), so no example depends on how tests are
distributed. (``xdist_group`` cannot do it: with pytest 9 and xdist 3.8 the group
marker has no effect.)

An example that cannot run here is preceded by ``<!-- skip: next "why" -->``, which
reports it as skipped with that reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from unittest import SkipTest

import pytest
from sybil import Example, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from wandb_typed.testing import LocalServer

DOCUMENTS = ["README.md", "docs/*.md"]


@pytest.fixture(scope="module")  # Sybil runs a document's examples as one module
def docs_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalServer]:
    """A seeded server of this document's own, and the environment pointing at it."""
    from wandb_typed_pytest import _start_copy

    template: Path = request.getfixturevalue("_wandb_template")
    server = _start_copy(template, tmp_path_factory.mktemp("docs-server"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WANDB_BASE_URL", server.base_url)
        env.setenv("WANDB_API_KEY", server.api_key)
        for name in ("WANDB_ENTITY", "WANDB_PROJECT"):
            env.delenv(name, raising=False)
        env.chdir(tmp_path_factory.mktemp("docs-cwd"))  # files the examples write land here
        try:
            yield server
        finally:
            server.close()


@pytest.fixture
def docs_predecessors(request: pytest.FixtureRequest, docs_server: LocalServer) -> Iterator[None]:
    """Run, in this process, the examples of the document that precede this one and
    have not run here yet (their definitions and writes are what this one builds on)."""
    example: Example = request.node.example  # a SybilItem's
    document = example.document
    done: set[int] = _DONE.setdefault(id(document), set())
    for earlier in document.examples():
        if earlier.start >= example.start:
            break
        if earlier.start not in done:
            with contextlib.suppress(SkipTest):  # a skip directive, or a skipped example
                earlier.evaluate()
            done.add(earlier.start)
    yield
    done.add(example.start)


#: Per parsed document (one per process): the examples this process has run.
_DONE: dict[int, set[int]] = {}

pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser()],
    patterns=DOCUMENTS,
    fixtures=["docs_server", "docs_predecessors"],
).pytest()
