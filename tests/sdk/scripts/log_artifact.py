"""Log a dataset artifact from a run (``run.log_artifact``), then a second version
that changes one file: the SDK uploads only what the server lacks."""

import argparse
from pathlib import Path

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("--project", default="sdk")
parser.add_argument("--data", required=True)
args = parser.parse_args()

run = wandb.init(project=args.project, job_type="dataset")
art = wandb.Artifact("corpus", "dataset", description="two files", metadata={"rows": 2})
art.add_dir(args.data)
with art.new_file("notes/readme.txt") as f:
    f.write("made by log_artifact.py\n")
logged = run.log_artifact(art, aliases=["first"]).wait()
print(f"V0={logged.version}")
(Path(args.data) / "b.txt").write_text("changed\n")
art2 = wandb.Artifact("corpus", "dataset")
art2.add_dir(args.data)
second = run.log_artifact(art2).wait()
print(f"V1={second.version}")
print(f"RUN_ID={run.id}", flush=True)
run.finish()
