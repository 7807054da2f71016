"""``Query.serverInfo``: the feature flags the official client probes
(``ServerFeaturesQuery``), and whether this server implements each one."""

from __future__ import annotations

from ariadne import QueryType, SchemaBindable
from graphql import GraphQLResolveInfo

from .._store import Row

__all__ = ["BINDABLES", "SERVER_FEATURES"]

#: Server feature flags the official client probes (ServerFeaturesQuery), and
#: whether this server implements the behaviour behind each one.
SERVER_FEATURES: dict[str, bool] = {
    "TOTAL_COUNT_IN_FILE_CONNECTION": True,
    "MARK_RUN_FILES_UPLOADED": True,
    "SWEEPS_QUERY_FILTERING": False,
    "SWEEPS_LOCAL_SCHEDULER": False,
    "LARGE_FILENAMES": True,
    "ARTIFACT_REGISTRY_SEARCH": True,
    "INCLUDE_ARTIFACT_TYPES_IN_REGISTRY_CREATION": True,
    "ARTIFACT_COLLECTIONS_FILTERING_SORTING": True,
    "ARTIFACT_DIGEST_ALGORITHM": True,
    "ARTIFACT_MEMBERSHIP_IN_LINK_ARTIFACT_RESPONSE": True,
    "ARTIFACT_V2_DOWNLOAD_HANDLER_SUPPORTS_ARTIFACT_ID": False,
    "USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION": True,
    "QUERY_AUTOMATIONS_ON_ENTITY": True,
    "AUTOMATION_EVENT_RUN_METRIC": True,
    "AUTOMATION_EVENT_RUN_METRIC_CHANGE": True,
    "AUTOMATION_EVENT_RUN_METRIC_ZSCORE": True,
    "AUTOMATION_EVENT_RUN_STATE": True,
    "AUTOMATION_EVENT_ADD_ARTIFACT_TAG": True,
    "AUTOMATION_EVENT_REMOVE_ARTIFACT_TAG": True,
    "AUTOMATION_EVENT_ADD_COLLECTION_TAG": True,
    "AUTOMATION_EVENT_REMOVE_COLLECTION_TAG": True,
    "AUTOMATION_EVENT_UNLINK_ARTIFACT": True,
    "AUTOMATION_ACTION_NO_OP": True,
    "AUTOMATION_SCOPE_ENTITY": False,
    "AUTOMATION_ACTION_ARIA": False,
    "AUTOMATION_ACTION_PUSH_NOTIFICATION": False,
}

query = QueryType()


@query.field("serverInfo")
def resolve_server_info(_: None, info: GraphQLResolveInfo) -> Row:
    """``Query.serverInfo``: :data:`SERVER_FEATURES` (no CLI version advice); any user."""
    return {
        "features": [{"name": k, "isEnabled": v} for k, v in SERVER_FEATURES.items()],
        "cliVersionInfo": {},
        "latestLocalVersionInfo": None,
    }


BINDABLES: list[SchemaBindable] = [query]
