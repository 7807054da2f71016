"""The teams, users, launch, custom chart and TensorBoard members of
:class:`~wandb_typed.AsyncApi`.

:class:`AsyncApiTeams` is a base class of ``AsyncApi`` (kept here so ``api.py`` stays
the core list; not exported: users meet its methods on the Api). Each method only
checks and delegates to its resource module, with the Api's ``_session``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from .._core.checks import check_int
from .._core.launch import RunQueuePrioritizationMode, RunQueueResourceType
from . import charts as _charts
from . import launch as _launch
from . import teams as _teams
from . import users as _users
from .launch import AsyncQueuedRun, AsyncRunQueue
from .runs import AsyncRun
from .session import AsyncSession
from .teams import AsyncTeam
from .users import AsyncUser

__all__ = ["AsyncApiTeams"]


class AsyncApiTeams:
    """``AsyncApi``'s teams, users, launch queues, custom charts and TensorBoard sync."""

    _session: AsyncSession

    async def team(self, team: str) -> AsyncTeam:
        """The team ``team`` with its members.

        Raises:
            NotFoundError: no such team (a user's personal entity is not a team).
        """
        return await _teams.fetch_team(self._session, team)

    async def create_team(self, team: str, admin_username: str | None = None) -> AsyncTeam:
        """Create a team administered by ``admin_username`` (default: this key's user).

        Raises:
            ConflictError: the name is taken.
            PermissionDeniedError: the server refuses (unlike the official client,
                a refusal is never a silent ``None``).
        """
        return await _teams.create_team(self._session, team, admin_username)

    async def user(self, username_or_email: str) -> AsyncUser | None:
        """The user whose username or e-mail address is ``username_or_email`` (case
        aside), or ``None``. For instance admins (others get
        ``PermissionDeniedError``); your own user is :attr:`viewer`."""
        return await _users.user_by_name(self._session, username_or_email)

    async def users(self, username_or_email: str) -> list[AsyncUser]:
        """Every user whose username, e-mail address or name contains
        ``username_or_email`` (case aside). For instance admins."""
        return await _users.search_users(self._session, username_or_email)

    async def create_user(self, email: str, admin: bool | None = False) -> AsyncUser:
        """Create a user (an instance admin if ``admin``). Only instance admins may:
        anyone else gets ``PermissionDeniedError`` from the server."""
        return await _users.create_user(self._session, email, False if admin is None else admin)

    async def create_run_queue(
        self,
        name: str,
        type: RunQueueResourceType,
        entity: str | None = None,
        prioritization_mode: RunQueuePrioritizationMode | None = None,
        config: Mapping[str, object] | None = None,
        template_variables: Mapping[str, object] | None = None,
    ) -> AsyncRunQueue:
        """Create a launch run queue in ``entity`` (default: the configured one).

        Args:
            name: the queue's name (1-64 characters).
            type: the resource its jobs run on: ``local-container``,
                ``local-process``, ``kubernetes``, ``sagemaker`` or ``gcp-vertex``.
            prioritization_mode: ``"V0"`` to let items carry a priority.
            config: the default resource config (``{{var}}`` marks template variables).
            template_variables: the JSON schemas of those variables, by name.

        Raises:
            InputError: a bad argument (before any request).
            ConflictError: the entity has a queue of that name.
        """
        return await _launch.create_run_queue(
            self._session, name, type, entity, prioritization_mode, config, template_variables
        )

    async def upsert_run_queue(
        self,
        name: str,
        resource_config: Mapping[str, object],
        resource_type: RunQueueResourceType,
        entity: str | None = None,
        template_variables: Mapping[str, object] | None = None,
        external_links: Mapping[str, str] | None = None,
        prioritization_mode: RunQueuePrioritizationMode | None = None,
    ) -> AsyncRunQueue:
        """Create the run queue ``name``, or replace its resource config, template
        variables, links (label -> URL) and prioritization (default ``DISABLED``)."""
        return await _launch.upsert_run_queue(
            self._session, name, resource_config, resource_type, entity,
            template_variables, external_links, prioritization_mode,
        )  # fmt: skip

    async def run_queue(self, entity: str, name: str) -> AsyncRunQueue:
        """The run queue ``name`` of ``entity``.

        Raises:
            NotFoundError: no such queue.
        """
        return await _launch.fetch_run_queue(self._session, entity, name)

    async def queued_run(
        self,
        entity: str,
        project: str,
        queue_name: str,
        run_queue_item_id: str,
        project_queue: str | None = None,
        priority: int | None = None,
    ) -> AsyncQueuedRun:
        """One item of a run queue (``project``: where its run is logged;
        ``project_queue``: the project holding the queue, default
        ``model-registry``). ``priority`` is accepted for the official signature:
        the item's priority is read from the server.

        Raises:
            NotFoundError: no such queue or item.
        """
        if priority is not None:
            check_int(priority, "priority", 0)
        return await _launch.fetch_queued_run(
            self._session, entity, project, queue_name, run_queue_item_id, project_queue
        )

    async def create_custom_chart(
        self,
        entity: str,
        name: str,
        display_name: str,
        spec_type: Literal["vega2"],
        access: Literal["private", "public"],
        spec: str | Mapping[str, object],
    ) -> str:
        """Create a custom chart preset from a Vega-Lite ``spec`` (JSON text or a
        dict) and return its id (``entity/name``), for ``wandb.plot_table``."""
        return await _charts.create_custom_chart(
            self._session, entity, name, display_name, spec_type, access, spec
        )

    # -- the write path (issue 16): TensorBoard ------------------------------------------

    async def sync_tensorboard(
        self,
        root_dir: str | Path,
        run_id: str | None = None,
        project: str | None = None,
        entity: str | None = None,
    ) -> AsyncRun:
        """Sync the TensorBoard event files (``*tfevents*``) under ``root_dir`` into a
        run (``run_id``, default a new random id) and return it.

        Scalars become history (one row per TensorBoard step, with ``global_step``;
        tags of several log directories are prefixed with the directory, e.g.
        ``train/loss``), histograms W&B histograms; the last values are the summary
        and the run is finished. Images, audio and other values are skipped and named
        in a ``SkippedTensorBoardDataWarning``. Syncing again into the same run
        resumes it (the server keeps each history line once).

        Raises:
            InputError: ``root_dir`` is not a directory, holds no event files, or a
                file is malformed; or no project is given or configured.
        """
        from . import tensorboard as _tensorboard

        return await _tensorboard.sync_tensorboard(self._session, root_dir, run_id, project, entity)
