"""The package version (one place; the User-Agent and ``wandb_typed.__version__`` read it)."""

__version__ = "0.1.0"
