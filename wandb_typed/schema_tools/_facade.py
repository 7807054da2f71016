"""Facade scan: where the package's own modules call a generated client method
(``.run_page(``), by module and enclosing function, read from their source with
:mod:`ast` (the local server in ``testing/`` is not the facade)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from ._report import FacadeUse


def facade_uses(package_dir: Path, methods: set[str]) -> dict[str, list[FacadeUse]]:
    """Calls ``<anything>.<method>(...)`` in the package's modules (the local server
    in ``testing/`` is not the facade), by enclosing function."""
    found: dict[str, list[FacadeUse]] = {}
    root = package_dir.parent
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(package_dir)
        if relative.parts[0] == "testing":
            continue
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        try:
            uses = list(_calls(ast.parse(source), module, methods))
        except SyntaxError:  # still name the module: scan the text for ".method("
            uses = [
                FacadeUse(module, "<unparsed>", source.count("\n", 0, m.start()) + 1, m.group(1))
                for m in re.finditer(r"\.(\w+)\(", source)
                if m.group(1) in methods
            ]
        for use in uses:
            found.setdefault(use.method, []).append(use)
    return found


def _calls(tree: ast.AST, module: str, methods: set[str]) -> Iterator[FacadeUse]:
    def walk(node: ast.AST, scope: tuple[str, ...]) -> Iterator[FacadeUse]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from walk(child, (*scope, child.name))
                continue
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr in methods
            ):
                yield FacadeUse(
                    module, ".".join(scope) or "<module>", child.lineno, child.func.attr
                )
            yield from walk(child, scope)

    return walk(tree, ())
