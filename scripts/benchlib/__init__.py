"""The pieces of ``scripts/bench.py``, one module per seam: ``common`` (names and
constants), ``sizes``, ``seeding``, ``server`` and ``record_replay`` (the subprocess
servers), ``worker`` (what runs inside a measurement's subprocess), ``driver`` (starting
those subprocesses), ``report`` (tables and Markdown) and ``benchmarks`` (one module per
benchmark or family of benchmarks).

A package of its own so that the entry point stays a thin command line; it is imported
from ``scripts/`` (the directory of ``bench.py``, first on ``sys.path`` when the script
or a worker runs), never installed.
"""
