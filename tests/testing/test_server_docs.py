"""Every module of the local server says what it is for, and every public function, and
public method of a public class, says what it does (a resolver: its schema field and
who may see or change it).  The server grows by whole families of resolvers; this
keeps each one explained where it is defined."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import wandb_typed.testing


def server_modules() -> list[ModuleType]:
    """``wandb_typed.testing`` and every module below it."""
    package = wandb_typed.testing
    prefix = package.__name__ + "."
    return [
        package,
        *(
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(package.__path__, prefix)
        ),
    ]


def undocumented(module: ModuleType) -> list[str]:
    """Public functions and public methods of public classes defined in ``module``
    (not imported into it) without a docstring of their own."""
    missing: list[str] = []
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value) and not (value.__doc__ or "").strip():
            missing.append(f"{module.__name__}.{name}")
        elif inspect.isclass(value):
            for method_name, member in vars(value).items():
                if method_name.startswith("_"):
                    continue
                function = member
                if isinstance(member, (staticmethod, classmethod)):
                    function = member.__func__
                elif isinstance(member, property):
                    function = member.fget
                if inspect.isfunction(function) and not (function.__doc__ or "").strip():
                    missing.append(f"{module.__name__}.{name}.{method_name}")
    return missing


def test_every_server_module_has_a_docstring() -> None:
    assert [m.__name__ for m in server_modules() if not (m.__doc__ or "").strip()] == []


def test_every_public_server_function_has_a_docstring() -> None:
    missing = [name for module in server_modules() for name in undocumented(module)]
    assert missing == []


def test_the_check_sees_resolvers_and_store_methods() -> None:
    """The walk reaches the resolver and store subpackages (a broken walk passes vacuously)."""
    names = {m.__name__ for m in server_modules()}
    assert "wandb_typed.testing._resolvers.runs" in names
    assert "wandb_typed.testing._store.artifacts.versions" in names
    assert len(names) > 40
