"""Read the gazetteer of known entities and the descriptor lexicon (both CSV data files)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
GAZETTEER_PATH = HERE / "gazetteer.csv"
DESCRIPTORS_PATH = HERE / "descriptors.csv"

ENTITY_CLASSES = frozenset(
    {
        "CloudProvider",
        "Company",
        "Product",
        "MediaOutlet",
        "ResearchFirm",
        "GovernmentBody",
        "Person",
        "Place",
    }
)


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One known entity: its slug id, canonical label, class and links."""

    id: str
    label: str
    cls: str
    alt_labels: tuple[str, ...] = ()
    parent: str = ""
    wikidata: str = ""


def load_gazetteer(path: Path = GAZETTEER_PATH) -> dict[str, GazetteerEntry]:
    """Return the gazetteer as a dict from entity id to entry."""
    entries: dict[str, GazetteerEntry] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            alts = tuple(a.strip() for a in (row.get("alt_labels") or "").split("|") if a.strip())
            entry = GazetteerEntry(
                id=row["id"].strip(),
                label=row["label"].strip(),
                cls=row["class"].strip(),
                alt_labels=alts,
                parent=(row.get("parent") or "").strip(),
                wikidata=(row.get("wikidata") or "").strip(),
            )
            entries[entry.id] = entry
    return entries


def load_descriptors(path: Path = DESCRIPTORS_PATH) -> list[tuple[str, str, str]]:
    """Return (descriptor, entity id, required entity id or '') rows of the nickname lexicon."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            (
                row["descriptor"].strip().lower(),
                row["entity_id"].strip(),
                (row.get("requires") or "").strip(),
            )
            for row in csv.DictReader(handle)
        ]
