"""Artifact storage for the local W&B server (``Store.artifacts``).

Data model (W&B names), in the same SQLite database as the rest of the store:

* an **artifact type** (``model``, ``dataset``, ``job`` ...) belongs to a project;
* a **collection** belongs to a project and has one type; it is a *sequence*
  (where versions are logged; ``ArtifactSequence``) or a *portfolio* (where
  versions are linked; ``ArtifactPortfolio``).  Names are unique per project;
* an **artifact** is one version: it is born in a sequence and keeps its
  ``versionIndex`` there; its files are the manifest entries;
* a **membership** puts a version in a collection with a version index of that
  collection (``v0``, ``v1`` ... never reused; the sequence membership is the
  birth one, links add portfolio memberships);
* an **alias** (``latest``, ``best``) names one membership; it is unique within a
  collection, so adding it to another version moves it.  Logging or linking a
  version moves ``latest`` to it;
* **tags** are names attached to versions and to collections;
* file **contents** are stored once per MD5 (base64, W&B's manifest digest) and
  shared by every version that has them (a trigger drops unreferenced blobs);
* runs are linked to versions as their creator (``createdBy``), as outputs
  (``Run.outputArtifacts``: the creator, and runs that logged the same contents
  again) and as users (``Run.inputArtifacts``, ``Artifact.usedBy``).

Deleting a version keeps its row in state ``DELETED`` (its version index is not
reused, ``Query.artifact(id)`` still finds it) but drops its aliases, links and
files; a name lookup no longer resolves it.  Deleting a collection removes it
and, for a sequence, every version born there.

Downloads are signed URLs: :meth:`ArtifactStore.sign` gives an HMAC token (with
an expiry) over the route and the object, checked by ``_routes_artifacts``.

Modules, one class each, composed into :class:`ArtifactStore` (each derives from
what it needs): ``_base`` (limits, tables, column lists, name rules, queries),
``filters`` (filter and order compilation), ``artifact_types``,
``artifact_collections``, ``tags``, ``versions``, ``aliases`` (and links),
``files`` (contents, manifests, signed URLs), ``lineage`` and ``uploads`` (new
versions: pending, file uploads, manifests, commit).

Every listing is keyset-paginated with a bounded page size (:data:`MAX_PAGE`,
:data:`MAX_FILE_PAGE`), every input list is bounded (:data:`MAX_ITEMS`) and every
value reaches SQLite as a bound parameter.
"""

from __future__ import annotations

from ._base import (
    DEFAULT_PAGE,
    MAX_FILE_PAGE,
    MAX_ITEMS,
    MAX_PAGE,
    MAX_PER_VERSION,
    URL_LIFETIME,
    bounded,
    manifest_digest,
    md5_b64,
    page_size,
    split_name,
    validate_alias,
    validate_name,
    validate_tag,
)
from .lineage import LineageStore
from .uploads import UploadsStore

__all__ = [
    "DEFAULT_PAGE",
    "MAX_FILE_PAGE",
    "MAX_ITEMS",
    "MAX_PAGE",
    "MAX_PER_VERSION",
    "URL_LIFETIME",
    "ArtifactStore",
    "bounded",
    "manifest_digest",
    "md5_b64",
    "page_size",
    "split_name",
    "validate_alias",
    "validate_name",
    "validate_tag",
]


class ArtifactStore(UploadsStore, LineageStore):
    """Artifact tables and queries, sharing the :class:`Store`'s connection and lock
    (``Store.artifacts``): types, collections, tags, versions, aliases and links,
    files, lineage and new versions' uploads, one class each (see the module docstring)."""
