"""The report: each benchmark returns a ``Section`` (a table, its targets and notes);
this module formats numbers, renders sections as plain text or Markdown, and writes the
Markdown into a marked block of ``BENCHMARKS.md``."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .common import MB, Json
from .sizes import Sizes


@dataclass
class Target:
    """A goal the numbers are checked against, and whether it was met."""

    text: str
    met: bool
    detail: str


@dataclass
class Section:
    """One benchmark's part of the report: a table, its targets and notes."""

    title: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fs(seconds: float) -> str:
    """Seconds as ``123 ms`` or ``1.23 s``."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fnum(value: float) -> str:
    """A count with thousands separators."""
    return f"{value:,.0f}"


def fbytes(value: float) -> str:
    """A byte count in B, KB or MB."""
    if value >= MB:
        return f"{value / MB:.1f} MB"
    if value >= 10_000:
        return f"{value / 1024:.1f} KB"
    return f"{value:,.0f} B"


def fx(value: float) -> str:
    """A ratio as ``1.23x`` (``12.3x`` from ten up)."""
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def round_ratios(official: Sequence[Json], ours: Sequence[Json]) -> str:
    """Official ÷ ours wall time, round by round (``1.52x, 1.31x, ...``)."""
    return ", ".join(fx(o["wall"] / u["wall"]) for o, u in zip(official, ours, strict=True))


def render_table(section: Section, markdown: bool) -> str:
    """A section's table as Markdown or as aligned plain text."""
    rows = [section.header, *section.rows]
    if markdown:
        lines = ["| " + " | ".join(r) + " |" for r in rows]
        lines.insert(1, "|" + "|".join("---" for _ in section.header) + "|")
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in rows) for i in range(len(section.header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join("  " + ln for ln in lines)


def machine() -> str:
    """One line about the machine and the versions measured."""
    import httpx
    import pydantic

    try:
        from importlib.metadata import version

        wandb_version = version("wandb")
    except Exception:
        wandb_version = "not installed"
    cpu = platform.processor() or platform.machine()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({model or cpu}), {platform.system()} {platform.release()}, "
        f"CPython {platform.python_version()}, wandb {wandb_version}, httpx {httpx.__version__}, "
        f"pydantic {pydantic.VERSION}"
    )


def render(
    sections: Sequence[Section], command: str, sizes: Sizes, load: str, markdown: bool
) -> str:
    """The whole report: header, every section, then every target."""
    when = f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
    data = f"{sizes.runs:,} runs, {sizes.history_rows:,} history rows"
    out = [
        f"Command: `{command}`  ",
        f"Machine: {machine()}  ",
        f"Run: {when}; data: {data}; 1-min load average {load}.",
        "",
    ]
    if not markdown:
        out = [line.rstrip().replace("`", "") for line in out]
    for section in sections:
        out.append(f"### {section.title}" if markdown else f"\n== {section.title}")
        out += ["", render_table(section, markdown), ""]
        out += [("- " if markdown else "  ") + note for note in section.notes]
        if section.notes:
            out.append("")
    targets = [t for s in sections for t in s.targets]
    out.append("### Targets" if markdown else "\n== Targets")
    out.append("")
    for t in targets:
        mark = "met" if t.met else "NOT met"
        out.append(
            f"- **{mark}**: {t.text} ({t.detail})"
            if markdown
            else f"  {mark:8} {t.text} ({t.detail})"
        )
    return "\n".join(out) + "\n"


def update_markdown(path: Path, block: str, name: str = "bench") -> None:
    """Replace the text between the ``<!-- name:begin -->`` and ``<!-- name:end -->``
    markers (appended if missing; a new file if none)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in text or end not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{block}{end}{tail}")
