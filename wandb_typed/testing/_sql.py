"""SQL fragments that carry their own bound parameters.

Every value that comes from a request reaches SQLite as a bound parameter, never as
text: a fragment is its SQL text (built only from our own identifiers and ``?``
marks) plus the parameters of its marks, in order.  Composing fragments with
:func:`sql` keeps text and parameters in step, so an expression used twice (a sort
key in ``SELECT`` and again in a cursor condition) brings its parameters twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Sql", "sql"]


@dataclass(frozen=True)
class Sql:
    """SQL text with ``?`` marks and the values bound to them, in order."""

    text: str
    params: tuple[object, ...] = ()

    def __str__(self) -> str:
        return self.text

    @staticmethod
    def join(separator: str, parts: Iterable[Sql]) -> Sql:
        """``parts`` joined by ``separator`` (SQL text of our own, e.g. ``" AND "``)."""
        items = list(parts)
        return Sql(separator.join(p.text for p in items), tuple(v for p in items for v in p.params))


def sql(template: str, *args: object) -> Sql:
    """Fill each ``{}`` of ``template``: a :class:`Sql` argument is inlined (text and
    parameters), any other value becomes a ``?`` mark bound to that value.

    ``template`` is always a literal of this package, never request data.
    """
    pieces = template.split("{}")
    if len(pieces) != len(args) + 1:
        raise ValueError(f"{len(pieces) - 1} slots in {template!r}, {len(args)} arguments")
    text = [pieces[0]]
    params: list[object] = []
    for arg, piece in zip(args, pieces[1:], strict=True):
        if isinstance(arg, Sql):
            text.append(arg.text)
            params.extend(arg.params)
        else:
            text.append("?")
            params.append(arg)
        text.append(piece)
    return Sql("".join(text), tuple(params))
