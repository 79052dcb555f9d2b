"""Pure normaliser for reporting periods: calendar and fiscal quarters, halves, years, months.

Periods are strings (spec/EVENTS.md): `2021`, `2021-Q1`, `2021-H1`, `2021-06`, and
`FY2024-Q2` / `FY2024` when the text names only a fiscal period. Relative
expressions ("the first quarter", "last quarter", "last year", "a year earlier")
are resolved against the article's date, or against a reference period.
"""

from __future__ import annotations

import datetime
import re

from pipelines.normalize import Found, remembered

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_ORD = "|".join(ORDINALS)
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # a quarter tied to the date it ended: "the fiscal first quarter ended on Sept. 30 last year",
    # "its third quarter of fiscal 2026, ended Oct. 31, 2025", "the second quarter ended June 30, 2015"
    (
        "fq-end",
        re.compile(
            rf"\b(?P<fiscal>fiscal\s+)?(?P<q>{_ORD})[- ]quarter(?:\s+of\s+(?:its\s+)?fiscal\s+(?:year\s+)?"
            rf"(?P<fy>{_YEAR}))?,?\s+(?:that\s+|which\s+)?(?:ended|ending)\s+(?:on\s+)?(?P<m>{_MON})\.?\s*"
            rf"(?P<d>\d{{1,2}})?(?:,?\s*(?P<y>{_YEAR})\b|\s+(?P<rel>last|this)\s+year\b)?",
            re.IGNORECASE,
        ),
    ),
    # fiscal quarter with year: "the fiscal fourth quarter of 2024", "fourth quarter of fiscal 2024", "Q4 FY24"
    (
        "fq",
        re.compile(
            rf"\b(?:the\s+)?(?:fiscal\s+)?(?P<q>{_ORD})[- ]quarter\s+(?:of\s+)?(?:its\s+)?fiscal\s+(?:year\s+)?"
            rf"(?P<y>{_YEAR})\b|\bfiscal\s+(?P<y2>{_YEAR})\s+(?P<q2>{_ORD})[- ]quarter\b"
            rf"|\bQ(?P<q3>[1-4])[- ]?FY[- ]?(?P<y3>\d{{2}}|{_YEAR})\b"
            rf"|\bFY[- ]?(?P<y4>\d{{2}}|{_YEAR})[- ]?Q(?P<q4>[1-4])\b"
            rf"|\bfiscal\s+(?P<q5>{_ORD})[- ]quarter\s+(?:of\s+)?(?P<y5>{_YEAR})\b",
            re.IGNORECASE,
        ),
    ),
    # fiscal quarter without a year: "its fiscal third quarter"
    ("fq-rel", re.compile(rf"\bfiscal\s+(?P<q>{_ORD})[- ]quarter\b", re.IGNORECASE)),
    # fiscal year: "fiscal 2024", "fiscal year 2023", "FY2024"
    (
        "fy",
        re.compile(
            rf"\bfiscal\s+(?:year\s+)?(?P<y>{_YEAR})\b|\bFY[- ]?(?P<y2>{_YEAR}|\d{{2}})\b(?![- ]?Q)"
            rf"|\b(?P<y3>{_YEAR})\s+fiscal\s+year\b",
            re.IGNORECASE,
        ),
    ),
    # calendar quarter with year: "the first quarter of 2021", "first-quarter 2021", "Q1 2021", "2021-Q1", "Q1'21"
    (
        "q",
        re.compile(
            rf"\b(?P<q>{_ORD})[- ]quarter\s+(?:of\s+|in\s+)?(?:calendar\s+)?(?:the\s+year\s+)?(?P<y>{_YEAR})\b"
            rf"|\bQ(?P<q2>[1-4])\s*(?:of\s+)?(?P<y2>{_YEAR})\b|\b(?P<y3>{_YEAR})[- ]?Q(?P<q3>[1-4])\b",
            re.IGNORECASE,
        ),
    ),
    # quarter of last year: "the first quarter of last year"
    ("q-last", re.compile(rf"\b(?P<q>{_ORD})[- ]quarter\s+of\s+(?:last|the\s+previous|the\s+prior)\s+year\b", re.I)),
    # month range: "the April-to-June period/quarter", "October-December quarter", "three months to June"
    (
        "range",
        re.compile(
            rf"\b(?P<m1>{_MON})(?:\s*[-\u2013\u2014]\s*(?:(?:to|through)[- ])?|\s+(?:to|through)\s+)(?P<m2>{_MON})\b"
            rf"(?:\s+(?:period|quarter)\b)?",
            re.I,
        ),
    ),
    (
        "qend",
        re.compile(
            rf"\b(?:quarter|three\s+months)\s+(?:ended|ending|to|through)\s+(?:the\s+end\s+of\s+)?(?P<m>{_MON})"
            rf"(?:\s+\d{{1,2}})?(?:,?\s*(?P<y>{_YEAR})\b|\s+(?P<rel>this|last)\s+year\b)?",
            re.IGNORECASE,
        ),
    ),
    # a quarter named by its last month: "the June quarter", "the December quarter"
    ("mq", re.compile(rf"\b(?P<m>{_MON})[- ]quarter\b", re.IGNORECASE)),
    # the period just discussed: "the same three months", "the same quarter"
    (
        "same",
        re.compile(
            r"\bthe\s+same\s+(?:three[- ]month\s+period|three\s+months|quarter|period)\b(?!\s+(?:a|last|of)\b)", re.I
        ),
    ),
    # halves: "the first half of 2021", "H1 2021", "the second half"
    (
        "h",
        re.compile(
            rf"\b(?P<h>first|second)\s+half\s+(?:of\s+)?(?:(?P<y>{_YEAR})|(?P<rel>this|last)\s+year|the\s+year)?"
            rf"|\bH(?P<h2>[12])\s*(?P<y2>{_YEAR})\b",
            re.IGNORECASE,
        ),
    ),
    # relative quarters: "last quarter", "the previous quarter", "the latest quarter", "the first quarter"
    (
        "q-prev",
        re.compile(r"\b(?:last|previous|prior|preceding)\s+(?:quarter|three[- ]month\s+period|three\s+months)\b", re.I),
    ),
    ("q-rel", re.compile(rf"\b(?P<q>{_ORD})[- ]quarter\b", re.IGNORECASE)),
    # a bare quarter label: "Q3 spending", "in Q3" (the latest such quarter before the article)
    ("q-bare", re.compile(r"\bQ(?P<q>[1-4])\b(?![-'\u2019 ]?(?:FY|\d))")),
    # months: "June 2022", "in June"
    ("m", re.compile(rf"\b(?P<m>{_MON})\.?\s+(?:\d{{1,2}},?\s+)?(?P<y>{_YEAR})\b", re.IGNORECASE)),
    # years: "in 2020", "for 2021", "full-year 2023", "last year", "this year", "a year earlier"
    (
        "y-ago",
        re.compile(
            r"\b(?:a\s+year\s+(?:earlier|ago|before)|the\s+year\s+before(?!\s+last)|year[- ]earlier|year[- ]ago"
            r"|the\s+same\s+(?:quarter|period)\s+(?:a|last)\s+year)\b",
            re.I,
        ),
    ),
    # the year a quarter just discussed belongs to: "for the fiscal year as a whole", "the full year"
    (
        "y-whole",
        re.compile(
            r"\b(?:full|whole|entire)\s+(?:fiscal\s+|financial\s+)?year\b(?!\s+(?:19|20)\d\d)"
            r"|\b(?:fiscal|financial)?\s*year\s+as\s+a\s+whole\b",
            re.IGNORECASE,
        ),
    ),
    ("y-rel", re.compile(r"\b(?P<rel>last|this|previous|prior)\s+year\b", re.IGNORECASE)),
    ("y", re.compile(rf"(?<![-/\d])\b(?P<y>{_YEAR})\b(?![-/]\d)")),
]


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _quarter_of(date: datetime.date) -> tuple[int, int]:
    return date.year, (date.month - 1) // 3 + 1


def _parse_date(article_date: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(article_date[:10])
    except (TypeError, ValueError):
        return None


def _latest_quarter(q: int, today: datetime.date) -> str:
    """The most recent calendar quarter `q` that ended on or before the article's date."""
    year = today.year
    end = datetime.date(year, 3 * q, 28)
    if end > today:
        year -= 1
    return f"{year}-Q{q}"


def _month_end_year(month: int, year: str, rel: str, today: datetime.date | None) -> int | None:
    """The calendar year of a month-end the text names: given, 'last year', or the latest before the article."""
    if year:
        return int(year)
    if today is None:
        return None
    if rel:
        return today.year - (1 if rel.lower() == "last" else 0)
    return today.year if month < today.month or (month == today.month and today.day >= 28) else today.year - 1


def _quarter_ended(g: dict[str, str | None], today: datetime.date | None) -> str:
    """A quarter with the date it ended: the calendar quarter when that date closes one, else the fiscal label."""
    q, month = ORDINALS[(g.get("q") or "").lower()], MONTHS[(g.get("m") or "").lower()]
    year = _month_end_year(month, g.get("y") or "", g.get("rel") or "", today)
    if month % 3 == 0:
        return f"{year}-Q{month // 3}" if year else ""
    if g.get("fy"):
        return f"FY{g['fy']}-Q{q}"
    if year is None:
        return ""
    # a fiscal year is named by the calendar year it ends in: 3*(4-q) months after this quarter's end
    return f"FY{year + (month + 3 * (4 - q) - 1) // 12}-Q{q}"


def fiscal_quarter_end(fiscal_year: int, quarter: int, year_end_month: int) -> tuple[int, int]:
    """(calendar year, month) in which quarter `quarter` of fiscal year `fiscal_year` ends."""
    month, year = year_end_month - 3 * (4 - quarter), fiscal_year
    while month <= 0:
        month, year = month + 12, year - 1
    return year, month


def calendar_quarter(period: str, year_end: tuple[int, int]) -> str:
    """The calendar quarter a fiscal quarter label covers, for a fiscal year ending on (month, day) `year_end`.

    'FY2024-Q2' of a year ending June 30 -> '2023-Q4'. '' when `period` is not a fiscal quarter or the
    company's quarters do not end with calendar quarters (a year ending January 31).
    """
    fiscal = re.fullmatch(r"FY(\d{4})-Q([1-4])", period)
    month, day = year_end
    if fiscal is None or month % 3 or day < 28:
        return ""
    year, end_month = fiscal_quarter_end(int(fiscal[1]), int(fiscal[2]), month)
    return f"{year}-Q{end_month // 3}"


def latest_fiscal_quarter(quarter: int, year_end_month: int, article_date: str) -> str:
    """`FY2024-Q3`: the latest fiscal quarter `quarter` that ended before the article date, '' without a date."""
    today = _parse_date(article_date)
    if today is None:
        return ""
    for fiscal_year in range(today.year + 1, today.year - 2, -1):
        year, month = fiscal_quarter_end(fiscal_year, quarter, year_end_month)
        if (year, month) < (today.year, today.month):
            return f"FY{fiscal_year}-Q{quarter}"
    return ""


_BARE_QUARTER = re.compile(rf"^(?:the\s+|its\s+|their\s+)?(?:(?:{_ORD})[- ]quarter|Q[1-4])$", re.IGNORECASE)
_FISCAL_NO_YEAR = re.compile(rf"^(?:the\s+|its\s+)?fiscal\s+(?:{_ORD})[- ]quarter$", re.IGNORECASE)


def fiscal_reading(text: str, period: str, article_date: str, year_end_month: int, *, tied: bool = False) -> str:
    """The label of a period a company with a non-calendar fiscal year reports (spec/GOLD.md clarifications).

    `text` is the period's wording, `period` what `find_periods` made of it. A bare "third quarter" of such a
    company is its fiscal quarter when that ended more recently than calendar Q3 (else the press means the
    calendar quarter: "Alibaba's first quarter" in May); a fiscal quarter takes its calendar label when the
    fiscal year ends with a calendar quarter and the article `tied` fiscal quarters to calendar dates, else the
    fiscal label.
    """
    if year_end_month == 12 or not period:
        return period
    words = " ".join(text.split())
    fiscal = re.fullmatch(r"FY(\d{4})-Q([1-4])", period)
    calendar = re.fullmatch(r"\d{4}-Q([1-4])", period)
    if fiscal and _FISCAL_NO_YEAR.match(words):
        period = latest_fiscal_quarter(int(fiscal.group(2)), year_end_month, article_date) or period
    elif calendar and _BARE_QUARTER.match(words):
        # "the third quarter" is the fiscal one when that ended after the calendar one (a report of the latest)
        quarter = int(calendar.group(1))
        latest = latest_fiscal_quarter(quarter, year_end_month, article_date)
        if latest and fiscal_quarter_end(int(latest[2:6]), quarter, year_end_month) > (int(period[:4]), 3 * quarter):
            period = latest
    fiscal = re.fullmatch(r"FY(\d{4})-Q([1-4])", period)
    if fiscal and tied and year_end_month % 3 == 0:
        year, month = fiscal_quarter_end(int(fiscal.group(1)), int(fiscal.group(2)), year_end_month)
        return f"{year}-Q{month // 3}"
    return period


def shift_year(period: str, years: int = -1) -> str:
    """The same period `years` years away: '2021-Q1' -> '2020-Q1', 'FY2024-Q2' -> 'FY2023-Q2'."""
    match = re.match(r"(FY)?(\d{4})(.*)", period)
    if not match:
        return period
    return f"{match.group(1) or ''}{int(match.group(2)) + years}{match.group(3)}"


def _resolve(kind: str, m: re.Match[str], today: datetime.date | None, reference: str) -> str:
    g = m.groupdict()
    if kind == "fq":
        q = ORDINALS.get((g.get("q") or g.get("q2") or g.get("q5") or "").lower()) or int(
            g.get("q3") or g.get("q4") or 0
        )
        year = g.get("y") or g.get("y2") or g.get("y3") or g.get("y4") or g.get("y5") or "0"
        return f"FY{_year(year)}-Q{q}"
    if kind == "fy":
        return f"FY{_year(g.get('y') or g.get('y2') or g.get('y3') or '0')}"
    if kind == "fq-end":
        return _quarter_ended(g, today)
    if kind == "q":
        q = ORDINALS.get((g.get("q") or "").lower()) or int(g.get("q2") or g.get("q3") or 0)
        return f"{g.get('y') or g.get('y2') or g.get('y3')}-Q{q}"
    if kind == "h":
        half = 1 if (g.get("h") or "").lower() == "first" or g.get("h2") == "1" else 2
        year = g.get("y") or g.get("y2")
        if year:
            return f"{year}-H{half}"
        if today is None:
            return ""
        return f"{today.year - (1 if (g.get('rel') or '').lower() == 'last' else 0)}-H{half}"
    if kind == "m":
        return f"{g['y']}-{MONTHS[g['m'].lower().rstrip('.')]:02d}"
    if kind == "y":
        return g["y"]
    if kind == "qend":
        q = (MONTHS[g["m"].lower()] - 1) // 3 + 1
        if g.get("y"):
            return f"{g['y']}-Q{q}"
        if g.get("rel") and today:  # "quarter ended March 31 this year", "three months to the end of March last year"
            return f"{today.year - (1 if g['rel'].lower() == 'last' else 0)}-Q{q}"
        return _latest_quarter(q, today) if today else ""
    if kind == "mq":
        q = (MONTHS[g["m"].lower()] - 1) // 3 + 1
        return _latest_quarter(q, today) if today else ""
    if kind == "same":
        return reference
    if kind == "y-whole":
        # FY2019-Q4 -> FY2019, 2019-Q4 -> 2019; with no quarter in view the year is not known
        fiscal = re.fullmatch(r"(FY\d{4})(?:-Q[1-4])?", reference)
        calendar = re.fullmatch(r"(\d{4})(?:-Q[1-4]|-H[12])?", reference)
        return fiscal.group(1) if fiscal else calendar.group(1) if calendar else ""
    if kind == "range":
        q = (MONTHS[g["m2"].lower()] - 1) // 3 + 1
        return _latest_quarter(q, today) if today else ""
    if today is None:
        return shift_year(reference) if kind == "y-ago" and reference else ""
    if kind == "fq-rel":
        # a fiscal year is named by the calendar year it ends in; early fiscal quarters reported
        # in the second half of a calendar year belong to the next fiscal year
        q = ORDINALS[g["q"].lower()]
        return f"FY{today.year + (1 if today.month >= 7 and q <= 2 else 0)}-Q{q}"
    if kind == "q-last":
        q = ORDINALS[g["q"].lower()]
        return f"{today.year - 1}-Q{q}"
    if kind == "q-prev":
        fiscal = re.fullmatch(r"FY(\d{4})-Q([1-4])", reference)
        if "last" not in m.group(0).lower() and fiscal:  # "down from 73% in the previous quarter" of a fiscal year
            year, q = int(fiscal.group(1)), int(fiscal.group(2))
            year, q = (year, q - 1) if q > 1 else (year - 1, 4)
            return f"FY{year}-Q{q}"
        if "last" not in m.group(0).lower() and re.fullmatch(r"\d{4}-Q[1-4]", reference):
            # "the previous three months" after a quarter was named: the quarter before that one
            year, q = int(reference[:4]), int(reference[-1])
        else:
            year, q = _quarter_of(today)
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
        return f"{year}-Q{q}"
    if kind == "q-rel":
        return _latest_quarter(ORDINALS[g["q"].lower()], today)
    if kind == "q-bare":
        return _latest_quarter(int(g["q"]), today)
    if kind == "y-rel":
        return str(today.year - (0 if g["rel"].lower() == "this" else 1))
    if kind == "y-ago":
        return shift_year(reference) if reference else str(today.year - 1)
    return ""


@remembered
def find_periods(text: str, article_date: str = "", *, reference: str = "") -> list[Found]:
    """Reporting periods in `text`, in order, resolved against the article date (ISO) or a reference period."""
    today = _parse_date(article_date)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            period = _resolve(kind, m, today, reference)
            taken.append((m.start(), m.end()))
            if period:
                found.append(Found(m.start(), m.end(), period))
    return sorted(found, key=lambda f: f.start)
