"""GraphQL documents, parsed once: a bounded LRU cache of parsed (and validated)
documents by query text, and parsing within the token and field limits of
:class:`ServerLimits` (so an oversized document costs no more than its limit)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, parse

from ._limits import ServerLimits, count_fields

__all__ = ["DocumentCache", "Parsed", "parse_document"]


@dataclass
class Parsed:
    """A query text's parsed document (or why it does not parse), and its validation
    errors once validated."""

    document: DocumentNode | GraphQLError
    errors: list[GraphQLError] | None = None  # validation, once done


class DocumentCache:
    """Parsed (and validated) documents by query text, least recently used first out.

    Clients resend the same few documents, so parsing once pays; the cache is
    bounded by count and by the total size of the query texts it keeps, and a
    document larger than ``max_entry_bytes`` is never kept.
    """

    def __init__(
        self, max_entries: int = 256, max_bytes: int = 4 << 20, max_entry_bytes: int = 64 << 10
    ) -> None:
        self.max_entries: int = max_entries
        self.max_bytes: int = max_bytes
        self.max_entry_bytes: int = max_entry_bytes
        self.total_bytes: int = 0
        self._items: OrderedDict[str, Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, query: object) -> bool:
        return query in self._items

    def get(self, query: str) -> Parsed | None:
        """The cached document of ``query`` (now the most recently used), if any."""
        with self._lock:
            found = self._items.get(query)
            if found is not None:
                self._items.move_to_end(query)
            return found

    def put(self, query: str, parsed: Parsed) -> None:
        """Keep ``parsed`` (unless the query text is too large), evicting the least
        recently used documents beyond the count and size bounds."""
        size = len(query)
        if size > self.max_entry_bytes:
            return
        with self._lock:
            if query in self._items:
                return
            self._items[query] = parsed
            self.total_bytes += size
            while len(self._items) > self.max_entries or self.total_bytes > self.max_bytes:
                old, _ = self._items.popitem(last=False)
                self.total_bytes -= len(old)


def parse_document(documents: DocumentCache, query: str, limits: ServerLimits) -> Parsed:
    """Parse once per distinct document (clients resend the same few), within the
    token and field limits."""
    found = documents.get(query)
    if found is None:
        try:
            document: DocumentNode | GraphQLError = parse(query, max_tokens=limits.max_tokens)
        except GraphQLError as exc:
            document = exc
        if isinstance(document, DocumentNode):
            fields = count_fields(document)
            if fields > limits.max_fields:
                document = GraphQLError(
                    f"the document has too many fields ({fields:,}; the limit is "
                    f"{limits.max_fields:,})"
                )
        found = Parsed(document)
        documents.put(query, found)
    return found
