"""Which of our mutations may be retried: the one table, keyed by operation name.

A reply lost after the server applied a mutation (a 502 from a proxy, a dropped
connection) leaves the client not knowing whether the write landed. Retrying is
right for a write that states a whole result, since applying it twice leaves the
same state: an upsert by name, a run's full config/summary/tags as read, a delete
(whose retry answered "not found" counts as done, see :func:`gone_on_retry`). It is
wrong for a write that adds or creates (a new version, an alias added, a link): a
second application is a second object, or a move the user did not ask for. Those
are sent once, and their error says that the write may have been applied.

The official client retries every GraphQL call, mutations included; we classify
instead. An operation missing from :data:`WRITES` counts as not idempotent, and
``tests/test_writes.py`` fails for any mutation in ``queries/`` that is missing, so
a new mutation is classified where it is added: one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import WandbError, is_not_found

__all__ = ["WRITES", "Write", "gone_on_retry", "is_idempotent", "may_have_applied"]

Kind = Literal["idempotent", "adds"]


@dataclass(frozen=True)
class Write:
    """How one mutation behaves when applied twice, and why."""

    kind: Kind
    why: str


def _same(why: str) -> Write:
    return Write("idempotent", why)


def _adds(why: str) -> Write:
    return Write("adds", why)


#: Every mutation of ``queries/``: retried like a query (``idempotent``) or sent once
#: (``adds``).
WRITES: dict[str, Write] = {
    # runs.graphql
    "UpsertRun": _same("sends the whole config, summary and tags it read, by run id"),
    "DeleteRun": _same("a delete; a retried 'not found' is done"),
    # projects.graphql
    "UpsertProject": _same("an upsert by entity and name"),
    # files.graphql
    "CreateRunUploadUrls": _same("file records upserted by name; the URLs are re-signed"),
    "DeleteRunFiles": _same("a delete; a retried 'not found' is done"),
    # artifacts.graphql
    "SaveArtifact": _adds("may add aliases (an alias moves to this version) and tags"),
    "AddArtifactAliases": _adds("adds aliases: a retry could move one back"),
    "DeleteArtifactAliases": _same("a delete of named aliases"),
    "DeleteArtifact": _same("a delete; a retried 'not found' is done"),
    "LinkArtifact": _adds("creates a link (and the portfolio on the first link)"),
    "UnlinkArtifact": _same("a delete of a link; a retried 'not found' is done"),
    "UseArtifact": _adds("records a new input edge of a run"),
    "LogRunArtifact": _adds("creates a new artifact version"),
    "SaveArtifactSequence": _adds("renames and adds tag assignments"),
    "SaveArtifactPortfolio": _adds("renames and adds tag assignments"),
    "MoveArtifactSequence": _same("sets the collection's type by id"),
    "DeleteArtifactSequence": _same("a delete; a retried 'not found' is done"),
    "DeleteArtifactPortfolio": _same("a delete; a retried 'not found' is done"),
    # registries.graphql
    "UpsertRegistry": _same("an upsert by organization and name, its whole settings"),
    "RenameRegistry": _adds("a rename: a retry finds the old name gone"),
    "DeleteRegistry": _same("a delete; a retried 'not found' is done"),
    "CreateRegistryMembers": _adds("adds members"),
    "DeleteRegistryMembers": _same("a delete of named members"),
    "UpdateUserRegistryRole": _same("sets a member's role"),
    "UpdateTeamRegistryRole": _same("sets a team's role"),
    # automations.graphql
    "CreateAutomation": _adds("creates an automation"),
    "UpdateAutomation": _same("sends the automation's whole state, by id"),
    "DeleteAutomation": _same("a delete; a retried 'not found' is done"),
    # runs.graphql (state)
    "UpdateRunState": _same("sets the run's state"),
    "StopRun": _same("sets the run's stop flag"),
    # teams.graphql, users.graphql
    "CreateTeam": _adds("creates a team"),
    "CreateInvite": _adds("invites a member"),
    "DeleteInvite": _same("a delete; a retried 'not found' is done"),
    "CreateServiceAccount": _adds("creates a service account"),
    "CreateUser": _adds("creates a user"),
    "GenerateApiKey": _adds("makes a new API key"),
    "DeleteApiKey": _same("a delete; a retried 'not found' is done"),
    # launch.graphql
    "CreateRunQueue": _adds("creates a queue"),
    "CreateDefaultResourceConfig": _adds("creates a resource config"),
    "UpsertRunQueue": _same("an upsert by entity and name, its whole settings"),
    "DeleteRunQueue": _same("a delete; a retried 'not found' is done"),
    "PushToRunQueueByName": _adds("enqueues a new item"),
    "DeleteFromRunQueue": _same("a delete; a retried 'not found' is done"),
    # artifact_writes.graphql (drafts)
    "CreateDraftVersion": _same("keyed by digest: the same contents find the same version"),
    "CreateDraftFiles": _same("file specs upserted per version; the URLs are re-signed"),
    "CreateDraftManifest": _same("the version's manifest slot, its newest upload wins"),
    "CommitDraftVersion": _adds("commits once (a retry finds it committed); save() again"),
    # charts.graphql
    "CreateCustomChart": _adds("creates a chart preset"),
}


def is_idempotent(operation_name: str) -> bool:
    """Whether a mutation may be retried after it may have reached the server
    (unknown operations may not)."""
    write = WRITES.get(operation_name)
    return write is not None and write.kind == "idempotent"


def may_have_applied(operation_name: str) -> str:
    """The sentence an error of a write that is sent once carries."""
    return (
        f" {operation_name} adds or creates, so it was not retried: the write may have been "
        "applied; check before repeating it."
    )


def gone_on_retry(error: WandbError) -> bool:
    """Whether a delete's error means an earlier attempt already deleted the object:
    "not found" on a retry (the first answer was lost)."""
    return error.attempts > 1 and is_not_found(error)
