#!/usr/bin/env python3
"""Rebuild ``generated/_wandb_typed_gql`` from ``schema.graphql`` + ``queries/``.

    scripts/codegen            delete and regenerate the package
    scripts/codegen --check    regenerate into a temporary directory and fail on any diff

Runs the pinned ariadne-codegen twice from ``[tool.ariadne-codegen]`` in
pyproject.toml: once as configured (async client) and once with the ``sync``
sub-table applied (sync client). Both runs must write byte-identical models (the
script checks), so the two clients share one set of models. Output is formatted by
ariadne-codegen's own pinned ruff, so it is deterministic.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import filecmp
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "_wandb_typed_gql"
TARGET = ROOT / "generated" / PACKAGE


def _configs() -> tuple[dict[str, Any], dict[str, Any]]:
    from ariadne_codegen.config import get_config_dict

    config: dict[str, Any] = get_config_dict(str(ROOT / "pyproject.toml"))
    section = config["tool"]["ariadne-codegen"]
    sync_overrides = section.pop("sync")
    sync_config = copy.deepcopy(config)
    sync_config["tool"]["ariadne-codegen"].update(sync_overrides)
    return config, sync_config


def _generate(config: dict[str, Any], into: Path) -> Path:
    from ariadne_codegen.main import client

    config = copy.deepcopy(config)
    config["tool"]["ariadne-codegen"]["target_package_path"] = str(into)
    into.mkdir(parents=True, exist_ok=True)
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        cast(Any, client)(config)  # ariadne-codegen's entry point is unannotated
    return into / PACKAGE


def build(out_dir: Path) -> None:
    """Write the merged package (both clients) to ``out_dir``."""
    async_config, sync_config = _configs()
    with tempfile.TemporaryDirectory() as tmp:
        async_pkg = _generate(async_config, Path(tmp) / "async")
        sync_pkg = _generate(sync_config, Path(tmp) / "sync")
        shared = sorted(
            {p.name for p in async_pkg.iterdir()} & {p.name for p in sync_pkg.iterdir()}
        )
        _, mismatch, errors = filecmp.cmpfiles(async_pkg, sync_pkg, shared, shallow=False)
        if mismatch or errors:
            sys.exit(f"codegen: the sync and async runs disagree on {mismatch + errors}")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(async_pkg, out_dir, ignore=shutil.ignore_patterns("__pycache__"))
        for extra in sorted({p.name for p in sync_pkg.iterdir()} - set(shared)):
            shutil.copy2(sync_pkg / extra, out_dir / extra)
        (out_dir / "py.typed").write_text("")


def _diff(expected: Path, actual: Path) -> list[str]:
    names = {p.name for p in expected.iterdir()} | {p.name for p in actual.iterdir()}
    names.discard("__pycache__")
    problems = []
    for name in sorted(names):
        a, b = expected / name, actual / name
        if not a.exists():
            problems.append(f"stale file (no longer generated): {name}")
        elif not b.exists():
            problems.append(f"missing file (not committed): {name}")
        elif a.read_bytes() != b.read_bytes():
            problems.append(f"differs: {name}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if generated/ is stale")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # for the plugin module
    with _chdir(ROOT):
        if not args.check:
            build(TARGET)
            print(f"codegen: wrote {TARGET.relative_to(ROOT)}")
            return 0
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / PACKAGE
            build(fresh)
            problems = _diff(fresh, TARGET) if TARGET.exists() else ["generated/ is missing"]
    if problems:
        print("codegen: generated/ is out of date; run scripts/codegen and commit:")
        print("\n".join(f"  {p}" for p in problems))
        return 1
    print("codegen: generated/ is up to date")
    return 0


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    """contextlib.chdir, which Python 3.10 lacks (ariadne-codegen resolves paths from the cwd)."""
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


if __name__ == "__main__":
    sys.exit(main())
