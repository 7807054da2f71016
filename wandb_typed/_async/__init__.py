"""The facade as written by hand: the Api and its resource classes, one module per
resource (``scripts/codegen`` generates ``wandb_typed/_sync`` from these modules,
all but ``_mode.py``, which is written once per mode)."""
