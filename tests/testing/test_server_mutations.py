"""Mutations in the shape the official client sends them: upsertBucket (create,
update, summary write), deleteRun, updateRunState, stopRun, upsertSweep; sweeps and
reports read back."""

from __future__ import annotations

import base64
import json

import pytest
import yaml

from wandb_typed import InputError
from wandb_typed.paths import check_name
from wandb_typed.testing import DemoInfo, LocalServer

from .helpers import JSON, Gql, jdump

CREATE_RUN = """
mutation UpsertBucket($project: String, $entity: String, $name: String!, $state: String) {
  upsertBucket(input: {modelName: $project, entityName: $entity, name: $name, state: $state}) {
    bucket { project { name entity { name } } id name state }
    inserted
  }
}
"""
UPDATE_RUN = """
mutation UpsertBucket($id: String!, $description: String, $display_name: String,
    $notes: String, $tags: [String!], $config: JSONString!, $groupName: String,
    $jobType: String) {
  upsertBucket(input: {id: $id, description: $description, displayName: $display_name,
      notes: $notes, tags: $tags, config: $config, groupName: $groupName, jobType: $jobType}) {
    bucket { id name displayName description notes tags config group jobType summaryMetrics }
  }
}
"""
WRITE_SUMMARY = """
mutation UpsertBucket($id: String, $summaryMetrics: JSONString) {
  upsertBucket(input: {id: $id, summaryMetrics: $summaryMetrics}) { bucket { id summaryMetrics } }
}
"""
GET_RUN = """
query Run($name: String!) { project(name: "fresh", entityName: "demo") {
  run(name: $name) { id name state displayName config summaryMetrics tags shouldStop } } }
"""


def create_run(gql: Gql, name: str = "abcd1234") -> JSON:
    result: JSON = gql(CREATE_RUN, project="fresh", entity="demo", name=name, state="running")[
        "upsertBucket"
    ]
    return result


def test_create_run_creates_project_and_is_idempotent(gql: Gql) -> None:
    created = create_run(gql)
    assert created["inserted"] is True
    bucket = created["bucket"]
    assert bucket["name"] == "abcd1234"
    assert bucket["state"] == "running"
    assert bucket["project"] == {"name": "fresh", "entity": {"name": "demo"}}
    assert base64.b64decode(bucket["id"]).decode().startswith("Run:")
    again = create_run(gql)
    assert again["inserted"] is False
    assert again["bucket"]["id"] == bucket["id"]


def test_update_run_round_trip(gql: Gql) -> None:
    run_id = create_run(gql)["bucket"]["id"]
    config_text = '{"lr": {"value": 0.1, "desc": null},  "_wandb": {"value": {}}}'
    updated = gql(
        UPDATE_RUN,
        id=run_id,
        description="d",
        display_name="shiny",
        notes="n",
        tags=["a", "b"],
        config=config_text,
        groupName="g",
        jobType="train",
    )["upsertBucket"]["bucket"]
    assert updated["config"] == config_text  # stored verbatim
    assert (updated["displayName"], updated["description"], updated["notes"]) == ("shiny", "d", "n")
    assert updated["tags"] == ["a", "b"]
    assert (updated["group"], updated["jobType"]) == ("g", "train")
    read = gql(GET_RUN, name="abcd1234")["project"]["run"]
    assert read["displayName"] == "shiny"
    assert read["config"] == config_text


def test_summary_write_replaces_the_summary(gql: Gql) -> None:
    run_id = create_run(gql)["bucket"]["id"]
    gql(WRITE_SUMMARY, id=run_id, summaryMetrics=jdump({"acc": 0.5, "old": 1}))
    gql(WRITE_SUMMARY, id=run_id, summaryMetrics=jdump({"acc": 0.9}))
    summary = gql(GET_RUN, name="abcd1234")["project"]["run"]["summaryMetrics"]
    assert json.loads(summary) == {"acc": 0.9}


def test_update_state_stop_and_delete(gql: Gql) -> None:
    run_id = create_run(gql)["bucket"]["id"]
    result = gql(
        "mutation UpdateRunState($input: UpdateRunStateInput!) {"
        " updateRunState(input: $input) { success } }",
        input={"id": run_id, "state": "failed"},
    )
    assert result == {"updateRunState": {"success": True}}
    gql("mutation StopRun($id: ID!) { stopRun(input: {id: $id}) { success } }", id=run_id)
    read = gql(GET_RUN, name="abcd1234")["project"]["run"]
    assert read["state"] == "failed"
    assert read["shouldStop"] is True
    gql(
        "mutation DeleteRun($id: ID!, $deleteArtifacts: Boolean) {"
        " deleteRun(input: {id: $id, deleteArtifacts: $deleteArtifacts}) { clientMutationId } }",
        id=run_id,
        deleteArtifacts=True,
    )
    assert gql(GET_RUN, name="abcd1234")["project"]["run"] is None


def test_bad_ids_and_missing_runs_are_errors(gql: Gql) -> None:
    assert "invalid Run id" in gql.errors(WRITE_SUMMARY, id="not-an-id", summaryMetrics="{}")[0]
    missing = base64.b64encode(b"Run:999").decode()
    assert "not found" in gql.errors(WRITE_SUMMARY, id=missing, summaryMetrics="{}")[0]


def test_other_users_cannot_write(server: LocalServer, gql: Gql) -> None:
    run_id = create_run(gql)["bucket"]["id"]
    with Gql(server, api_key=server.add_user("eve")) as eve:
        # a private project's run: eve cannot even learn that it exists
        assert "not found" in eve.errors(WRITE_SUMMARY, id=run_id, summaryMetrics="{}")[0]
        errors = eve.errors(CREATE_RUN, project="fresh", entity="demo", name="x", state="running")
        assert "permission denied" in errors[0]
        server.store.create_project("demo", "fresh", access="PUBLIC")  # readable, not writable
        assert "permission denied" in eve.errors(WRITE_SUMMARY, id=run_id, summaryMetrics="{}")[0]


CREATE_PROJECT = """
mutation CreateProject($name: String!) {
  upsertModel(input: {name: $name, entityName: "demo"}) { project { name } }
}
"""


@pytest.mark.parametrize("name", ["a/b", " padded", "q?", "x" * 129, "tab\there"])
def test_names_the_client_refuses_are_refused_here_too(gql: Gql, name: str) -> None:
    """One rule on both sides (wandb_typed.paths.check_name): nothing the client would
    refuse before sending can be created by another client."""
    with pytest.raises(InputError) as refused:
        check_name(name, "project name")
    assert gql.errors(CREATE_PROJECT, name=name) == [refused.value.message]
    errors = gql.errors(CREATE_RUN, project="fresh", entity="demo", name=name, state="running")
    assert errors == [str(refused.value).replace("project name", "run id")]
    assert gql.server.store.project("demo", name) is None
    assert gql(CREATE_PROJECT, name="with space")["upsertModel"]["project"]["name"] == "with space"


def test_upsert_sweep_create_and_update(gql: Gql) -> None:
    config = yaml.safe_dump({"method": "grid", "parameters": {"x": {"values": [1, 2]}}})
    created = gql(
        """mutation UpsertSweep($config: String, $entityName: String, $projectName: String) {
          upsertSweep(input: {config: $config, entityName: $entityName,
                              projectName: $projectName}) {
            sweep { id name project { name entity { name } } } configValidationWarnings } }""",
        config=config,
        entityName="demo",
        projectName="fresh",
    )["upsertSweep"]
    sweep = created["sweep"]
    assert sweep["project"] == {"name": "fresh", "entity": {"name": "demo"}}
    gql(
        "mutation UpsertSweep($id: ID, $state: String) {"
        " upsertSweep(input: {id: $id, state: $state}) { sweep { name } } }",
        id=sweep["id"],
        state="PAUSED",
    )
    read = gql(
        'query($name: String!) { project(name: "fresh", entityName: "demo") {'
        " sweep(sweepName: $name) { name state method config runCount } } }",
        name=sweep["name"],
    )["project"]["sweep"]
    assert read["state"] == "PAUSED"
    assert read["method"] == "grid"
    assert yaml.safe_load(read["config"])["parameters"] == {"x": {"values": [1, 2]}}


def test_demo_sweep_and_its_runs(demo: tuple[LocalServer, DemoInfo], demo_gql: Gql) -> None:
    info = demo[1]
    project = demo_gql(
        """query GetSweeps($name: String!) { project(name: "mnist", entityName: "demo") {
          totalSweeps
          sweeps(filters: "{}") { edges { node { name } } pageInfo { hasNextPage } }
          sweep(sweepName: $name) { id name displayName method state bestLoss config runCount
            runCountExpected createdAt runs(first: 100) { edges { node { name sweepName } } } }
        } }""",
        name=info.sweep_id,
    )["project"]
    assert project["totalSweeps"] == 1
    assert [e["node"]["name"] for e in project["sweeps"]["edges"]] == [info.sweep_id]
    sweep = project["sweep"]
    assert sweep["runCount"] == info.sweep_run_count == len(sweep["runs"]["edges"])
    assert {e["node"]["sweepName"] for e in sweep["runs"]["edges"]} == {info.sweep_id}
    assert yaml.safe_load(sweep["config"])["metric"] == {"name": "loss", "goal": "minimize"}
    assert sweep["bestLoss"] > 0


def test_demo_report(demo: tuple[LocalServer, DemoInfo], demo_gql: Gql) -> None:
    query = """query ProjectViews($viewName: String, $reportLimit: Int!) {
      project(name: "mnist", entityName: "demo") {
        allViews(viewType: "runs", viewName: $viewName, first: $reportLimit) {
          edges { node { id name displayName description user { username } spec createdAt }
                  cursor }
          pageInfo { endCursor hasNextPage } } } }"""
    views = demo_gql(query, reportLimit=10)["project"]["allViews"]
    assert [e["node"]["name"] for e in views["edges"]] == [demo[1].report_name]
    node = views["edges"][0]["node"]
    spec = json.loads(node["spec"])
    assert spec["panelGroups"][0]["runSets"][0]["selections"]["tree"]
    assert node["user"] == {"username": "demo"}
    assert demo_gql(query, reportLimit=10, viewName="nope")["project"]["allViews"]["edges"] == []
