"""The pytest plugin (``wandb_typed_pytest``), as users get it: user test files run by
pytest in a subprocess (pytester), the plugin loaded through its ``pytest11`` entry
point. The runs share one pytest cache directory, so the demo data is seeded once.

Also structural checks that the plugin costs nothing at startup: importing it adds no
module besides itself, and a session whose tests use no fixture never imports
wandb-typed, httpx or the server.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wandb_typed.testing import DemoInfo

pytest_plugins = ["pytester"]
# One worker runs them all, so the seeded template in the shared cache is built once.
pytestmark = [pytest.mark.xdist_group("pytest_plugin"), pytest.mark.tooling]  # pytest in pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("plugin-cache")


@pytest.fixture(autouse=True)
def _no_wandb_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's session starts without W&B settings of ours."""
    for name in ("WANDB_BASE_URL", "WANDB_API_KEY", "WANDB_ENTITY", "WANDB_PROJECT"):
        monkeypatch.delenv(name, raising=False)


def make_user_tests(pytester: pytest.Pytester, demo: DemoInfo, **files: str) -> None:
    """``pytester.makepyfile(**files)``, with the demo facts the files check filled in
    (``MNIST_RUNS``, ``DEMO_PROJECTS``): the plugin seeds what ``seed_demo()`` does, as
    the ``demo`` fixture's server did."""
    facts = {
        "MNIST_RUNS": str(demo.run_counts["mnist"]),
        "DEMO_PROJECTS": repr(list(demo.projects)),
    }
    for name, source in files.items():
        for placeholder, value in facts.items():
            source = source.replace(placeholder, value)
        pytester.makepyfile(**{name: source})


def run(pytester: pytest.Pytester, cache_dir: Path, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p", "no:xdist", "-o", f"cache_dir={cache_dir}", "-q", *args, timeout=600
    )


def documented_tests() -> list[tuple[str, str]]:
    """Every Python block of README.md and docs/*.md that defines a test: ``(where,
    source)``. Sybil runs these blocks too, but only pytest calls the tests."""
    found: list[tuple[str, str]] = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for block in re.finditer(r"```python\n(.*?)```", text, re.S):
            if "\ndef test_" in block.group(1):
                line = text[: block.start()].count("\n") + 1
                found.append((f"{path.relative_to(ROOT)}:{line}", block.group(1)))
    return found


EXAMPLES = documented_tests()


def test_the_readme_has_a_complete_plugin_example() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- pytest-plugin-example.*?-->\n```python\n(.*?)```", text, re.S)
    assert found, "README.md lost its pytest plugin example"
    assert found.group(1) in [source for _, source in EXAMPLES]
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize(("where", "source"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_the_documented_tests_pass(
    pytester: pytest.Pytester, cache_dir: Path, where: str, source: str
) -> None:
    pytester.makepyfile(test_example=source)
    result = run(pytester, cache_dir)
    result.assert_outcomes(passed=source.count("\ndef test_"))


def test_shared_fresh_and_empty_servers(
    pytester: pytest.Pytester, cache_dir: Path, demo: DemoInfo
) -> None:
    make_user_tests(
        pytester,
        demo,
        test_servers="""
        import pytest

        SEEN = []

        def test_shared(wandb_server, wandb_server_session, wandb_api):
            assert wandb_server is wandb_server_session
            assert len(wandb_api.runs("demo/mnist")) == MNIST_RUNS
            SEEN.append(wandb_server.base_url)

        def test_shared_again(wandb_server):
            assert SEEN == [wandb_server.base_url]

        @pytest.mark.wandb_server(fresh=True)
        def test_fresh_is_seeded_and_its_own(wandb_server, wandb_api):
            assert wandb_server.base_url not in SEEN
            assert len(wandb_api.runs("demo/mnist")) == MNIST_RUNS
            wandb_api.create_project("scratch")

        @pytest.mark.wandb_server(seed=False)
        def test_empty(wandb_server, wandb_api):
            assert wandb_server.base_url not in SEEN
            assert [p.name for p in wandb_api.projects("demo")] == []

        def test_the_shared_server_did_not_see_the_fresh_write(wandb_api):
            assert "scratch" not in [p.name for p in wandb_api.projects("demo")]
        """,
    )
    run(pytester, cache_dir).assert_outcomes(passed=5)


def test_the_ini_option_gives_every_test_its_own_server(
    pytester: pytest.Pytester, cache_dir: Path, demo: DemoInfo
) -> None:
    pytester.makeini("[pytest]\nwandb_server_fresh = true\n")
    make_user_tests(
        pytester,
        demo,
        test_fresh="""
        import pytest

        SEEN = []

        @pytest.mark.parametrize("n", [1, 2])
        def test_each_its_own(wandb_server, wandb_api, n):
            assert wandb_server.base_url not in SEEN
            SEEN.append(wandb_server.base_url)
            assert len(wandb_api.runs("demo/mnist")) == MNIST_RUNS

        @pytest.mark.wandb_server(fresh=False)
        def test_opt_back_into_the_shared(wandb_server, wandb_server_session):
            assert wandb_server is wandb_server_session
        """,
    )
    run(pytester, cache_dir).assert_outcomes(passed=3)


def test_the_async_client_under_asyncio_run_and_anyio(
    pytester: pytest.Pytester, cache_dir: Path, demo: DemoInfo
) -> None:
    make_user_tests(
        pytester,
        demo,
        test_async="""
        import asyncio
        import pytest

        def test_in_asyncio_run(wandb_async_api):
            async def main():
                return await wandb_async_api.runs("demo/mnist").count()
            assert asyncio.run(main()) == MNIST_RUNS

        def test_left_open_by_the_test(wandb_async_api):
            async def main():
                return (await wandb_async_api.viewer).username  # no aclose(): the fixture's
            assert asyncio.run(main()) == "demo"

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        async def test_under_anyio(wandb_async_api):
            assert (await wandb_async_api.viewer).username == "demo"
            assert len([r async for r in wandb_async_api.runs("demo/mnist", light=True)]) == MNIST_RUNS
        """,
    )
    # A connection left open on a finished event loop would surface as a ResourceWarning.
    result = run(pytester, cache_dir, "-W", "error::ResourceWarning", "-p", "anyio")
    result.assert_outcomes(passed=3)


def test_wandb_env_points_argument_free_clients_at_the_server(
    pytester: pytest.Pytester, cache_dir: Path, demo: DemoInfo
) -> None:
    make_user_tests(
        pytester,
        demo,
        test_env="""
        import os
        from wandb_typed import Api

        def projects():
            with Api() as api:  # the code under test knows nothing of the server
                return [p.name for p in api.projects("demo")]

        def test_env(wandb_env):
            assert projects() == DEMO_PROJECTS
            assert os.environ["WANDB_BASE_URL"] == wandb_env.base_url

        def test_env_is_restored_afterwards():
            assert "WANDB_BASE_URL" not in os.environ
            assert "WANDB_API_KEY" not in os.environ
        """,
    )
    run(pytester, cache_dir, "-p", "no:randomly").assert_outcomes(passed=2)


def test_another_users_key(pytester: pytest.Pytester, cache_dir: Path) -> None:
    pytester.makepyfile(
        test_users="""
        import pytest
        from wandb_typed import Api, GraphQLError, NotFoundError

        @pytest.mark.wandb_server(fresh=True)
        def test_alice(wandb_server, wandb_api):
            key = wandb_server.add_user("alice")
            assert key != wandb_server.api_key
            with Api({"base_url": wandb_server.base_url}, api_key=key) as alice:
                assert alice.viewer.username == "alice"
                with pytest.raises(NotFoundError):
                    alice.project("mnist", entity="demo")
                with pytest.raises(GraphQLError, match="permission denied"):
                    alice.create_run("x", project="mnist", entity="demo")
                alice.create_project("mine")
            assert "mine" not in [p.name for p in wandb_api.projects("demo")]
        """
    )
    run(pytester, cache_dir).assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ('fresh="yes"', "fresh must be True or False"),
        ("speed=1", "unknown option(s) ['speed']"),
        ("True", "takes keywords only"),
        ("fresh=False, seed=False", "an empty server is always a fresh one"),
    ],
)
def test_a_bad_marker_is_a_clear_error(
    pytester: pytest.Pytester, cache_dir: Path, marker: str, message: str
) -> None:
    pytester.makepyfile(
        test_bad=f"""
        import pytest

        @pytest.mark.wandb_server({marker})
        def test_it(wandb_server):
            pass
        """
    )
    result = run(pytester, cache_dir)
    result.assert_outcomes(errors=1)
    assert message in result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def test_without_the_server_extra_the_fixtures_say_what_to_install(
    pytester: pytest.Pytester, cache_dir: Path
) -> None:
    pytester.makeconftest(
        """
        import sys
        sys.modules["uvicorn"] = None  # as if the server extra were not installed
        sys.modules["ariadne"] = None
        """
    )
    pytester.makepyfile(
        test_missing="""
        def test_it(wandb_api):
            pass

        def test_without_fixtures_still_runs():
            pass
        """
    )
    result = run(pytester, cache_dir)
    result.assert_outcomes(passed=1, errors=1)
    assert "pip install 'wandb-typed[server]'" in result.stdout.str()


def test_the_seeded_template_is_reused_and_stale_ones_removed(
    pytester: pytest.Pytester, tmp_path: Path, demo: DemoInfo
) -> None:
    cache = tmp_path / "cache"
    templates = cache / "d" / "wandb-typed"
    templates.mkdir(parents=True)
    stale = templates / "demo-0000000000000000.sqlite3"
    stale.write_bytes(b"seeded by older code")
    make_user_tests(
        pytester,
        demo,
        test_seeded="""
        def test_it(wandb_api):
            assert len(wandb_api.runs("demo/mnist")) == MNIST_RUNS
        """,
    )
    run(pytester, cache).assert_outcomes(passed=1)
    (template,) = templates.iterdir()
    assert template.name.startswith("demo-") and template != stale
    seeded = template.stat().st_mtime_ns
    run(pytester, cache).assert_outcomes(passed=1)
    assert list(templates.iterdir()) == [template]
    assert template.stat().st_mtime_ns == seeded  # the second session copied it


# ---------------------------------------------------------------- startup cost

HEAVY = ("wandb_typed", "_wandb_typed_gql", "httpx", "pydantic", "ariadne", "uvicorn", "graphql")


def test_importing_the_plugin_adds_no_module_but_itself() -> None:
    probe = (
        "import json, sys, pytest\n"
        "before = set(sys.modules)\n"
        "import wandb_typed_pytest\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(result.stdout) == ["wandb_typed_pytest"]


def test_a_session_that_uses_no_fixture_imports_nothing_heavy(
    pytester: pytest.Pytester, cache_dir: Path
) -> None:
    pytester.makeconftest(
        """
        import json, sys

        def pytest_sessionfinish(session):
            heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
            plugin = "wandb_typed_pytest" in sys.modules
            with open("modules.json", "w") as f:
                json.dump({"heavy": heavy, "plugin": plugin}, f)
        """.replace("HEAVY", repr(HEAVY))
    )
    pytester.makepyfile(test_plain="def test_it():\n    assert True\n")
    run(pytester, cache_dir, "-p", "no:anyio").assert_outcomes(passed=1)
    seen = json.loads((pytester.path / "modules.json").read_text())
    assert seen == {"heavy": [], "plugin": True}


# ---------------------------------------------------------------- copies under xdist


def test_parallel_workers_share_one_template_and_never_change_its_blob_files(
    pytester: pytest.Pytester, tmp_path: Path, demo: DemoInfo
) -> None:
    """Two workers seed the template at once (one wins the rename), and every fresh
    server works on a copy: downloads, a delete that collects files, a new version;
    the template's blob files (hard-linked into each copy) stay as they were, and each
    copy is deleted when its server closes."""
    import hashlib

    cache = tmp_path / "cache"
    project, entity = demo.artifact_project, demo.entity
    pytester.makepyfile(
        test_copies=f"""
        import pytest
        from wandb_typed import ArtifactDraft

        @pytest.mark.wandb_server(fresh=True)
        @pytest.mark.parametrize("n", range(4))
        def test_copy(wandb_api, wandb_server, tmp_path, n):
            dataset = wandb_api.artifact("{entity}/{project}/{demo.dataset_artifact}:v0")
            dataset.download(tmp_path / "dataset")  # every file's MD5 checked
            for version in wandb_api.artifacts("{demo.model_type}", "{entity}/{project}/{demo.model_artifact}"):
                version.delete(delete_aliases=True)  # collects the files only they had
            draft = ArtifactDraft(f"copy-{{n}}", "dataset")
            with draft.new_file("n.txt") as f:
                f.write(f"copy {{n}}\\n")
            draft.save("{project}", entity="{entity}", api=wandb_api)
            assert wandb_server.store.artifacts.storage_bytes() > 0
        """
    )
    result = pytester.runpytest_subprocess("-n", "2", "-o", f"cache_dir={cache}", "-q", timeout=600)
    result.assert_outcomes(passed=4)
    (template,) = (cache / "d" / "wandb-typed").iterdir()  # one template, no partial left
    blobs = template / "wandb.sqlite3.blobs"
    files = [p for p in blobs.rglob("*") if p.is_file()]
    assert files and all(hashlib.md5(p.read_bytes()).hexdigest() == p.name for p in files)
    with sqlite3.connect(template / "wandb.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM artifact_blobs").fetchone()[0] == len(files)
    assert not [p for p in pytester.path.rglob("wandb.sqlite3*") if cache not in p.parents]
