"""Bytes of an article file to text: BOMs, UTF-8, Windows-1252 for stray bytes, and refusal of binary data."""

from __future__ import annotations

import codecs
import re

from pipelines.errors import SkipArticle

__all__ = ["decode_bytes", "drop_control_references"]


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read a byte that is not UTF-8 as Windows-1252 (Latin-1 where 1252 has a hole)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    byte = exc.object[exc.start : exc.start + 1]
    try:
        return byte.decode("cp1252"), exc.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), exc.start + 1


# mixed files (UTF-8 with a pasted Latin-1 quote) decode byte by byte instead of turning into mojibake
codecs.register_error("cvkg-cp1252", _cp1252_fallback)

# magic numbers of formats people rename to .txt/.html by mistake
_MAGIC = {
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive or Office document",
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"\x1f\x8b": "gzip archive",
    b"\xd0\xcf\x11\xe0": "old Office document",
    b"\x7fELF": "executable",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# `&#7;`, `&#x1b`: numeric references (the `;` is optional in HTML), leading zeros apart; at most 7 digits
# are read, and a longer number is no code point XML forbids
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,7})(?![0-9a-fA-F])|0*([0-9]{1,7})(?![0-9]));?")
# code points XML 1.0 forbids (C0 controls but tab, line feed and carriage return; surrogates; U+FFFE, U+FFFF)
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL (UTF-16 text saved without a BOM), else None."""
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if odd and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> str:
    """Decode article bytes: BOMs first, then UTF-8 with Windows-1252 for the bytes that are not UTF-8.

    Raises:
        SkipArticle: the data is empty, binary (a known file format, NUL or control bytes) or undecodable.
    """
    if not data.strip():
        raise SkipArticle("empty file")
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise SkipArticle(f"binary data ({kind})")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="cvkg-cp1252")
    elif b"\x00" in data[:4096]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise SkipArticle("binary data (NUL bytes)")
        text = data.decode(encoding, errors="replace")
    else:
        text = data.decode("utf-8", errors="cvkg-cp1252")
    if not text.strip():
        raise SkipArticle("empty file")
    head = text[:4096]
    if len(_CONTROL.findall(head)) + 5 * head.count("\ufffd") > 0.05 * len(head):
        raise SkipArticle("binary data (control bytes)")
    return text


def _drop_forbidden(match: re.Match[str]) -> str:
    value = int(match.group(1), 16) if match.group(1) else int(match.group(2) or "0")
    return "" if value <= 0xFFFF and _FORBIDDEN.match(chr(value)) else match.group(0)


def drop_control_references(html: str) -> str:
    """`html` without character references to control characters and other code points XML forbids.

    lxml (libxml2 2.14) gives up on a page holding one (`&#7;`), and trafilatura then finds no
    text in it; a browser shows nothing for them either.
    """
    if "&#" not in html:
        return html
    return _NUMERIC_REFERENCE.sub(_drop_forbidden, html)
