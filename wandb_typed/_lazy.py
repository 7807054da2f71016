"""Names a package exports but imports on first use (PEP 562), written once for
``wandb_typed`` (its async classes and a few rarely used ones),
``wandb_typed.automations`` (the DSL) and ``wandb_typed.testing`` (the server)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A ``__getattr__`` and a ``__dir__`` for ``package``: a name of ``names`` (name →
    module, relative to the package) is imported on first access and kept in the
    package's namespace; any other name is an ``AttributeError``; ``dir()`` lists the
    namespace and ``__all__``."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> object:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return __getattr__, __dir__
