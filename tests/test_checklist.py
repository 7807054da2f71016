"""The contributor's checklist, checked: every public class of the facade (a class of a
``wandb_typed/_async`` or ``_sync`` module) is exported from ``wandb_typed``, listed in
``__all__``, has an entry in the docs reference, a jedi completion case and a place in
the signature checks of ``tests/test_tooling.py``. Forgetting one of those lists fails
here, naming the class and the list.

(That every ``AsyncApi`` member has a snapshot is checked in ``tests/test_snapshots.py``.)
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import wandb_typed

from . import test_tooling

ROOT = Path(__file__).resolve().parent.parent
#: Plumbing the resources share; not user-facing, so not exported.
INTERNAL = {"AsyncSession", "Session", "AsyncConnection", "Connection"}
# -- teams, users, launch queues, custom charts and the run members users reach for:
# a base class of Run/AsyncRun that holds the members of a run beyond its data
# (waiting, state, stop, console logs, metadata); users meet them on the run.
INTERNAL |= {"AsyncRunMembers", "RunMembers"}
# The Api's family members, base classes of Api/AsyncApi (api.py stays the core list).
INTERNAL |= {"AsyncApiRegistries", "ApiRegistries", "AsyncApiTeams", "ApiTeams"}


def facade_classes() -> list[type]:
    """Every class defined in a public-named module of ``_async`` and ``_sync``."""
    found: list[type] = []
    for package in ("wandb_typed._async", "wandb_typed._sync"):
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
            if info.name.startswith("_"):  # _mode: written by hand once per mode
                continue
            module = importlib.import_module(f"{package}.{info.name}")
            found += [
                obj
                for name, obj in vars(module).items()
                if inspect.isclass(obj)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
                and name not in INTERNAL
            ]
    return found


CLASSES = facade_classes()
IDS = [c.__name__ for c in CLASSES]


def reference_entries() -> set[str]:
    """The names the docs reference renders (``::: wandb_typed.Name`` lines)."""
    text = "\n".join(p.read_text() for p in (ROOT / "docs" / "reference").glob("*.md"))
    return set(re.findall(r"^::: wandb_typed\.(\w+)\s*$", text, re.MULTILINE))


def test_the_scan_finds_the_facade() -> None:
    names = set(IDS)
    assert {"Api", "AsyncApi", "Run", "AsyncRun", "Artifact", "AsyncArtifact"} <= names
    assert len(CLASSES) >= 36
    assert not names & INTERNAL


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_exported_and_in_all(cls: type) -> None:
    name = cls.__name__
    assert getattr(wandb_typed, name, None) is cls, f"export {name} from wandb_typed/__init__.py"
    assert name in wandb_typed.__all__, f"add {name!r} to wandb_typed.__all__"


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_in_the_docs_reference(cls: type) -> None:
    assert cls.__name__ in reference_entries(), (
        f"add '::: wandb_typed.{cls.__name__}' to a page of docs/reference/"
    )


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_has_a_jedi_case_and_signature_checks(cls: type) -> None:
    completed = {case[2] for case in test_tooling.CASES}
    assert cls in completed, f"add a jedi case for {cls.__name__} to CASES in test_tooling.py"
    assert cls in test_tooling.CLASSES, f"add {cls.__name__} to CLASSES in test_tooling.py"


def rendered_names() -> set[str]:
    """Every name the docs reference renders: direct entries, and the members of a
    module entry (``::: wandb_typed.errors``: all its public names, or those listed in
    its ``members: [...]`` option)."""
    names = set(reference_entries())
    for page in (ROOT / "docs" / "reference").glob("*.md"):
        text = page.read_text()
        for match in re.finditer(r"^::: (wandb_typed\.\w+)\s*\n((?:    .*\n)*)", text, re.M):
            target = match.group(1)
            try:
                module = importlib.import_module(target)
            except ImportError:
                continue  # a class entry, counted above
            listed = re.search(r"members: \[([^\]]*)\]", match.group(2))
            members = (
                [m.strip() for m in listed.group(1).split(",")]
                if listed
                else list(getattr(module, "__all__", []))
            )
            names.update(m for m in members if m)
    return names


@pytest.mark.parametrize("name", [n for n in wandb_typed.__all__ if n != "__version__"])
def test_every_public_name_has_a_reference_entry(name: str) -> None:
    assert name in rendered_names(), (
        f"wandb_typed.{name} is in __all__ but no page of docs/reference/ renders it"
    )


def test_internal_classes_stay_internal() -> None:
    """The exemptions above name classes that exist (a stale one fails) and are not
    exported (exporting one would make it public API)."""
    defined = {
        name
        for package in ("wandb_typed._async", "wandb_typed._sync")
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__)
        for name in vars(importlib.import_module(f"{package}.{info.name}"))
    }
    assert defined >= INTERNAL
    assert not INTERNAL & set(wandb_typed.__all__)
