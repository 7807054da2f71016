"""Run files, the sync-only surface: ``len()`` and ``[i]`` of a file listing. Every
other file behaviour is tested in both modes by ``tests/_async/test_files.py`` and
its generated twin."""

from __future__ import annotations

import pytest

from wandb_typed.testing import LocalServer

from .support import make_api


def test_len_and_index_of_a_file_listing(fresh: LocalServer) -> None:
    row = fresh.store.create_run("demo", "p", name="r1")
    for name in ("a.txt", "b.txt", "c.txt"):
        fresh.store.add_file(int(row["id"]), name, name)
    with make_api(fresh) as client:
        run = client.run("demo/p/r1")
        files = run.files(per_page=2)
        assert len(files) == 3
        assert sorted(f.name for f in files[0:3]) == ["a.txt", "b.txt", "c.txt"]
        assert files[-1].name == list(files)[-1].name
        assert len(run.files(names=["a.txt", "nope"])) == 1
        with pytest.raises(IndexError):
            files[3]
