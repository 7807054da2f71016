"""``wandb-typed artifact download NAME [--root DIR]``: an artifact version onto disk.

The download is the library's ``Artifact.download``: manifest first, file URLs in
batches, files fetched a few at a time, each checked against the manifest's MD5 and
renamed into place only when complete; files already there with the right contents
are skipped, so running the command again resumes or costs nothing. A progress bar
on stderr when it is a terminal (the ``progress`` extra).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .._core.files import DOWNLOAD_WORKERS
from ._common import Parser, UsageProblem, progress, run_guarded

__all__ = ["artifact_parser", "command"]


def artifact_parser() -> Parser:
    """The ``command`` command line (also read by ``wandb-typed completion``)."""
    parser = Parser(prog="wandb-typed artifact", description="Work with artifact versions.")
    sub = parser.add_subparsers(dest="action", metavar="SUBCOMMAND", required=True)
    download = sub.add_parser(
        "download",
        help="download a version's files, verified",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="NAME: entity/project/name:alias, project/name:vN or name:alias (with the "
        "configured entity and project), or a registry path. Authentication: "
        "WANDB_API_KEY, WANDB_BASE_URL, netrc or the wandb settings files.",
    )
    download.add_argument("name", metavar="NAME", help="the artifact version")
    download.add_argument("--root", type=Path, help="where to put it (default ./artifacts/NAME)")
    download.add_argument("--type", help="fail unless the artifact has this type")
    download.add_argument("--path-prefix", help="only files whose path starts with this")
    download.add_argument(
        "--max-workers", type=int, default=DOWNLOAD_WORKERS, help="files fetched at once"
    )
    download.add_argument(
        "--allow-missing-references",
        action="store_true",
        help="skip reference entries that cannot be fetched (s3://, gs://, ...)",
    )
    return parser


def command(argv: Sequence[str]) -> int:
    """``wandb-typed artifact SUBCOMMAND ...`` (only ``download`` for now)."""
    parser = artifact_parser()
    args = parser.parse_args(argv)
    return run_guarded("wandb-typed artifact download", lambda: _download(args))


def _download(args: argparse.Namespace) -> int:
    from .. import Api, DownloadProgress

    workers: int = args.max_workers
    if workers < 1:
        raise UsageProblem(f"--max-workers must be at least 1, got {workers}")
    with Api() as api:
        artifact = api.artifact(args.name, type=args.type)
        with progress(f"{artifact.name}", "B", total=artifact.size) as bar:
            done = [0]

            def report(state: DownloadProgress) -> None:
                bar.update(state.bytes_done - done[0])
                done[0] = state.bytes_done

            root = artifact.download(
                args.root,
                path_prefix=args.path_prefix,
                allow_missing_references=args.allow_missing_references,
                max_workers=workers,
                progress=report,
            )
    print(root, file=sys.stdout)
    return 0
