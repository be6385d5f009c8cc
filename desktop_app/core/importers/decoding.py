"""Bytes to text: byte order marks, UTF-8, then legacy 8-bit encodings.

The order of decisions:

1. A UTF-32 or UTF-16 byte order mark decides the encoding ("utf-32",
   "utf-16"); a UTF-8 mark gives "utf-8-sig".
2. Without such a mark, a NUL byte or a high share of control bytes means the
   file is binary and is refused.
3. Strict UTF-8 ("utf-8").
4. An encoding the file declares itself (HTML ``<meta charset>``), if it
   decodes the bytes cleanly.
5. Windows-1252, if the result reads like Western European text (the most
   common legacy encoding; detectors often mistake short samples of it),
   unless charset-normalizer recognises a language usually written in
   another 8-bit encoding (Hungarian, Turkish, …).
6. Otherwise charset-normalizer's best guess (Cyrillic, Greek, Central
   European, CJK, …). No guess: the file is refused. A guess of UTF-16 or
   UTF-32 without a byte order mark is not taken.

After decoding, a high share of control characters means binary: refused.
"""

from __future__ import annotations

import codecs
import re

from desktop_app.core.importers._common import refused

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Control characters that do not occur in text files (tab, newline, carriage
# return, vertical tab, form feed and escape do).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
BINARY_CONTROL_SHARE = 0.05

_BINARY = "this looks like a binary file, not text."
_UNDECODABLE = "the text could not be decoded (not UTF-8, UTF-16 or a known 8-bit encoding)."

# Windows-1252 decodings that read like Western European text: accented
# letters are a minority of letters, and none of these symbols sits between
# two letters (where they appear when Central European text is misread).
_LETTER = r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e]"
_ODD_IN_WORD = re.compile(_LETTER + "[\u00a1-\u00b3\u00b5\u00b6\u00b8-\u00bf\u00d7\u00f7\u02c6\u02dc\u2020\u2021\u2030\u2039\u203a]" + _LETTER)
_ASCII_LETTERS = bytes(range(0x41, 0x5B)) + bytes(range(0x61, 0x7B))
_CP1252_LETTER_BYTES = bytes([0x8A, 0x8C, 0x8E, 0x9A, 0x9C, 0x9E, 0x9F, *range(0xC0, 0x100)])
WESTERN_ACCENT_SHARE = 0.5
_NOT_1252_LANGUAGES = frozenset(
    "Hungarian Polish Czech Slovak Romanian Croatian Slovene Serbian Bosnian Turkish Azerbaijani Lithuanian "
    "Latvian Estonian Vietnamese".split()
)

# Encodings a file may not choose for itself with a <meta charset>.
_NOT_DECLARABLE = ("utf-16", "utf-32", "utf-7", "punycode", "idna", "undefined", "mbcs", "oem")

# Encodings that charset-normalizer may propose but that are not taken
# without a byte order mark.
_NEEDS_BOM = ("utf_16", "utf_32", "utf-16", "utf-32")


def control_share(text: str) -> float:
    if not text:
        return 0.0
    _, n = _CONTROL_CHARS.subn("", text)
    return n / len(text)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes (for data without a UTF-16/32 mark)."""
    if not data:
        return False
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls / len(data) > BINARY_CONTROL_SHARE


def _western(data: bytes, text: str) -> bool:
    accented = len(data) - len(data.translate(None, _CP1252_LETTER_BYTES)) - data.count(0xD7) - data.count(0xF7)
    letters = accented + len(data) - len(data.translate(None, _ASCII_LETTERS))
    if letters == 0:
        return True  # only punctuation and symbols outside ASCII, e.g. “quotes” — common in 1252
    if accented / letters > WESTERN_ACCENT_SHARE:
        return False
    return _ODD_IN_WORD.search(text) is None


def _codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _legacy(data: bytes, declared: str | None) -> tuple[str, str] | None:
    if declared:
        try:
            info = codecs.lookup(declared)
        except LookupError:
            info = None
        if info is not None and not info.name.startswith(_NOT_DECLARABLE) and "escape" not in info.name:
            # As browsers do, a "Latin-1" label means Windows-1252.
            name = "cp1252" if info.name in ("latin-1", "iso8859-1", "ascii") else info.name
            try:
                return data.decode(name), name
            except (UnicodeError, LookupError, ValueError):
                pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    western = text is not None and _western(data, text)

    import charset_normalizer  # imported late: it is slow to load and rarely needed

    best = charset_normalizer.from_bytes(data).best()
    guess = _guess(data, best)
    if western:
        # Windows-1252 unless the detector recognised a language usually
        # written in another 8-bit encoding (ő, ş, ğ, … read as õ, º, ð).
        if guess is not None and guess[0] != text and best.language in _NOT_1252_LANGUAGES:
            return guess
        return text, "cp1252"
    if guess is not None and guess[0] == text:
        return text, "cp1252"
    return guess


def _guess(data: bytes, best) -> tuple[str, str] | None:
    if best is None:
        return None
    encoding = _codec_name(best.encoding)
    if encoding.replace("-", "_").startswith(_NEEDS_BOM):
        return None
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, name: str = "", *, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return the text and the name of the encoding used.

    ``declared`` is an encoding the file names for itself (tried after UTF-8).
    Raises ImportRefused (naming ``name``) for binary or undecodable data.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise refused(name, _UNDECODABLE) from None
            if control_share(text) > BINARY_CONTROL_SHARE:
                raise refused(name, _BINARY)
            return text, encoding
    if looks_binary(data):
        raise refused(name, _BINARY)
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        found = _legacy(data, declared)
        if found is None:
            raise refused(name, _UNDECODABLE) from None
        text, encoding = found
    if control_share(text) > BINARY_CONTROL_SHARE:
        raise refused(name, _BINARY)
    return text, encoding
