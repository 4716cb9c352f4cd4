"""The one "did you mean": the known word nearest by edit distance, when it is near enough to be a typo.

Edit distance (optimal string alignment: insertions, deletions, substitutions and swaps of neighbours, each 1)
rather than difflib's ratio, which rewards shared prefixes: ``3`` is not a typo of ``36``. A word may be off by one
edit per three characters, and never by as many edits as it has characters; case differences cost nothing, so
``Spot`` finds ``spot``. Numbers get no suggestion: ``3`` is no more a typo of ``32`` than of ``4``.
"""

from __future__ import annotations

from collections.abc import Iterable


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one substring)."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[len(b)]


def _allowed(word: str) -> int:
    return min(max(1, len(word) // 3), len(word) - 1)


def closest(word: str, candidates: Iterable[str], n: int = 1) -> list[str]:
    """Up to ``n`` candidates near ``word``, nearest first (ties in the candidates' sorted order)."""
    if not word or word.replace(".", "").replace("-", "").isdigit():
        return []
    folded = word.casefold().replace("_", "-")
    scored = []
    for candidate in sorted(set(candidates)):
        score = distance(folded, candidate.casefold().replace("_", "-"))
        if score <= _allowed(word):
            scored.append((score, candidate))
    return [candidate for _, candidate in sorted(scored)[:n]]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a candidate is near ``word``, else ``""``: append it to a problem."""
    found = closest(word, candidates)
    return f" (did you mean {found[0]!r}?)" if found else ""
