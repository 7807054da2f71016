"""The reference's examples (viewer, projects, from_path, runs), written as the official
docs write them, with only the import changed: ``import wandb`` became
``import wandb_typed as wandb``. Placeholders are the demo data's names.

    wandb-typed serve --port 8080 --db demo.db --seed demo      # prints the API key
    WANDB_BASE_URL=http://127.0.0.1:8080 WANDB_API_KEY=<key> python scripts/seed_examples.py
"""

from __future__ import annotations

import wandb_typed as wandb

wandb.Api()

api = wandb.Api()
print("viewer:", api.viewer.username, "| default entity:", api.default_entity)

for listed in api.projects("demo"):
    print("project:", listed.name, listed.created_at)

run_id = api.runs(path="demo/mnist", per_page=1).take(1)[0].id
sweep_id = next(iter(api.project("mnist").sweeps())).id

project = api.from_path("mnist")
team_project = api.from_path("demo/mnist")
run = api.from_path(f"demo/mnist/runs/{run_id}")
sweep = api.from_path(f"demo/mnist/sweeps/{sweep_id}")
report = api.from_path("demo/mnist/reports/mnist-baselines")
print("from_path:", project, team_project, run, sweep, report, sep="\n  ")

# config.experiment_name-style filters from the reference, on the demo's config keys
runs = api.runs(path="demo/mnist", filters={"config.optimizer": "adam"})
print("adam runs:", len(runs))
runs = api.runs(
    path="demo/mnist",
    filters={"$or": [{"config.optimizer": "adam"}, {"config.optimizer": "sgd"}]},
)
print("adam or sgd runs:", len(runs))
runs = api.runs(path="demo/mnist", filters={"config.optimizer": {"$regex": "ad.*"}})
print("optimizer matching ad.*:", len(runs))
runs = api.runs(path="demo/mnist", filters={"display_name": {"$regex": "^quiet.*"}})
print("display names starting with quiet:", [r.name for r in runs])
runs = api.runs(path="demo/mnist", order="+summary_metrics.loss")
print("lowest loss:", next(iter(runs)).summary["loss"])

# registries, automations and integrations: the reference's examples, on the demo's names
print(
    "registries matching model:",
    [r.name for r in api.registries(filter={"name": {"$regex": "model"}})],
)
print(
    "collections:",
    [c.name for c in api.registries().collections(filter={"name": "mnist-classifier"})],
)
print(
    "versions:",
    [
        v.name
        for v in api.registries()
        .collections(filter={"name": {"$regex": "mnist"}})
        .versions(filter={"alias": "production"})
    ],
)
print(
    "tagged prod or aliased best:",
    [
        v.name
        for v in api.registries(filter={"name": {"$regex": "model"}}).versions(
            filter={"$or": [{"tag": "prod"}, {"alias": "production"}]}
        )
    ],
)
registry = api.registry(name="model", organization="demo-org")
registry.description = "This is an updated description"
registry.save()
registry = api.create_registry(
    name="my-registry",
    visibility="restricted",
    organization="demo-org",
    description="This is a test registry",
    artifact_types=["model"],
)
print("created registry:", registry.full_name, registry.visibility, list(registry.artifact_types))

automations = api.automations(entity="demo-org")
automation = api.automation(name="deploy-on-production")
automation.enabled = False
automation.description = "Kept for reference, but no longer used."
updated_automation = api.update_automation(automation)
updated_automation = api.update_automation(
    automation, enabled=False, description="Kept for reference, but no longer used."
)
print("automation:", updated_automation.name, "enabled:", updated_automation.enabled)

slack_integrations = api.slack_integrations(entity="demo")
team_alert_integrations = [ig for ig in slack_integrations if ig.channel_name.startswith("#ml-")]
webhook_integrations = api.webhook_integrations(entity="demo")
my_webhooks = [
    ig for ig in webhook_integrations if ig.url_endpoint.startswith("https://hooks.example.com")
]
print("integrations:", len(team_alert_integrations), len(my_webhooks))
