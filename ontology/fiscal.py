"""Read the fiscal calendars of companies whose fiscal year is not the calendar year (fiscal_years.csv).

One row per company: its gazetteer id and the month and day its fiscal year ends (`06-30`). A fiscal
year is named by the calendar year it ends in. Companies not listed keep the calendar year.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

HERE = Path(__file__).resolve().parent
FISCAL_YEARS_PATH = HERE / "fiscal_years.csv"


def load_fiscal_years(path: Path = FISCAL_YEARS_PATH) -> dict[str, tuple[int, int]]:
    """Return {gazetteer id: (month, day) the fiscal year ends on} for the companies listed."""
    years: dict[str, tuple[int, int]] = {}
    if not path.exists():
        return years
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            month, _, day = (row.get("year_end") or "").strip().partition("-")
            if row.get("id", "").strip() and month.isdigit() and day.isdigit():
                years[row["id"].strip()] = (int(month), int(day))
    return years


@lru_cache(maxsize=1)
def fiscal_years() -> MappingProxyType[str, tuple[int, int]]:
    """The shipped fiscal calendars, read once (read-only)."""
    return MappingProxyType(load_fiscal_years())
