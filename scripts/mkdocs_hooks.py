"""mkdocs hook: docstrings are written with reST roles (``:class:`Run```), which
Markdown leaves as text; drop the role so only the code span shows."""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|meth|func|attr|mod|data|exc|obj):(?=<code>)")


def on_page_content(html: str, **_: Any) -> str:
    return _ROLE.sub("", html)
