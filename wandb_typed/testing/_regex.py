"""A regular-expression engine whose work is bounded, for ``$regex`` run filters.

Python's ``re`` backtracks: ``^(a+)+$`` against 25 ``a`` and a ``!`` takes seconds
(exponential), ``.*.*.*x`` against a long value takes polynomial time, and while it
runs it holds the store's lock, so every other user of the server waits.  No
rewriting of the pattern or time-out around ``re`` fixes that robustly (a thread
running ``re`` cannot be stopped).  So the server does not use ``re`` to match:

* A pattern is parsed with Python's own regex parser (the same syntax, flags and
  errors as ``re``), then compiled into an NFA (Thompson construction).  Features
  that need backtracking -- backreferences, lookahead/lookbehind, conditionals,
  atomic groups and possessive quantifiers -- are refused with a clear error.
* Matching simulates the NFA over the whole set of states at once, one character
  at a time (no backtracking: the work is linear in the length of the value), and
  caches each (state set, character) transition, so it is a lazily built DFA, as in
  RE2.  For usual patterns nearly every step is one dictionary lookup.
* The uncached work (computing a new transition, at most the size of the program)
  is counted against a step budget per query (:func:`budget`; :data:`STEP_BUDGET`
  steps by default); a pattern that exceeds it (a DFA whose states explode, over
  many long values) fails the query with :class:`RegexError` instead of running on.
  The program size (:data:`MAX_PROGRAM`) and the transition cache are bounded too.

Only whether the pattern is found matters (``re.search(...) is not None``), so
greedy and lazy quantifiers are the same here.  Matching agrees with ``re`` on the
supported syntax (``tests/testing`` checks it against ``re`` on many patterns).
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Generator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

__all__ = [
    "MAX_PROGRAM",
    "STEP_BUDGET",
    "Regex",
    "RegexError",
    "budget",
    "compile_regex",
]

_parser: Any = importlib.import_module("re._parser" if hasattr(re, "_parser") else "sre_parse")
_c: Any = importlib.import_module("re._constants" if hasattr(re, "_constants") else "sre_constants")

#: Most NFA instructions a pattern may compile to (counted repeats are expanded).
MAX_PROGRAM = 5_000
#: Default uncached steps a query may spend on matching (see the module doc).
STEP_BUDGET = 1_000_000
_MAX_CACHED_TRANSITIONS = 50_000


class RegexError(ValueError):
    """A pattern the engine refuses, or one that ran out of its step budget."""


# ---------------------------------------------------------------------- budget
class _Budget(threading.local):
    remaining: int | None = None


_budget = _Budget()


@contextmanager
def budget(steps: int = STEP_BUDGET) -> Generator[None]:
    """Share ``steps`` uncached steps among all matches in this thread (one query)."""
    saved = _budget.remaining
    _budget.remaining = steps
    try:
        yield
    finally:
        _budget.remaining = saved


def _charge(steps: int) -> None:
    remaining = _budget.remaining
    if remaining is None:  # outside a query: a budget per match
        remaining = STEP_BUDGET
    remaining -= steps
    if remaining < 0:
        raise RegexError(
            "this $regex needs too much work to evaluate (its automaton explodes); "
            "simplify it (fewer nested or overlapping repetitions)"
        )
    if _budget.remaining is not None:
        _budget.remaining = remaining


# ---------------------------------------------------------------------- program
_CHAR, _SPLIT, _JMP, _ASSERT, _MATCH = range(5)

# assertions
_BOS, _BOL, _EOS, _EOL_STRICT, _EOL_LINE, _WORDB, _NOT_WORDB = range(7)

CharTest = Callable[[str], bool]


def _is_word(ch: str, ascii_only: bool) -> bool:
    if ascii_only:
        return ch.isascii() and (ch.isalnum() or ch == "_")
    return ch.isalnum() or ch == "_"


class _Program:
    """NFA instructions as parallel lists (``op``, ``x``, ``y``, ``test``/``kind``)."""

    def __init__(self) -> None:
        self.op: list[int] = []
        self.x: list[int] = []  # next pc (CHAR, JMP, ASSERT) or first branch (SPLIT)
        self.y: list[int] = []  # second branch (SPLIT)
        self.test: list[CharTest | None] = []
        self.kind: list[int] = []

    def emit(self, op: int, test: CharTest | None = None, kind: int = -1) -> int:
        if len(self.op) >= MAX_PROGRAM:
            raise RegexError(f"this $regex is too large (over {MAX_PROGRAM} instructions)")
        self.op.append(op)
        self.x.append(-1)
        self.y.append(-1)
        self.test.append(test)
        self.kind.append(kind)
        return len(self.op) - 1

    def __len__(self) -> int:
        return len(self.op)


class _Compiler:
    """sre_parse tree -> :class:`_Program` (each piece appends code that falls through)."""

    def __init__(self, program: _Program, word_ascii: bool) -> None:
        self.p = program
        self.word_ascii = word_ascii

    def seq(self, items: Any, flags: int) -> None:
        for op, av in items:
            self.item(op, av, flags)

    def _char(self, test: CharTest) -> None:
        pc = self.p.emit(_CHAR, test)
        self.p.x[pc] = pc + 1

    def item(self, op: Any, av: Any, flags: int) -> None:
        icase = bool(flags & re.IGNORECASE)
        if op is _c.LITERAL or op is _c.NOT_LITERAL:
            test = _literal_test(chr(av), icase)
            self._char(test if op is _c.LITERAL else _negate(test))
        elif op is _c.ANY:
            self._char((lambda ch: True) if flags & re.DOTALL else (lambda ch: ch != "\n"))
        elif op is _c.IN:
            self._char(_set_test(av, icase, self._ascii(flags)))
        elif op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            self.seq(sub, (flags | add_flags) & ~del_flags)
        elif op is _c.BRANCH:
            self.branch(av[1], flags)
        elif op is _c.MAX_REPEAT or op is _c.MIN_REPEAT:
            self.repeat(av, flags)
        elif op is _c.AT:
            self.at(av, flags)
        else:
            name = str(op).lower()
            what = {
                "groupref": "backreferences",
                "groupref_exists": "conditional groups",
                "assert": "lookahead/lookbehind",
                "assert_not": "negative lookahead/lookbehind",
                "atomic_group": "atomic groups",
                "possessive_repeat": "possessive quantifiers",
            }.get(name, name)
            raise RegexError(f"$regex: {what} are not supported (they need backtracking)")

    def _ascii(self, flags: int) -> bool:
        return bool(flags & re.ASCII) or self.word_ascii

    def branch(self, alternatives: Any, flags: int) -> None:
        p = self.p
        jumps: list[int] = []
        for i, alt in enumerate(alternatives):
            last = i == len(alternatives) - 1
            split = -1 if last else p.emit(_SPLIT)
            if split >= 0:
                p.x[split] = split + 1
            self.seq(alt, flags)
            if not last:
                jump = p.emit(_JMP)
                jumps.append(jump)
                p.y[split] = len(p)
        for jump in jumps:
            p.x[jump] = len(p)

    def repeat(self, av: Any, flags: int) -> None:
        low, high, body = av
        p = self.p
        for _ in range(low):
            self.seq(body, flags)
        if high == _c.MAXREPEAT:
            split = p.emit(_SPLIT)
            p.x[split] = split + 1
            self.seq(body, flags)
            back = p.emit(_JMP)
            p.x[back] = split
            p.y[split] = len(p)
            return
        splits: list[int] = []
        for _ in range(high - low):
            split = p.emit(_SPLIT)
            p.x[split] = split + 1
            splits.append(split)
            self.seq(body, flags)
        for split in splits:
            p.y[split] = len(p)

    def at(self, code: Any, flags: int) -> None:
        multiline = bool(flags & re.MULTILINE)
        if code is _c.AT_BEGINNING:
            kind = _BOL if multiline else _BOS
        elif code is _c.AT_BEGINNING_STRING:
            kind = _BOS
        elif code is _c.AT_END:
            kind = _EOL_LINE if multiline else _EOL_STRICT
        elif code is _c.AT_END_STRING:
            kind = _EOS
        elif code is _c.AT_BOUNDARY:
            kind = _WORDB
        elif code is _c.AT_NON_BOUNDARY:
            kind = _NOT_WORDB
        else:
            raise RegexError(f"$regex: anchor {code} is not supported")
        pc = self.p.emit(_ASSERT, kind=kind)
        self.p.x[pc] = pc + 1
        if kind in (_WORDB, _NOT_WORDB) and self._ascii(flags):
            self.p.test[pc] = lambda ch: True  # marks "ASCII word characters"


def _negate(test: CharTest) -> CharTest:
    return lambda ch: not test(ch)


def _literal_test(lit: str, icase: bool) -> CharTest:
    if not icase:
        return lambda ch: ch == lit
    low, up = lit.lower(), lit.upper()
    return lambda ch: ch == lit or ch.lower() == low or ch.upper() == up


def _category_test(category: Any, ascii_only: bool) -> CharTest:
    name = str(category).upper()
    if "DIGIT" in name:
        base: CharTest = (
            (lambda ch: "0" <= ch <= "9") if ascii_only else (lambda ch: ch.isdecimal())
        )
    elif "SPACE" in name:
        base = (lambda ch: ch in " \t\n\r\f\v") if ascii_only else (lambda ch: ch.isspace())
    elif "WORD" in name:
        base = lambda ch: _is_word(ch, ascii_only)  # noqa: E731
    elif "LINEBREAK" in name:
        base = lambda ch: ch == "\n"  # noqa: E731
    else:
        raise RegexError(f"$regex: character category {category} is not supported")
    return _negate(base) if "NOT" in name else base


def _set_test(items: Any, icase: bool, ascii_only: bool) -> CharTest:
    negate = False
    singles: set[str] = set()
    ranges: list[tuple[int, int]] = []
    tests: list[CharTest] = []
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            singles.add(chr(av))
        elif op is _c.RANGE:
            ranges.append((int(av[0]), int(av[1])))
        elif op is _c.CATEGORY:
            tests.append(_category_test(av, ascii_only))
        else:
            raise RegexError(f"$regex: {op} in a character class is not supported")

    def plain(ch: str) -> bool:
        if ch in singles:
            return True
        code = ord(ch)
        return any(lo <= code <= hi for lo, hi in ranges) or any(t(ch) for t in tests)

    def member(ch: str) -> bool:
        if plain(ch):
            return True
        return icase and (plain(ch.lower()) or plain(ch.upper()))

    return _negate(member) if negate else member


# ---------------------------------------------------------------------- matching
# What the position before a character was: the context assertions look at.
_START, _AFTER_NEWLINE, _AFTER_WORD, _AFTER_OTHER = range(4)
_END = ""  # "next character" at the end of the text


class Regex:
    """A compiled pattern: :meth:`search` is ``re.search(pattern, text) is not None``."""

    def __init__(self, pattern: str) -> None:
        try:
            parsed = _parser.parse(pattern)
        except re.error as exc:
            raise RegexError(f"invalid $regex {pattern[:200]!r}: {exc}") from None
        flags = int(parsed.state.flags)
        program = _Program()
        _Compiler(program, word_ascii=bool(flags & re.ASCII)).seq(parsed, flags)
        program.emit(_MATCH)
        self.pattern: str = pattern
        self._word_ascii = bool(flags & re.ASCII)
        self._p = program
        self._ids: dict[frozenset[int], int] = {frozenset(): 0}
        self._sets: list[frozenset[int]] = [frozenset()]
        # (state id, context before, next char or "", next is the last char) -> (match, next id)
        self._moves: dict[tuple[int, int, str, bool], tuple[bool, int]] = {}
        self._lock = threading.Lock()

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (lazy DFA; uncached steps count
        against the thread's :func:`budget`)."""
        state, before = 0, _START
        moves = self._moves
        last = len(text) - 1
        for i, ch in enumerate(text):
            key = (state, before, ch, i == last)
            found = moves.get(key)
            if found is None:
                found = self._move(key)
            if found[0]:
                return True
            state = found[1]
            before = (
                _AFTER_NEWLINE
                if ch == "\n"
                else (_AFTER_WORD if _is_word(ch, self._word_ascii) else _AFTER_OTHER)
            )
        key = (state, before, _END, False)
        found = moves.get(key)
        if found is None:
            found = self._move(key)
        return found[0]

    def _move(self, key: tuple[int, int, str, bool]) -> tuple[bool, int]:
        """Compute (and cache) one transition: the closure of the state plus a fresh
        start (search), then one step over the next character."""
        state, before, ch, next_is_last = key
        p = self._p
        op, xs, ys, tests, kinds = p.op, p.x, p.y, p.test, p.kind
        seen: set[int] = set()
        stack = [0, *self._sets[state]]
        step: set[int] = set()
        matched = False
        work = 0
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            work += 1
            code = op[pc]
            if code == _CHAR:
                if ch != _END:
                    test = tests[pc]
                    assert test is not None
                    if test(ch):
                        step.add(xs[pc])
            elif code == _SPLIT:
                stack.append(ys[pc])
                stack.append(xs[pc])
            elif code == _JMP:
                stack.append(xs[pc])
            elif code == _ASSERT:
                if _holds(kinds[pc], before, ch, next_is_last, tests[pc] is not None):
                    stack.append(xs[pc])
            else:  # _MATCH
                matched = True
                break
        _charge(work + 1)
        result = (matched, self._id(frozenset(step)))
        with self._lock:
            if len(self._moves) >= _MAX_CACHED_TRANSITIONS:
                self._moves.clear()
            self._moves[key] = result
        return result

    def _id(self, states: frozenset[int]) -> int:
        with self._lock:
            found = self._ids.get(states)
            if found is None:
                if len(self._sets) >= _MAX_CACHED_TRANSITIONS:
                    raise RegexError("this $regex needs too many automaton states; simplify it")
                found = len(self._sets)
                self._ids[states] = found
                self._sets.append(states)
            return found


def _holds(kind: int, before: int, ch: str, next_is_last: bool, ascii_words: bool) -> bool:
    if kind == _BOS:
        return before == _START
    if kind == _BOL:
        return before in (_START, _AFTER_NEWLINE)
    if kind == _EOS:
        return ch == _END
    if kind == _EOL_STRICT:  # Python's "$": the end, or a final newline
        return ch == _END or (ch == "\n" and next_is_last)
    if kind == _EOL_LINE:
        return ch in (_END, "\n")
    prev_word = before == _AFTER_WORD
    next_word = ch != _END and _is_word(ch, ascii_words)
    if kind == _WORDB:
        return prev_word != next_word
    return prev_word == next_word


@lru_cache(maxsize=256)
def compile_regex(pattern: str) -> Regex:
    """The compiled :class:`Regex` for ``pattern`` (cached; raises :class:`RegexError`)."""
    return Regex(pattern)
