"""Our artifact operations through the generated, typed client (what the facade will
call): every response must validate against the generated models."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from _wandb_typed_gql.client import WandbClient
from _wandb_typed_gql.input_types import ArtifactAliasInput, ArtifactCollectionAliasInput, TagInput

from wandb_typed.testing import DemoInfo, LocalServer

from ..support import make_api
from .artifact_helpers import small_demo


@pytest.fixture(scope="module")
def client(demo: tuple[LocalServer, DemoInfo]) -> Iterator[WandbClient]:
    with make_api(demo[0]) as api:
        yield api.client


@pytest.fixture
def writer(server: LocalServer) -> Iterator[WandbClient]:
    small_demo(server)
    with make_api(server) as api:
        yield api.client


def test_reads_validate(client: WandbClient, demo: tuple[LocalServer, DemoInfo]) -> None:
    info = demo[1]
    project = client.artifact_by_name("demo", "mnist", "mnist-cnn:best").project
    assert project is not None
    membership = project.artifact_collection_membership
    assert membership is not None
    assert membership.artifact_collection is not None
    assert membership.artifact_collection.typename__ == "ArtifactSequence"
    artifact = membership.artifact
    assert artifact is not None
    assert artifact.version_index == 2
    assert artifact.aliases is not None
    in_sequence = [
        a.alias
        for a in artifact.aliases
        if a.artifact_collection is not None and a.artifact_collection.name == "mnist-cnn"
    ]
    assert sorted(in_sequence) == ["best", "latest"]
    assert artifact.current_manifest is not None
    manifest = httpx.get(artifact.current_manifest.file.direct_url).json()
    assert set(manifest["contents"]) == {"config.json", "model.pt"}

    by_id = client.artifact_by_id(artifact.id).artifact
    assert by_id is not None
    assert by_id.digest == artifact.digest

    page = client.artifact_version_page(
        "demo", "mnist", "mnist-cnn", per_page=2, with_count=True, filters={"state": "COMMITTED"}
    ).project
    assert page is not None
    assert page.artifact_collection is not None
    versions = page.artifact_collection.artifacts
    assert versions is not None
    assert versions.total_count == 3
    assert [e.version for e in versions.edges] == ["v2", "v1"]

    url = client.artifact_manifest_url(artifact.id).artifact
    assert url is not None
    assert url.current_manifest is not None

    files = client.artifact_file_page(artifact.id, per_page=10, with_count=True).artifact
    assert files is not None
    assert files.files is not None
    assert files.files.total_count == 2
    assert [e.node.name for e in files.files.edges if e.node] == ["config.json", "model.pt"]
    urls = client.artifact_file_url_page(artifact.id, per_page=10).artifact
    assert urls is not None
    assert urls.files is not None
    assert len(urls.files.edges) == 2

    creator = client.artifact_creator(artifact.id).artifact
    assert creator is not None
    assert creator.created_by is not None
    assert creator.created_by.typename__ == "Run"
    users = client.artifact_used_by_page(artifact.id, per_page=5).artifact
    assert users is not None
    assert [e.node.name for e in users.used_by.edges] == [info.model_used_by]
    memberships = client.artifact_memberships(artifact.id).artifact
    assert memberships is not None
    collections = [
        e.node.artifact_collection.name
        for e in memberships.artifact_memberships.edges
        if e.node and e.node.artifact_collection
    ]
    assert collections == ["mnist-cnn", info.registry_collection]  # the demo links it

    run = info.model_logged_by[0]
    assert run is not None
    outputs = client.run_output_artifact_page("demo", "mnist", run, per_page=5, with_count=True)
    assert outputs.project is not None
    assert outputs.project.run is not None
    assert outputs.project.run.output_artifacts is not None
    assert outputs.project.run.output_artifacts.total_count == 3
    inputs = client.run_input_artifact_page("demo", "mnist", run, per_page=5, with_count=False)
    assert inputs.project is not None
    assert inputs.project.run is not None
    assert inputs.project.run.input_artifacts is not None
    assert inputs.project.run.input_artifacts.total_count is None  # not asked for

    types = client.artifact_type_page("demo", "mnist", per_page=10).project
    assert types is not None
    assert [e.node.name for e in types.artifact_types.edges if e.node] == [
        "dataset",
        "model",
        "job",
    ]
    one_type = client.artifact_type_by_name("demo", "mnist", "job").project
    assert one_type is not None
    assert one_type.artifact_type is not None

    of_type = client.artifact_collection_page(
        "demo", "mnist", "dataset", per_page=5, with_count=True
    ).project
    assert of_type is not None
    assert of_type.artifact_type is not None
    assert of_type.artifact_type.artifact_collections is not None
    assert of_type.artifact_type.artifact_collections.total_count == 1
    every = client.project_artifact_collection_page(
        "demo", "mnist", per_page=5, with_count=True, order="+name"
    ).project
    assert every is not None
    assert every.artifact_collections is not None
    assert [e.node.name for e in every.artifact_collections.edges if e.node] == [
        "mnist-cnn",
        "mnist-train",
        "train-mnist",
    ]
    collection = client.artifact_collection_by_name("demo", "mnist", "mnist-cnn").project
    assert collection is not None
    assert collection.artifact_collection is not None
    aliases = client.artifact_collection_alias_page(
        collection.artifact_collection.id, per_page=10
    ).artifact_collection
    assert aliases is not None
    assert [e.node.alias for e in aliases.aliases.edges if e.node] == ["best", "latest"]

    jobs = client.job_page("demo", "mnist", per_page=5, versions_per_job=3, with_count=True)
    assert jobs.project is not None
    assert jobs.project.artifact_type is not None
    connection = jobs.project.artifact_type.artifact_collections
    assert connection is not None
    assert connection.total_count == 1


def test_writes_validate(writer: WandbClient) -> None:
    project = writer.artifact_by_name("demo", "mnist", "mnist-cnn:v1").project
    assert project is not None
    assert project.artifact_collection_membership is not None
    assert project.artifact_collection_membership.artifact is not None
    v1 = project.artifact_collection_membership.artifact.id
    target = {
        "artifact_collection_name": "mnist-cnn",
        "entity_name": "demo",
        "project_name": "mnist",
    }
    saved = writer.save_artifact(
        v1,
        aliases_to_add=[ArtifactCollectionAliasInput(alias="staging", **target)],
        aliases_to_delete=[],
        add_aliases=True,
        delete_aliases=False,
        metadata={"note": "typed"},
        tags_to_add=[TagInput(tag_name="typed")],
    )
    assert saved.update_artifact is not None
    assert saved.update_artifact.artifact.metadata == {"note": "typed"}
    assert (
        writer.add_artifact_aliases(
            v1, [ArtifactCollectionAliasInput(alias="extra", **target)]
        ).add_aliases
        is not None
    )
    writer.delete_artifact_aliases(v1, [ArtifactCollectionAliasInput(alias="extra", **target)])

    linked = writer.link_artifact(
        v1,
        "demo",
        "mnist",
        "portfolio",
        aliases=[ArtifactAliasInput(alias="prod", artifact_collection_name="portfolio")],
    ).link_artifact
    assert linked is not None
    assert linked.artifact_membership is not None
    assert linked.artifact_membership.artifact_collection is not None
    portfolio_id = linked.artifact_membership.artifact_collection.id
    assert linked.artifact_membership.artifact_collection.typename__ == "ArtifactPortfolio"
    saved_portfolio = writer.save_artifact_portfolio(
        portfolio_id,
        "demo",
        "mnist",
        "portfolio",
        tags_to_add=[],
        tags_to_delete=[],
        add_tags=False,
        delete_tags=False,
        description="typed",
    ).update_artifact_portfolio
    assert saved_portfolio is not None
    assert saved_portfolio.artifact_collection.description == "typed"
    unlinked = writer.unlink_artifact(v1, portfolio_id).unlink_artifact
    assert unlinked is not None
    assert unlinked.success is True
    deleted_portfolio = writer.delete_artifact_portfolio(portfolio_id).delete_artifact_portfolio
    assert deleted_portfolio is not None
    assert deleted_portfolio.artifact_collection.state.value == "DELETED"

    sequence = writer.artifact_collection_by_name("demo", "mnist", "mnist-train").project
    assert sequence is not None
    assert sequence.artifact_collection is not None
    moved = writer.move_artifact_sequence(sequence.artifact_collection.id, "data")
    assert moved.move_artifact_sequence is not None
    assert moved.move_artifact_sequence.artifact_collection is not None
    saved_sequence = writer.save_artifact_sequence(
        sequence.artifact_collection.id,
        "demo",
        "mnist",
        "mnist-train",
        type_="data",
        change_type=False,
        tags_to_add=[TagInput(tag_name="images")],
        tags_to_delete=[],
        add_tags=True,
        delete_tags=False,
        name="mnist-images",
    ).update_artifact_sequence
    assert saved_sequence is not None
    assert saved_sequence.artifact_collection.name == "mnist-images"

    digest = project.artifact_collection_membership.artifact.digest
    logged = writer.log_run_artifact(
        "demo", "mnist", _some_run(writer), "model", "mnist-cnn", digest
    ).create_artifact
    assert logged is not None
    assert logged.artifact.id == v1
    used = writer.use_artifact("demo", "mnist", _some_run(writer), v1, used_as="typed")
    assert used.use_artifact is not None

    gone = writer.delete_artifact(v1, delete_aliases=True).delete_artifact
    assert gone is not None
    assert gone.artifact.state.value == "DELETED"
    removed = writer.delete_artifact_sequence(sequence.artifact_collection.id)
    assert removed.delete_artifact_sequence is not None


def _some_run(client: WandbClient) -> str:
    page = client.run_page("demo", "mnist", per_page=1, with_count=False).project
    assert page is not None
    assert page.runs is not None
    return page.runs.edges[0].node.name
