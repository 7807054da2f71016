"""The schema-driven fuzz of the local server (see :mod:`tests.fuzz.harness`)."""
