"""The server's launch queues and custom charts, in the shape the official client and
a launch agent send them: reads with the project, writes by members only, resource
configs to members only, every listing bounded."""

from __future__ import annotations

import json

from wandb_typed.testing import DemoInfo, LocalServer

from .helpers import Gql, jdump

CONFIG = """
mutation C($e: String!, $r: String!, $c: JSONString!, $t: JSONString) {
  createDefaultResourceConfig(input: {entityName: $e, resource: $r, config: $c, templateVariables: $t}) {
    defaultResourceConfigID success
  }
}
"""
QUEUE = """
mutation Q($e: String!, $p: String!, $n: String!, $id: ID) {
  createRunQueue(input: {entityName: $e, projectName: $p, queueName: $n, access: PROJECT, defaultResourceConfigID: $id}) {
    success queueID
  }
}
"""
METADATA = """
query M($p: String!, $e: String!, $q: String!) {
  project(name: $p, entityName: $e) {
    runQueue(name: $q) { id access defaultResourceConfigID prioritizationMode externalLinks entityName }
    runQueues { name }
  }
}
"""
RESOURCE = """
query R($e: String!, $id: ID!) {
  entity(name: $e) { defaultResourceConfig(id: $id) { resource config templateVariables { name description schema } } }
}
"""
PUSH = """
mutation P($e: String!, $p: String!, $q: String!, $s: JSONString!, $prio: Int) {
  pushToRunQueueByName(input: {entityName: $e, projectName: $p, queueName: $q, runSpec: $s, priority: $prio}) {
    runQueueItemId runSpec
  }
}
"""
ITEMS = """
query I($p: String!, $e: String!, $q: String!) {
  project(name: $p, entityName: $e) { runQueue(name: $q) { runQueueItems(first: 1000) { edges { node { id state priority } } } } }
}
"""
POP = "mutation($e: String!, $p: String!, $q: String) { popFromRunQueue(input: {entityName: $e, projectName: $p, queueName: $q}) { runQueueItemId runSpec } }"
ACK = "mutation($id: ID!, $r: String!) { ackRunQueueItem(input: {runQueueItemId: $id, runName: $r}) { success } }"
FAIL = 'mutation($id: ID!) { failRunQueueItem(input: {runQueueItemId: $id, message: "boom", stage: "run"}) { success } }'
ITEM = """
query One($p: String!, $e: String!, $q: String!, $id: ID!) {
  project(name: $p, entityName: $e) { runQueue(name: $q) { runQueueItem(id: $id) { state associatedRunId error { message stage } } } }
}
"""
DELETE_QUEUES = "mutation($ids: [ID!]!) { deleteRunQueues(input: {queueIDs: $ids}) { success } }"
CHART = """
mutation($e: String!, $n: String!, $s: JSONString!) {
  createCustomChart(input: {entity: $e, name: $n, displayName: "D", type: "vega2", access: "PRIVATE", spec: $s}) { chart { id } }
}
"""


def codes(gql: Gql, query: str, **variables: object) -> list[str]:
    body = gql.raw(query, **variables).json()
    assert body.get("errors"), body
    return [str(e.get("extensions", {}).get("code")) for e in body["errors"]]


def make_queue(gql: Gql, server: LocalServer, access: str = "PRIVATE") -> tuple[str, str]:
    server.store.create_project("demo", "model-registry", access=access)
    config = gql(CONFIG, e="demo", r="kubernetes", c=jdump({"resource_args": {"kubernetes": {}}}),
                 t=jdump({"n": {"schema": {"type": "integer"}}}))  # fmt: skip
    config_id = config["createDefaultResourceConfig"]["defaultResourceConfigID"]
    queue = gql(QUEUE, e="demo", p="model-registry", n="q", id=config_id)["createRunQueue"]
    return config_id, queue["queueID"]


def test_queue_lifecycle_as_an_agent_sees_it(server: LocalServer) -> None:
    with Gql(server) as gql:
        config_id, queue_id = make_queue(gql, server)
        found = gql(METADATA, p="model-registry", e="demo", q="q")["project"]
        assert found["runQueue"]["id"] == queue_id and found["runQueue"]["access"] == "PROJECT"
        assert found["runQueue"]["entityName"] == "demo"
        assert found["runQueues"] == [{"name": "q"}]
        resource = gql(RESOURCE, e="demo", id=config_id)["entity"]["defaultResourceConfig"]
        assert resource["resource"] == "kubernetes"
        assert resource["templateVariables"] == [
            {"name": "n", "description": None, "schema": {"type": "integer"}}
        ]
        pushed = [
            gql(PUSH, e="demo", p="model-registry", q="q", s=jdump({"n": i}), prio=prio)[
                "pushToRunQueueByName"
            ]
            for i, prio in enumerate([3, 0, None])
        ]
        assert json.loads(pushed[0]["runSpec"]) == {"n": 0}
        popped = gql(POP, e="demo", p="model-registry", q="q")["popFromRunQueue"]
        assert popped["runQueueItemId"] == pushed[1]["runQueueItemId"]  # priority 0 first
        gql(ACK, id=popped["runQueueItemId"], r="run-1")
        gql(FAIL, id=pushed[0]["runQueueItemId"])
        one = gql(ITEM, p="model-registry", e="demo", q="q", id=popped["runQueueItemId"])
        assert one["project"]["runQueue"]["runQueueItem"]["associatedRunId"] == "run-1"
        failed = gql(ITEM, p="model-registry", e="demo", q="q", id=pushed[0]["runQueueItemId"])
        item = failed["project"]["runQueue"]["runQueueItem"]
        assert (item["state"], item["error"]) == ("FAILED", {"message": "boom", "stage": "run"})
        gql(DELETE_QUEUES, ids=[queue_id])
        assert gql(METADATA, p="model-registry", e="demo", q="q")["project"]["runQueue"] is None


def test_queue_reads_follow_the_project_and_writes_need_membership(server: LocalServer) -> None:
    eve = server.add_user("eve")
    with Gql(server) as gql:
        config_id, queue_id = make_queue(gql, server, access="PUBLIC")
    with Gql(server, eve) as as_eve:
        found = as_eve(METADATA, p="model-registry", e="demo", q="q")["project"]["runQueue"]
        assert found["id"] == queue_id  # the project is public
        hidden = as_eve(RESOURCE, e="demo", id=config_id)["entity"]["defaultResourceConfig"]
        assert hidden is None  # resource configs: members only
        assert codes(as_eve, PUSH, e="demo", p="model-registry", q="q", s="{}") == [
            "PERMISSION_ERROR"
        ]
        assert codes(as_eve, POP, e="demo", p="model-registry", q="q") == ["PERMISSION_ERROR"]
        assert codes(as_eve, DELETE_QUEUES, ids=[queue_id]) == ["PERMISSION_ERROR"]
        assert codes(as_eve, CONFIG, e="demo", r="kubernetes", c="{}") == ["PERMISSION_ERROR"]
        assert codes(as_eve, QUEUE, e="demo", p="model-registry", n="q2") == ["PERMISSION_ERROR"]
        assert codes(as_eve, CHART, e="demo", n="c", s="{}") == ["PERMISSION_ERROR"]


def test_private_queues_are_not_revealed(server: LocalServer) -> None:
    eve = server.add_user("eve")
    with Gql(server) as gql:
        _, queue_id = make_queue(gql, server)
    with Gql(server, eve) as as_eve:
        assert as_eve(METADATA, p="model-registry", e="demo", q="q")["project"] is None
        assert codes(as_eve, DELETE_QUEUES, ids=[queue_id]) == ["NOT_FOUND"]


def test_listings_and_requests_are_bounded(server: LocalServer) -> None:
    with Gql(server) as gql:
        _, queue_id = make_queue(gql, server)
        queue = server.store.queue(int(server.store.project("demo", "model-registry")["id"]), "q")  # type: ignore[index]
        assert queue is not None
        for i in range(105):
            server.store.push_queue_item(int(queue["id"]), json.dumps({"i": i}))
        items = gql(ITEMS, p="model-registry", e="demo", q="q")["project"]["runQueue"]
        assert len(items["runQueueItems"]["edges"]) == 100  # at most 100, whatever `first` asks
        assert codes(gql, DELETE_QUEUES, ids=[queue_id] * 101) == ["BAD_REQUEST"]
        assert codes(gql, PUSH, e="demo", p="model-registry", q="q", s="{}", prio=9) == [
            "BAD_REQUEST"
        ]


def test_custom_chart_is_stored_as_sent(server: LocalServer) -> None:
    spec = '{"mark": "bar"}'
    with Gql(server) as gql:
        assert gql(CHART, e="demo", n="c", s=spec)["createCustomChart"]["chart"]["id"] == "demo/c"
        assert codes(gql, CHART, e="demo", n="c", s=spec) == ["CONFLICT"]
        assert codes(gql, CHART, e="nobody", n="c", s=spec) == ["NOT_FOUND"]
    entity = server.store.entity("demo")
    assert entity is not None
    row = server.store.chart(int(entity["id"]), "c")
    assert row is not None and row["spec"] == spec


def test_a_project_has_no_launch_agents(demo: tuple[LocalServer, DemoInfo]) -> None:
    """``Project.launchAgents`` (non-null) is an empty list: the server runs no agents
    (a deeper fuzz run found it answered null, an internal error)."""
    server, info = demo
    query = "query($e: String, $p: String) { project(entityName: $e, name: $p) { launchAgents { id } } }"
    with Gql(server) as gql:
        data = gql(query, e=info.entity, p=info.teams.queue_project)
    assert data["project"]["launchAgents"] == []
