"""Time every regular expression of pipelines/ on adversarial text of n and 2n characters (issue 18).

    python benchmarks/regex_audit.py [--size 10000] [--model]

Each pattern runs over its whole input (`finditer`, as `sub` and `findall` do) on text made of one
fragment repeated: generic ones (`**a `, `<script `, `<`, spaces, digits, ...) and the words and
punctuation of the pattern itself. A linear pattern takes about twice as long on 2n characters;
the script prints each pattern whose worst fragment grows more than 8x from n to 4n (linear: 4x,
quadratic: 16x), with the fragment, and exits 1 when there is one. `--model` adds the REGEX tests
of the spaCy model's attribute ruler (`pipelines.components` runs them on single tokens).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GENERIC = [
    "**a ",
    "__a ",
    "** ",
    "<script ",
    "<style ",
    "<meta ",
    "<time ",
    "<div ",
    "<",
    "</",
    "a",
    "A",
    "A ",
    "A. ",
    " ",
    "\n",
    "\t",
    "1",
    "1,",
    "1.",
    "1 ",
    "-",
    "---\n",
    "&#",
    "&#1",
    'content="',
    "datetime='",
    "property='date' ",
    "Q1 ",
    "$1 ",
    "fiscal ",
    "first quarter ",
]


def patterns(*, model: bool) -> dict[str, re.Pattern[str]]:
    """Every compiled pattern of the pipelines modules that read text, by a readable name."""
    import pipelines.components
    import pipelines.decoding
    import pipelines.ingest
    import pipelines.language
    import pipelines.normalize
    import pipelines.periods

    found: dict[str, re.Pattern[str]] = {}
    for module in (
        pipelines.ingest,
        pipelines.decoding,
        pipelines.normalize,
        pipelines.periods,
        pipelines.components,
        pipelines.language,
    ):
        short = module.__name__.rsplit(".", 1)[-1]
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{short}.{name}"] = value
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], re.Pattern):
                        found[f"{short}.{name}[{item[0]}]"] = item[1]
    if model:
        from pipelines.nlp import build_nlp

        nlp = build_nlp("")
        ruler = nlp.get_pipe("cvkg_attributes")  # the model's attribute ruler, its patterns compiled
        rules = [*ruler.general, *(rule for group in ruler.by_key.values() for rule in group)]
        for _attr_id, alternative, index in rules:
            for spec in alternative:
                for _attr, kind, test in spec:
                    if kind == "REGEX":
                        found[f"attribute_ruler[{index}] {test.pattern}"] = test
    return found


def fragments(pattern: re.Pattern[str]) -> list[str]:
    """The generic fragments and the pattern's own words and punctuation runs, alone and spaced."""
    own = set(re.findall(r"[A-Za-z]{2,}", pattern.pattern))
    own |= {p for p in re.findall(r"[<>*_#&=\"'/:-]+", pattern.pattern) if len(p) <= 4}
    made = list(GENERIC)
    for word in sorted(own):
        made += [word, word + " ", "<" + word + " ", word + "="]
    return made


def _wrapped() -> dict[re.Pattern[str], object]:
    """Patterns pipelines/ runs only through a linear scan (pipelines.markup.tag_matches), with that scan."""
    from pipelines import ingest
    from pipelines.markup import tag_matches

    return {
        ingest._META_DATE: lambda text: tag_matches(ingest._META_DATE, ingest._META_OPEN, text, closed=True),
        ingest._TIME: lambda text: tag_matches(ingest._TIME, ingest._TIME_OPEN, text, closed=False),
    }


def seconds(pattern: re.Pattern[str], text: str) -> float:
    """Best of 3 runs of `pattern` over all of `text`, the way pipelines/ runs it."""
    scan = _wrapped().get(pattern, pattern.finditer)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _match in scan(text):  # type: ignore[operator]
            pass
        best = min(best, time.perf_counter() - started)
    return best


def _repeat(fragment: str, size: int) -> str:
    return (fragment * (size // len(fragment) + 1))[:size]


def _ratio(pattern: re.Pattern[str], fragment: str, size: int, factor: int) -> tuple[float, float]:
    return seconds(pattern, _repeat(fragment, size)), seconds(pattern, _repeat(fragment, factor * size))


def audit(size: int, *, model: bool) -> list[tuple[str, str, float, float]]:
    """(pattern name, worst fragment, seconds at n, seconds at 4n) for each super-linear pattern.

    A fragment that grows more than 3x from n to 2n is timed again at m and 4m, m from n doubled
    until the time reaches 10 ms (a shared machine is noisy): linear time grows 4x, quadratic 16x;
    over 8x counts.
    """
    slow = []
    for name, pattern in patterns(model=model).items():
        worst = ("", 0.0, 0.0, 0.0)
        for fragment in fragments(pattern):
            t1, t2 = _ratio(pattern, fragment, size, 2)
            if t2 < 1e-3 or t2 < 3 * t1:
                continue
            confirm = size
            while (t1 := seconds(pattern, _repeat(fragment, confirm))) < 0.01 and confirm < 256_000:
                confirm *= 2  # timer and scheduler noise weigh little from 10 ms on
            t4 = seconds(pattern, _repeat(fragment, 4 * confirm))
            if t4 > 8 * t1 and t4 / t1 > worst[1]:
                worst = (fragment, t4 / t1, t1, t4)
        if worst[0]:
            slow.append((name, worst[0], worst[2], worst[3]))
    return slow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="n, in characters")
    parser.add_argument("--model", action="store_true", help="also the model's attribute ruler patterns")
    args = parser.parse_args()
    slow = audit(args.size, model=args.model)
    for name, fragment, t1, t2 in slow:
        sys.stdout.write(f"{name}: {fragment!r} x n: {t1 * 1000:.1f} ms, x 4n: {t2 * 1000:.1f} ms ({t2 / t1:.1f}x)\n")
    sys.stdout.write(f"{len(slow)} super-linear pattern(s)\n")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
