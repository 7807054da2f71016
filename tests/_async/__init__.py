"""The facade's behaviour tests, written once against ``AsyncApi`` (run by anyio's
pytest plugin); ``scripts/codegen`` generates their ``Api`` twins in ``tests/_sync``."""
