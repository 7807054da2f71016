"""Demo data of teams, launch queues and custom charts (called by ``seed_demo``).

==================  ===========================================================
``demo-team``       a team: the demo user administers it, ``pat`` is invited
                    (a pending member)
``default`` queue   in ``<entity>/model-registry`` (a ``local-container`` queue
                    with one template variable): one item pending, one claimed by
                    a running ``mnist`` run
custom chart        ``<entity>/demo-bar-chart``, a Vega-Lite bar chart
sweep agents        two agents of the ``mnist`` sweep (one finished, one running)
==================  ===========================================================
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from ._resolvers._common import gid
from ._store import Store

__all__ = ["TeamsDemo", "seed_teams"]

#: The demo chart's Vega-Lite spec.
BAR_CHART = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "mark": "bar",
    "data": {"name": "wandb"},
    "encoding": {
        "x": {"field": "${field:x}", "type": "ordinal"},
        "y": {"field": "${field:y}", "type": "quantitative"},
    },
}


@dataclass(frozen=True)
class TeamsDemo:
    """What :func:`seed_teams` created (``DemoInfo.teams``)."""

    team: str = "demo-team"
    team_admin: str = ""  # the demo user
    pending_member: str = "pat"  # invited by username, not yet a member
    team_members: int = 2  # members and pending invites listed
    queue: str = "default"
    queue_project: str = "model-registry"
    queue_resource: str = "local-container"
    queue_items: int = 2
    pending_item: str = ""  # id of the pending item
    running_item: str = ""  # id of the claimed item
    running_item_project: str = "mnist"
    running_item_run: str = ""  # run id the claimed item started (state running)
    chart_id: str = ""  # "<entity>/demo-bar-chart"
    sweep_agents: tuple[str, ...] = ()  # names of the mnist sweep's agents, oldest first


def seed_teams(store: Store, entity: str, start: datetime) -> TeamsDemo:
    """Create the team, the queue with its two items and the chart described above
    (the queue's project dated three weeks after ``start``, as the demo's others are)."""
    admin = store.user_by_name(entity)
    if admin is None:
        raise ValueError(f"the demo entity {entity!r} must be a user")
    team = store.new_team("demo-team", int(admin["id"]))
    if store.user_by_name("pat") is None:
        store.create_user("pat", name="Pat Example")
    store.invite(
        int(team["id"]), email=None, username="pat", admin=False, invited_by=int(admin["id"])
    )

    project = store.create_project(
        entity, "model-registry", description="Launch queues", created_at=start + timedelta(days=21)
    )
    config = {"resource_args": {"local-container": {"env": ["EPOCHS={{epochs}}"]}}}
    variables = {
        "epochs": {
            "description": "training epochs",
            "schema": {"type": "integer", "minimum": 1, "maximum": 50},
        }
    }
    config_id = store.create_resource_config(
        int(admin_entity_id(store, entity)),
        "local-container",
        json.dumps(config),
        json.dumps(variables),
    )
    queue = store.create_queue(
        int(project["id"]), "default", access="PROJECT", prioritization_mode="V0",
        resource_config_id=config_id, created_by=int(admin["id"]),
    )  # fmt: skip
    mnist = store.project(entity, "mnist")
    assert mnist is not None
    running = store.runs_page(int(mnist["id"]), filters={"state": "running"}, first=1).rows
    run_name = str(running[0]["name"]) if running else ""
    spec = {"entity": entity, "project": "mnist", "job": f"{entity}/mnist/train-mnist:v0"}
    claimed = store.push_queue_item(
        int(queue["id"]),
        json.dumps({**spec, "overrides": {"run_config": {"epochs": 5}}}),
        priority=2,
        template_variable_values=json.dumps({"epochs": 5}),
        state="CLAIMED" if run_name else "PENDING",
        associated_run_id=run_name or None,
    )
    pending = store.push_queue_item(
        int(queue["id"]),
        json.dumps({**spec, "overrides": {"run_config": {"epochs": 10}}}),
        priority=1,
        template_variable_values=json.dumps({"epochs": 10}),
    )
    chart = store.create_chart(
        int(admin_entity_id(store, entity)), "demo-bar-chart", display_name="Demo bar chart",
        type="vega2", access="PRIVATE", spec=json.dumps(BAR_CHART), created_by=int(admin["id"]),
    )  # fmt: skip
    sweeps = store.sweeps_page(int(mnist["id"]), 1, None).rows
    agents: list[str] = []
    for i, state in enumerate(("FINISHED", "RUNNING") if sweeps else ()):
        agent = store.create_agent(
            int(sweeps[0]["id"]), f"gpu-node-{i + 1}", name=f"agent{i + 1:03d}", state=state,
            total_runs=3 - i, created_at="2024-01-01T00:00:00", heartbeat_at="2024-01-02T00:00:00",
        )  # fmt: skip
        agents.append(str(agent["name"]))
    return TeamsDemo(
        team_admin=entity,
        sweep_agents=tuple(agents),
        pending_item=gid("RunQueueItem", int(pending["id"])),
        running_item=gid("RunQueueItem", int(claimed["id"])),
        running_item_run=run_name,
        chart_id=f"{entity}/{chart['name']}",
    )


def admin_entity_id(store: Store, entity: str) -> int:
    """The id of the entity ``entity``."""
    row = store.entity(entity)
    assert row is not None
    return int(row["id"])
