"""What only the sync registry and automation collections have: ``len()``, ``c[i]`` and
``c[a:b]`` (the async twins have ``count()`` and ``at()``, tested in both modes)."""

from __future__ import annotations

from wandb_typed import Api, Automation, Registry
from wandb_typed.testing import DemoInfo


def test_len_and_indexes(api: Api, demo: DemoInfo) -> None:
    registries = api.registries()
    assert len(registries) == len(demo.registries)
    first = registries[0]
    assert isinstance(first, Registry) and first.name == demo.registries[0]
    assert [r.name for r in registries[-1:]] == [demo.registries[-1]]
    collections = registries.collections()
    assert len(collections) >= 1 and collections[0].name in {
        demo.registry_collection, "mnist-images",
    }  # fmt: skip
    assert len(registries.versions()) == len(list(registries.versions()))
    automations = api.automations(per_page=1)
    assert len(automations) == 1
    assert isinstance(automations[0], Automation) and automations[0].name == demo.automation
    assert automations[0:5] == [automations[0]]
    assert len(api.integrations()) == 2
    assert api.webhook_integrations()[0].name == demo.webhook_integration
