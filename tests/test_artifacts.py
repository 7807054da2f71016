"""Artifacts, the sync-only surface: ``len()``, ``[i]`` and ``[a:b]`` of a listing of
versions. Every other artifact behaviour is tested in both modes by
``tests/_async/test_artifacts_*.py`` and their generated twins (downloads:
``test_artifact_downloads.py``)."""

from __future__ import annotations

import pytest

from wandb_typed import Api, Artifact
from wandb_typed.testing import DemoInfo, LocalServer


@pytest.mark.parametrize("per_page", [1, 2, 50])
def test_len_index_and_slices_of_versions(
    api: Api, demo_server: LocalServer, demo: DemoInfo, per_page: int
) -> None:
    model = f"demo/{demo.artifact_project}/{demo.model_artifact}"
    labels = [f"v{i}" for i in reversed(range(demo.model_versions))]  # newest first
    versions = api.artifacts(demo.model_type, model, per_page=per_page)
    since = len(demo_server.requests)
    assert len(versions) == demo.model_versions
    graphql = [r.operation_name for r in demo_server.requests[since:] if r.path == "/graphql"]
    assert graphql == ["ArtifactVersionPage"]  # the count is on page 1
    assert isinstance(versions[0], Artifact)
    assert versions[1].version == labels[1]
    assert versions[-1].version == "v0"
    assert [a.version for a in versions[-2:]] == labels[-2:]
    assert [a.version for a in versions[:2]] == labels[:2]
    with pytest.raises(IndexError):
        versions[demo.model_versions]
    tagged = api.artifacts(demo.model_type, model, tags=["no-such-tag"])
    assert len(tagged) == 0  # counted by walking: the server's count ignores the tags
