"""Tests of wandb_typed.testing, the local W&B-compatible server (over real HTTP)."""
