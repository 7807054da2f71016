"""A training script as users write it: config, metrics, a nested summary value,
console output on both streams, and an optional crash (``--crash``)."""

import argparse
import sys

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("--project", default="sdk")
parser.add_argument("--steps", type=int, default=100)
parser.add_argument("--crash", action="store_true")
args = parser.parse_args()

run = wandb.init(
    project=args.project, config={"lr": 0.01, "layers": [64, 32], "opt": {"name": "adam"}}
)
for step in range(args.steps):
    run.log({"loss": 1.0 / (step + 1), "acc": step / args.steps, "epoch": step // 10})
print("training done")
print("a warning on stderr", file=sys.stderr)
run.summary["best"] = {"loss": 1.0 / args.steps, "at": [args.steps - 1]}
print(f"RUN_ID={run.id}", flush=True)
if args.crash:
    raise RuntimeError("the model diverged")
run.finish()
