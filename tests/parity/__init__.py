"""Parity tests: wandb-typed and the official ``wandb`` client against one local server."""
