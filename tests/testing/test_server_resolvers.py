"""The resolver package's assembly: every resource module's ``BINDABLES`` reach the
schema, each (type, field) is bound exactly once, and no binding is lost.

One GraphQL type (``Project``, ``Run``, ``Mutation``) is bound from several modules;
ariadne lets a later binding of the same field silently replace an earlier one, so
these tests are what keeps a field from being bound twice.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter

from ariadne import ObjectType, ScalarType
from graphql import GraphQLObjectType

from wandb_typed.testing import _resolvers
from wandb_typed.testing._resolvers import BINDABLES, RESOURCES, build_schema

#: Every (type, field) bound when the resolvers became a package (plus the scalars).
#: New fields may be added freely; removing one means removing it here too.
BOUND_AT_THE_SPLIT = {
    "Artifact": "artifactMemberships createdBy currentManifest files usedBy",
    "ArtifactCollectionMembership": "files",
    "ArtifactPortfolio": "aliases artifactMembership artifacts project tags",
    "ArtifactSequence": "aliases artifactMembership artifacts latestArtifact project tags",
    "ArtifactType": "artifactCollection artifactCollections",
    "Entity": "members project projects user",
    "Mutation": (
        "addAliases createArtifact createArtifactCollectionTagAssignments createRunFiles"
        " deleteAliases deleteArtifact deleteArtifactCollectionTagAssignments"
        " deleteArtifactPortfolio deleteArtifactSequence deleteFiles deleteModel deleteRun"
        " linkArtifact markRunFilesUploaded moveArtifactSequence stopRun unlinkArtifact"
        " updateArtifact updateArtifactPortfolio updateArtifactSequence updateRunState"
        " upsertBucket upsertModel upsertSweep useArtifact"
    ),
    "Project": (
        "allViews artifact artifactCollection artifactCollectionMembership artifactCollections"
        " artifactType artifactTypes entity readOnly run runCount runs sweep sweeps"
        " totalSweeps user"
    ),
    "Query": "artifact artifactCollection entity models project serverInfo viewer",
    "Run": (
        "config events files history historyKeys inputArtifacts logLineCount logLines"
        " outputArtifacts parquetHistory project readOnly sampledHistory summaryMetrics sweep"
    ),
    "Sweep": "project runs",
    "User": "apiKeys email projects teams",
    "View": "user",
    "scalar": "DateTime Int64 JSON JSONString",
}


def bound_pairs() -> list[tuple[str, str]]:
    """(type, field) for every field resolver, ("scalar", name) for every scalar."""
    pairs: list[tuple[str, str]] = []
    for bindable in BINDABLES:
        if isinstance(bindable, ObjectType):
            pairs.extend((bindable.name, field) for field in bindable._resolvers)
        elif isinstance(bindable, ScalarType):
            pairs.append(("scalar", bindable.name))
    return pairs


def test_no_field_is_bound_twice() -> None:
    twice = [pair for pair, n in Counter(bound_pairs()).items() if n > 1]
    assert twice == []


def test_no_binding_is_lost() -> None:
    expected = {(t, f) for t, fields in BOUND_AT_THE_SPLIT.items() for f in fields.split()}
    assert expected - set(bound_pairs()) == set()


def test_every_bound_resolver_is_the_one_the_schema_runs() -> None:
    schema = build_schema()
    for bindable in BINDABLES:
        if isinstance(bindable, ObjectType):
            graphql_type = schema.type_map[bindable.name]
            assert isinstance(graphql_type, GraphQLObjectType)
            for field, resolver in bindable._resolvers.items():
                assert graphql_type.fields[field].resolve is resolver, (bindable.name, field)


def test_every_resource_module_is_assembled() -> None:
    """A public module of the package is a resource module: it exports ``BINDABLES`` and
    is listed in ``RESOURCES``; ``_``-prefixed modules are helpers and bind nothing."""
    listed = {module.__name__ for module in RESOURCES}
    for info in pkgutil.iter_modules(_resolvers.__path__, _resolvers.__name__ + "."):
        module = importlib.import_module(info.name)
        short = info.name.rsplit(".", 1)[1]
        if short.startswith("_"):
            assert not hasattr(module, "BINDABLES"), info.name
            assert info.name not in listed
        else:
            assert isinstance(module.BINDABLES, list), info.name
            assert info.name in listed, f"{info.name} is not in _resolvers.RESOURCES"
    assert len(listed) == len(RESOURCES)


#: Non-null fields no resolver or node dict answers, each on a type the server never
#: returns (so no query can reach them): the reason is the value.
UNREACHABLE = {
    "QueueJobTriggeredAction.template": "automations made here have Slack, webhook or no-op actions",
    "ARIATriggeredAction.prompt": "automations made here have Slack, webhook or no-op actions",
    "LaunchAgent.hostname": "the server runs no launch agents (launchAgents is empty)",
    "UploadMultipartUrls.uploadID": "multipart uploads are refused as UNSUPPORTED",
    "UploadMultipartUrls.uploadUrlParts": "multipart uploads are refused as UNSUPPORTED",
    "UploadUrlPart.partNumber": "multipart uploads are refused as UNSUPPORTED",
}


def test_every_non_null_field_is_answered() -> None:
    """A non-null field that nothing answers is an internal error for whoever asks
    (the fuzzer found three). Each must have a resolver or be a key that some node
    builder sets: a coarse check by name over the server's source, which catches a
    field added to the schema and forgotten."""
    import pathlib

    from graphql import GraphQLNonNull, GraphQLObjectType

    from wandb_typed.testing._resolvers import build_schema

    root = pathlib.Path(build_schema.__code__.co_filename).parent.parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    schema = build_schema()
    unanswered = sorted(
        f"{name}.{field_name}"
        for name, gtype in schema.type_map.items()
        if isinstance(gtype, GraphQLObjectType) and not name.startswith("__")
        and name not in ("Query", "Mutation")
        for field_name, field in gtype.fields.items()
        if field.resolve is None and isinstance(field.type, GraphQLNonNull)
        and f'"{field_name}"' not in source
    )  # fmt: skip
    assert unanswered == sorted(UNREACHABLE)
