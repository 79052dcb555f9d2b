"""Which files are articles: folders walked for them, paths checked, articles counted ahead for the progress bar.

`pipelines.ingest.read_articles` reads what `iter_files` finds; `count_articles` estimates its total
without reading the articles.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipelines.config import MAX_BYTES
from pipelines.errors import InputError

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


def iter_files(root: Path) -> Iterator[Path]:
    """Article files below a folder, sorted, skipping hidden entries; symbolic links are followed once.

    Broken links and link loops with an article suffix are yielded too, so `pipelines.ingest.read_file`
    reports them; a linked folder already walked (a loop such as `sub/up -> ..`) is not walked again.
    """
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()

    def walk(folder: Path) -> Iterator[Path]:
        real = os.path.realpath(folder)
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            logger.warning("cannot list %s: %s", folder, exc.strerror or exc)
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # follows links; False for broken links and loops
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(path)
                continue
            if path.suffix.lower() not in SUFFIXES or path.stem.upper() in ("README", "LICENSE", "CHANGELOG"):
                continue
            real_file = os.path.realpath(path)
            if real_file not in seen_files:
                seen_files.add(real_file)
                yield path

    yield from walk(root)


def check_paths(paths: Iterable[str | Path]) -> None:
    """Raise `InputError` naming the first path that does not exist (`-`, stdin, always does).

    Raises:
        InputError: a path does not exist.
    """
    for item in map(str, paths):
        if item != "-" and not Path(item).exists() and not Path(item).is_symlink():
            raise InputError(f"no such file or folder: {item}")


def count_articles(paths: Iterable[str | Path], *, max_bytes: int = MAX_BYTES) -> int:
    """About how many articles `pipelines.ingest.read_articles` will yield: the progress total.

    One per file, one per JSONL line.
    """
    total = 0
    for item in (str(p) for p in paths):
        path = Path(item)
        files = iter_files(path) if item != "-" and path.is_dir() else iter([path])
        for file in files:
            total += 1
            if item != "-" and file.suffix.lower() in JSONL_SUFFIXES:
                try:
                    if file.stat().st_size <= max_bytes:
                        total += max(file.read_bytes().count(b"\n") - 1, 0)
                except OSError:
                    pass
    return total
