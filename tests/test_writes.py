"""Every mutation of ``queries/`` is classified in ``wandb_typed/_core/writes.py``
(retried like a query, or sent once): a new mutation without a line there fails here."""

from __future__ import annotations

from pathlib import Path

from graphql import OperationDefinitionNode, OperationType, parse

from wandb_typed._core.writes import WRITES, is_idempotent

ROOT = Path(__file__).resolve().parent.parent


def _mutations() -> set[str]:
    names: set[str] = set()
    for path in sorted((ROOT / "queries").glob("*.graphql")):
        for node in parse(path.read_text(encoding="utf-8")).definitions:
            if (
                isinstance(node, OperationDefinitionNode)
                and node.operation == OperationType.MUTATION
            ):
                assert node.name is not None, f"an anonymous mutation in {path.name}"
                names.add(node.name.value)
    return names


def test_every_mutation_is_classified() -> None:
    mutations = _mutations()
    missing = sorted(mutations - WRITES.keys())
    assert not missing, f"classify these mutations in wandb_typed/_core/writes.py: {missing}"
    stale = sorted(WRITES.keys() - mutations)
    assert not stale, f"wandb_typed/_core/writes.py names mutations queries/ lacks: {stale}"


def test_both_classes_are_used_and_unknown_names_are_sent_once() -> None:
    kinds = {w.kind for w in WRITES.values()}
    assert kinds == {"idempotent", "adds"}
    assert all(w.why for w in WRITES.values())
    assert is_idempotent("UpsertRun")
    assert not is_idempotent("LogRunArtifact")
    assert not is_idempotent("SomeoneElsesMutation")
