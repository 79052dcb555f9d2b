"""Generate a corpus of news-style articles from the bundled samples, with varied names, numbers and dates.

    python benchmarks/corpus.py OUT_DIR --articles 2000 [--seed 7]

Each article is a sample with its companies renamed (so entities and events differ from article
to article), its figures scaled and its date moved; the text stays grammatical English, so
spaCy and the extractors do the same work as on real articles. The output is plain `.txt`
files with front matter, readable by `cvkg ingest`.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIRST = "Harbor North Copper Silver Granite Willow Falcon Summit Cedar Meridian Beacon Atlas Orion Juniper".split()
SECOND = "Retail Logistics Health Games Media Systems Analytics Foods Motors Bank Labs Networks Energy Software".split()
DIGESTS = 0.6
CUSTOMERS = ("Lyft", "Apple", "Anthropic", "Snap", "Pinterest", "Netflix", "ByteDance", "Red Hat")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        return {}, text
    meta = dict(line.split(":", 1) for line in match.group(1).splitlines() if ":" in line)
    return {k.strip(): v.strip().strip('"') for k, v in meta.items()}, text[match.end() :]


def _scale(match: re.Match[str], factor: float) -> str:
    value = float(match.group(1).replace(",", ""))
    return f"{value * factor:,.1f}".rstrip("0").rstrip(".")


def variant(text: str, rng: random.Random, index: int, extra: str = "") -> str:
    """One article: a sample with other customer names, other figures and another date.

    `extra` (another sample's body) is appended as a second story, as in a news digest.
    """
    meta, body = _front_matter(text)
    if extra:
        body = body.rstrip() + "\n\nIn other cloud news this week:\n\n" + _front_matter(extra)[1]
    for customer in CUSTOMERS:
        if customer in body:
            body = body.replace(customer, f"{rng.choice(FIRST)} {rng.choice(SECOND)} {index}")
    factor = rng.uniform(0.5, 2.0)
    body = re.sub(r"(?<=\$)(\d[\d,]*(?:\.\d+)?)", lambda m: _scale(m, factor), body)
    year = rng.randint(2012, 2025)
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    title = meta.get("title", "Cloud news").replace('"', "'")
    url = f"https://bench.example/{index}"
    return f'---\ntitle: "{title} ({index})"\ndate: {date}\nurl: {url}\npublisher: "Bench Wire"\n---\n{body}'


def generate(out: Path, articles: int, seed: int = 7) -> list[Path]:
    """Write `articles` generated articles into `out`; return their paths."""
    rng = random.Random(seed)
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(articles):
        path = out / f"article-{index:06d}.txt"
        # about six in ten articles are digests of two stories: ~490 words on average, ~1 M words per 2,000
        extra = samples[(index * 5 + 3) % len(samples)] if rng.random() < DIGESTS else ""
        path.write_text(variant(samples[index % len(samples)], rng, index, extra), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.out, args.articles, args.seed)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"wrote {len(paths)} articles, {words:,} words, to {args.out}")  # noqa: T201


if __name__ == "__main__":
    main()
