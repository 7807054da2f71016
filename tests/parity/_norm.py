"""Normalise what each client returns into plain dicts and lists, so a parity test is
one ``assert ours == official`` with a readable diff.

Intended differences are erased here and nowhere else: our paths are strings
(official: lists), our datetimes are aware ``datetime`` (official: ISO strings),
our ``state`` is a ``RunState`` (official: str), our config/summary are plain dicts
(official: dicts and ``HTTPSummary``). NaN and infinities become marker strings so
that equal values compare equal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import wandb_typed
from wandb_typed._core.files import FileData
from wandb_typed._core.projects import ProjectData
from wandb_typed._core.reports import ReportData
from wandb_typed._core.runs import RunData
from wandb_typed._core.sweeps import SweepData


def ts(value: object) -> str | None:
    """A timestamp as naive-UTC ``YYYY-MM-DDTHH:MM:SS`` (both clients' forms)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert isinstance(value, datetime), f"not a timestamp: {value!r}"
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat()


def canon(value: Any) -> Any:
    """JSON-like value -> plain dicts/lists (dict-likes such as the official
    ``SummarySubDict`` included); NaN/inf -> marker strings."""
    if isinstance(value, float):
        if math.isnan(value):
            return "<nan>"
        if math.isinf(value):
            return "<inf>" if value > 0 else "<-inf>"
        return value
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, Mapping) or hasattr(value, "items"):
        return {str(k): canon(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [canon(v) for v in value]
    raise AssertionError(f"unexpected value {value!r} ({type(value).__name__})")


def typed(value: Any) -> Any:
    """Like :func:`canon` but keeps the int/float/bool distinction visible in diffs."""
    c = canon(value)
    if isinstance(c, dict):
        return {k: typed(v) for k, v in c.items()}
    if isinstance(c, list):
        return [typed(v) for v in c]
    if isinstance(c, (bool, int, float)):
        return (type(c).__name__, c)
    return c


def loose(value: Any) -> Any:
    """Like :func:`typed` but ints and floats of equal value compare equal (bools do
    not). Only for the official ``scan_history``: wandb-core decodes every history
    value and encodes it again, which turns ``41.0`` into ``41``."""
    c = canon(value)
    if isinstance(c, dict):
        return {k: loose(v) for k, v in c.items()}
    if isinstance(c, list):
        return [loose(v) for v in c]
    if isinstance(c, bool):
        return ("bool", c)
    if isinstance(c, (int, float)):
        return ("number", c)
    return c


def explain(ours: Any, official: Any, path: str = "$", limit: int = 12) -> str:
    """The first differences between two normalised values, one per line, by path
    (pytest's own diff truncates nested dicts)."""
    lines: list[str] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if len(lines) >= limit or a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in [*a, *(k for k in b if k not in a)]:
                if key not in b:
                    lines.append(f"{where}.{key}: only ours has it: {a[key]!r}")
                elif key not in a:
                    lines.append(f"{where}.{key}: only official has it: {b[key]!r}")
                else:
                    walk(a[key], b[key], f"{where}.{key}")
            if list(a) != list(b) and set(a) == set(b) and not lines:
                lines.append(f"{where}: key order ours={list(a)} official={list(b)}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                lines.append(f"{where}: length ours={len(a)} official={len(b)}")
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                walk(x, y, f"{where}[{i}]")
        else:
            lines.append(f"{where}: ours={a!r} official={b!r}")

    walk(ours, official, path)
    return "differences:\n" + "\n".join(lines)


# ---------------------------------------------------------------------- runs
RUN_FIELDS = (
    "id",
    "storage_id",
    "name",
    "state",
    "tags",
    "group",
    "job_type",
    "notes",
    "description",
    "commit",
    "sweep_name",
    "read_only",
    "created_at",
    "heartbeat_at",
    "history_line_count",
    "user",
    "path",
    "entity",
    "project",
    "url",
)


def official_run(run: Any) -> dict[str, Any]:
    """The listing/identity fields of an official ``Run``."""
    user = run._attrs.get("user")
    return {
        "id": run.id,
        "storage_id": run.storage_id,
        "name": run.name,
        "state": run.state,
        "tags": list(run.tags),
        "group": run.group,
        "job_type": run.job_type,
        "notes": run.notes,
        "description": run.description,
        "commit": run.commit,
        "sweep_name": run.sweep_name,
        "read_only": run.read_only,
        "created_at": ts(run.created_at),
        "heartbeat_at": ts(run.heartbeat_at),
        "history_line_count": run.history_line_count,
        "user": {"name": user["name"], "username": user["username"]} if user else None,
        "path": "/".join(run.path),
        "entity": run.entity,
        "project": run.project,
        "url": run.url,
    }


def our_run(run: RunData) -> dict[str, Any]:
    return {
        "id": run.id,
        "storage_id": run.storage_id,
        "name": run.name,
        "state": run.state.value if run.state is not None else None,
        "tags": list(run.tags),
        "group": run.group,
        "job_type": run.job_type,
        "notes": run.notes,
        "description": run.description,
        "commit": run.commit,
        "sweep_name": run.sweep_name,
        "read_only": run.read_only,
        "created_at": ts(run.created_at),
        "heartbeat_at": ts(run.heartbeat_at),
        "history_line_count": run.history_line_count,
        "user": {"name": run.user.name, "username": run.user.username} if run.user else None,
        "path": run.path,
        "entity": run.entity,
        "project": run.project,
        "url": run.url,
    }


def official_run_data(run: Any, *, raw: bool = True) -> dict[str, Any]:
    """config / summary / system metrics / raw config of an official ``Run``.

    ``raw=False`` leaves out ``rawconfig``: in a ``lazy=False`` listing the official
    client unwraps the config twice, and the second pass drops ``_wandb`` and
    ``wandb_version`` from ``rawconfig`` (``Run.load`` then ``_load_with_fragment``
    both call ``_load_from_attrs``). ``api.run()`` and lazy listings keep them."""
    return {
        "config": typed(run.config),
        "rawconfig": typed(run.rawconfig) if raw else None,
        "summary": typed(run.summary_metrics),
        "summary_obj": typed(dict(run.summary.items())),
        "system_metrics": typed(run.system_metrics),
        "last_step": run.lastHistoryStep,
    }


def our_run_data(run: RunData, *, raw: bool = True) -> dict[str, Any]:
    rawconfig = {  # official rawconfig: internal keys and the user config, unwrapped
        k: v["value"] if isinstance(v, dict) and "value" in v else v
        for k, v in run.raw_config.items()
    }
    return {
        "config": typed(run.config),
        "rawconfig": typed(rawconfig) if raw else None,
        "summary": typed(run.summary),
        "summary_obj": typed(run.summary),
        "system_metrics": typed(run.system_metrics),
        "last_step": run.last_step if run.last_step is not None else -1,
    }


# ---------------------------------------------------------------------- others
def official_user(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "email": user.email,
        "entity": user.entity,
        "admin": bool(user.admin),
        "teams": list(user.teams),
    }


def our_user(user: wandb_typed.UserData) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "email": user.email,
        "entity": user.entity,
        "admin": user.admin,
        "teams": list(user.teams),
    }


def official_project(project: Any) -> dict[str, Any]:
    project_id = project.id  # loads the attributes (GetProject) when built without them
    owner = project._attrs.get("user")  # ``project.owner`` raises on a null user
    return {
        "id": project_id,
        "name": project.name,
        "entity": project.entity,
        "path": "/".join(project.path),
        "url": project.url,
        "created_at": ts(project.created_at),
        "is_benchmark": project.is_benchmark,
        "owner": owner["username"] if owner else None,
    }


def our_project(project: ProjectData) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "entity": project.entity,
        "path": project.path,
        "url": project.url,
        "created_at": ts(project.created_at),
        "is_benchmark": project.is_benchmark,
        "owner": project.owner.username if project.owner is not None else None,
    }


def official_sweep(sweep: Any) -> dict[str, Any]:
    return {
        "id": sweep.id,
        "storage_id": sweep._attrs["id"],
        "name": sweep.name,
        "entity": sweep.entity,
        "project": sweep.project,
        "path": "/".join(sweep.path),
        "url": sweep.url,
        "state": sweep.state,
        "method": sweep._attrs.get("method"),
        "config": typed(sweep.config),
        "order": sweep.order,
        "run_count": sweep._attrs.get("runCount"),
        "expected_run_count": sweep.expected_run_count,
        "best_loss": sweep._attrs.get("bestLoss"),
        "description": sweep._attrs.get("description"),
        "created_at": ts(sweep._attrs.get("createdAt")),
        "updated_at": ts(sweep._attrs.get("updatedAt")),
    }


def our_sweep(sweep: SweepData) -> dict[str, Any]:
    return {
        "id": sweep.id,
        "storage_id": sweep.storage_id,
        "name": sweep.name,
        "entity": sweep.entity,
        "project": sweep.project,
        "path": sweep.path,
        "url": sweep.url,
        "state": sweep.state,
        "method": sweep.method,
        "config": typed(sweep.config),
        "order": sweep.order,
        "run_count": sweep.run_count,
        "expected_run_count": sweep.expected_run_count,
        "best_loss": sweep.best_loss,
        "description": sweep.description,
        "created_at": ts(sweep.created_at),
        "updated_at": ts(sweep.updated_at),
    }


def official_report(report: Any) -> dict[str, Any]:
    user = report._attrs.get("user")
    return {
        "id": report.id,
        "name": report.name,
        "display_name": report.display_name,
        "description": report.description,
        "spec": typed(report.spec),
        "sections": typed(report.sections),
        "user": user.get("username") if user else None,
        "created_at": ts(report.created_at),
        "updated_at": ts(report.updated_at),
        "url": report.url,
    }


def our_report(report: ReportData) -> dict[str, Any]:
    return {
        "id": report.id,
        "name": report.name,
        "display_name": report.display_name,
        "description": report.description,
        "spec": typed(report.spec),
        "sections": typed(report.sections),
        "user": report.user.username if report.user else None,
        "created_at": ts(report.created_at),
        "updated_at": ts(report.updated_at),
        "url": report.url,
    }


def official_file(file: Any) -> dict[str, Any]:
    return {
        "id": file.id,
        "name": file.name,
        "size": file.size,
        "md5": file.md5,
        "mimetype": file.mimetype,
        "url": file.url,
        "direct_url": file.direct_url,
        "updated_at": ts(file.updated_at),
    }


def our_file(file: FileData) -> dict[str, Any]:
    return {
        "id": file.id,
        "name": file.name,
        "size": file.size,
        "md5": file.md5,
        "mimetype": file.mimetype,
        "url": file.url,
        "direct_url": file.direct_url,
        "updated_at": ts(file.updated_at),
    }


def official_artifact(art: Any) -> dict[str, Any]:
    """What both clients' artifact versions report (the official ``Artifact``)."""
    return {
        "id": art.id,
        "entity": art.entity,
        "project": art.project,
        "name": art.name,
        "qualified_name": art.qualified_name,
        "version": art.version,
        "source_entity": art.source_entity,
        "source_project": art.source_project,
        "source_name": art.source_name,
        "source_version": art.source_version,
        "is_link": art.is_link,
        "type": art.type,
        "state": str(art.state),
        "size": art.size,
        "digest": art.digest,
        "file_count": art.file_count,
        "commit_hash": art.commit_hash,
        "created_at": ts(art.created_at),
        "updated_at": ts(art.updated_at),
        "history_step": art.history_step,
        "description": art.description,
        "metadata": canon(art.metadata),
        "aliases": sorted(art.aliases),
        "tags": list(art.tags),
        "ttl": art.ttl,
    }


def our_artifact(art: wandb_typed.Artifact) -> dict[str, Any]:
    return {
        "id": art.id,
        "entity": art.entity,
        "project": art.project,
        "name": art.name,
        "qualified_name": art.qualified_name,
        "version": art.version,
        "source_entity": art.source_entity,
        "source_project": art.source_project,
        "source_name": art.source_name,
        "source_version": art.source_version,
        "is_link": art.is_link,
        "type": art.type,
        "state": art.state.value,
        "size": art.size,
        "digest": art.digest,
        "file_count": art.file_count,
        "commit_hash": art.commit_hash,
        "created_at": ts(art.created_at),
        "updated_at": ts(art.updated_at),
        "history_step": art.history_step,
        "description": art.description,
        "metadata": canon(art.metadata),
        "aliases": sorted(art.aliases),
        "tags": list(art.tags),
        "ttl": art.ttl,
    }


def official_collection(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "type": c.type,
        "entity": c.entity,
        "project": c.project,
        "description": c.description,
        "tags": list(c.tags),
        "is_sequence": c.is_sequence(),
        "created_at": ts(c.created_at),
        "aliases": sorted(c.aliases),
    }


def our_collection(c: wandb_typed.ArtifactCollection) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "type": c.type,
        "entity": c.entity,
        "project": c.project,
        "description": c.description,
        "tags": list(c.tags),
        "is_sequence": c.is_sequence(),
        "created_at": ts(c.created_at),
        "aliases": sorted(c.aliases),
    }


def official_artifact_file(f: Any) -> dict[str, Any]:
    """A file of an artifact version (signed URLs left out: their expiry differs)."""
    return {"id": f.id, "name": f.name, "size": f.size, "md5": f.md5, "mimetype": f.mimetype}


def our_artifact_file(f: wandb_typed.ArtifactFile) -> dict[str, Any]:
    return {"id": f.id, "name": f.name, "size": f.size, "md5": f.md5, "mimetype": f.mimetype}
