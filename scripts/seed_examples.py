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
