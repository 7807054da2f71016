"""The bounded ``$regex`` engine (``_regex``): same answers as ``re.search`` on the
syntax it supports, linear work on patterns that make ``re`` backtrack (F10)."""

from __future__ import annotations

import random
import re

import pytest

from wandb_typed.testing._regex import Regex, RegexError, budget, compile_regex

PATTERNS = [
    "",
    "a",
    "abc",
    "^a",
    "a$",
    "^$",
    "^abc$",
    "a|b",
    "ab|cd|",
    "(ab)+",
    "(a|b)*c",
    "a*",
    "a+b?",
    "a{2}",
    "a{2,3}",
    "a{2,}",
    "(ab){0,2}c",
    "a.c",
    "[abc]+",
    "[^ab]",
    "[a-c]{2}",
    r"\d+",
    r"\D",
    r"\w+\s",
    r"\S+$",
    r"\bab",
    r"ab\b",
    r"\Bb",
    r"\Aa",
    r"c\Z",
    "(?i)AB",
    "(?i)[A-B]c",
    "(?m)^b",
    "(?m)a$",
    "(?s)a.b",
    "a.b",
    "(?:a|ab)(c|bcd)",
    "(a+)+$",
    "(a|aa)*b",
    "^(a+)+$",
    ".*a.*b.*c",
    "a??b",
    "(?i:a)B",
    "x*",
    "[.]",
    r"\n",
    "a\\$",
]
ALPHABET = "abc \n_1.$AB"


def _strings(rng: random.Random) -> list[str]:
    out = ["", "a", "ab", "abc", "a\n", "b\na", "aaab", "\n", "ab\n", "AB", "a b"]
    for _ in range(150):
        out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 9))))
    return out


@pytest.mark.parametrize("pattern", PATTERNS)
def test_engine_agrees_with_re(pattern: str) -> None:
    rng = random.Random(pattern)
    compiled = Regex(pattern)
    for text in _strings(rng):
        expected = re.search(pattern, text) is not None
        assert compiled.search(text) == expected, (pattern, text)


def test_random_patterns_agree_with_re() -> None:
    rng = random.Random(7)
    atoms = ["a", "b", ".", "[ab]", "[^a]", r"\d", r"\w", "(a|b)", "(ab|a)", "^", "$", r"\b"]
    quantifiers = ["", "", "*", "+", "?", "{1,2}", "*?"]
    for _ in range(300):
        pattern = "".join(
            rng.choice(atoms) + rng.choice(quantifiers) for _ in range(rng.randint(1, 4))
        )
        try:
            re.compile(pattern)
        except re.error:
            continue
        compiled = Regex(pattern)
        for text in _strings(rng)[:60]:
            assert compiled.search(text) == (re.search(pattern, text) is not None), (
                pattern,
                text,
            )


def test_catastrophic_patterns_do_linear_work() -> None:
    """``^(a+)+$`` on 5,000 ``a`` and a ``!``: ``re`` would need ~2^5000 steps."""
    text = "a" * 5000 + "!"
    with budget(200_000):  # far below what backtracking would need
        assert not compile_regex("^(a+)+$").search(text)
        assert not compile_regex("(a|aa)*b").search(text)
        assert not compile_regex(".*.*.*.*=").search(text)


def test_budget_stops_state_explosion() -> None:
    rng = random.Random(1)
    pattern = "(a|b)*a(a|b){14}c"  # a DFA with 2^15 states
    texts = ["".join(rng.choice("ab") for _ in range(400)) for _ in range(50)]
    regex = Regex(pattern)

    def search_all() -> None:
        for text in texts:
            regex.search(text)

    with budget(50_000), pytest.raises(RegexError, match="too much work"):
        search_all()


@pytest.mark.parametrize(
    "pattern", [r"(a)\1", "(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "(a)(?(1)a|b)", "(?>a)", "a*+"]
)
def test_backtracking_features_are_refused(pattern: str) -> None:
    with pytest.raises(RegexError, match="not supported"):
        Regex(pattern)


def test_invalid_and_huge_patterns_are_refused() -> None:
    with pytest.raises(RegexError, match="invalid"):
        Regex("(")
    with pytest.raises(RegexError, match="too large"):
        Regex("(a{1000}){1000}")
