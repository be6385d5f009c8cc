"""Bytes to text: byte order marks, UTF-8, legacy encodings, binary refusal."""

from __future__ import annotations

import codecs
import random

import pytest

from desktop_app.core.errors import ImportRefused
from desktop_app.core.importers import import_bytes
from desktop_app.core.importers.decoding import decode_bytes

BINARY = "this looks like a binary file, not text."
UNDECODABLE = "the text could not be decoded (not UTF-8, UTF-16 or a known 8-bit encoding)."

MIXED = "Grüße “quoted” — 😀 👩‍👩‍👧 🇫🇷 𝐀 𠀀 مرحبا שלום"


def test_plain_utf8():
    assert decode_bytes("café 😀".encode(), "a.txt") == ("café 😀", "utf-8")


def test_ascii_is_reported_as_utf8():
    assert decode_bytes(b"hello", "a.txt") == ("hello", "utf-8")


def test_utf8_with_bom_drops_the_mark():
    text, encoding = decode_bytes(codecs.BOM_UTF8 + MIXED.encode(), "a.txt")
    assert encoding == "utf-8-sig"
    assert text == MIXED
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text, encoding = decode_bytes(bom + MIXED.encode(codec), "a.txt")
    assert encoding == "utf-16"
    assert text == MIXED


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_with_bom(codec):
    bom = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    text, encoding = decode_bytes(bom + MIXED.encode(codec), "a.txt")
    assert encoding == "utf-32"
    assert text == MIXED


def test_windows_1252_curly_quotes():
    text, encoding = decode_bytes(b"\x93quoted\x94 caf\xe9", "w.txt")
    assert text == "\u201cquoted\u201d café"
    assert encoding == "cp1252"


@pytest.mark.parametrize(
    "sample",
    [
        "Grüße aus München, schöne Straße – „Zitat“",
        "L’été dernier, à Paris, il a dit « bonjour » à François.",
        "¿Qué tal? Año nuevo, niño.",
        "As informações estão disponíveis em português.",
        "Þú ert ástæðan",
        "Price: 5€ … that’s all™",
    ],
)
def test_western_european_windows_1252(sample):
    assert decode_bytes(sample.encode("cp1252"), "w.txt") == (sample, "cp1252")


@pytest.mark.parametrize(
    ("sample", "codec"),
    [
        ("«Привет, мир!» Это тест кодировки.", "cp1251"),
        ("Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig.", "cp1250"),
        ("Καλημέρα κόσμε, αυτό είναι ένα κείμενο.", "cp1253"),
        ("Árvíztűrő tükörfúrógép. A magyar nyelv az uráli nyelvcsalád tagja.", "cp1250"),
        ("日本語のテキストです。これはテストです。", "shift_jis"),
    ],
)
def test_other_legacy_encodings_are_not_read_as_1252(sample, codec):
    text, encoding = decode_bytes(sample.encode(codec), "x.txt")
    assert text == sample
    assert encoding != "cp1252"


def test_windows_1252_document_imports_with_encoding_recorded():
    doc = import_bytes(b"He said \x93hello\x94 \x96 twice.\r\nNa\xefve caf\xe9.", name="old.txt")
    assert doc.text == "He said \u201chello\u201d \u2013 twice.\nNaïve café."
    assert doc.encoding == "cp1252"
    doc.check()


def test_nul_bytes_mean_binary():
    with pytest.raises(ImportRefused) as info:
        decode_bytes(b"some text\x00with a nul", "notes.bin")
    assert str(info.value) == f"notes.bin: {BINARY}"


def test_nul_bytes_refused_through_import_bytes():
    with pytest.raises(ImportRefused) as info:
        import_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="picture.txt")
    assert str(info.value) == f"picture.txt: {BINARY}"


def test_many_control_characters_mean_binary():
    data = bytes(range(1, 9)) * 20 + b"some words"
    with pytest.raises(ImportRefused) as info:
        decode_bytes(data, "ctl.txt")
    assert str(info.value) == f"ctl.txt: {BINARY}"


def test_a_few_control_characters_are_tolerated():
    text, _ = decode_bytes(b"a long enough line of ordinary text \x07 with a bell in it", "bell.txt")
    assert "\x07" in text  # decoding keeps it; canonicalize() removes it later


def test_control_heavy_utf16_is_binary():
    data = codecs.BOM_UTF16_LE + ("text" + "\x00\x01\x02\x03" * 50).encode("utf-16-le")
    with pytest.raises(ImportRefused) as info:
        decode_bytes(data, "u16.txt")
    assert str(info.value) == f"u16.txt: {BINARY}"


def test_truncated_utf16_is_undecodable():
    data = codecs.BOM_UTF16_LE + "hello".encode("utf-16-le") + b"\x41"
    with pytest.raises(ImportRefused) as info:
        decode_bytes(data, "odd.txt")
    assert str(info.value) == f"odd.txt: {UNDECODABLE}"


def test_utf16_without_bom_is_not_guessed():
    with pytest.raises(ImportRefused) as info:
        decode_bytes("hello world".encode("utf-16-le"), "nobom.txt")
    assert str(info.value) == f"nobom.txt: {BINARY}"


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("size", [64, 512, 4096, 65536])
def test_random_bytes_are_refused(seed, size):
    data = random.Random(seed).randbytes(size)
    with pytest.raises(ImportRefused) as info:
        import_bytes(data, name="noise.txt")
    assert str(info.value) in (f"noise.txt: {BINARY}", f"noise.txt: {UNDECODABLE}")


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_without_nul_are_refused(seed):
    rng = random.Random(seed)
    data = bytes(rng.randrange(1, 256) for _ in range(4096))
    with pytest.raises(ImportRefused) as info:
        import_bytes(data, name="noise.md")
    assert str(info.value) in (f"noise.md: {BINARY}", f"noise.md: {UNDECODABLE}")


@pytest.mark.parametrize("seed", range(6))
def test_invalid_utf8_in_no_known_encoding_is_undecodable(seed):
    # High bytes only: invalid UTF-8, no control characters, and no 8-bit
    # encoding makes language of them.
    rng = random.Random(seed)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(2048))
    with pytest.raises(ImportRefused) as info:
        import_bytes(data, name="weird.txt")
    assert str(info.value) == f"weird.txt: {UNDECODABLE}"


def test_html_meta_charset_is_honoured():
    body = "Привет, мир".encode("cp1251")
    data = b'<html><head><meta charset="windows-1251"></head><body><p>' + body + b"</p></body></html>"
    doc = import_bytes(data, name="ru.html")
    assert doc.encoding == "cp1251"
    assert doc.text == "Привет, мир"


def test_html_meta_latin1_label_means_windows_1252():
    data = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>\x93hi\x94</p>'
    doc = import_bytes(data, name="l1.html")
    assert doc.encoding == "cp1252"
    assert doc.text == "\u201chi\u201d"


def test_declared_charset_that_does_not_fit_is_ignored():
    data = '<meta charset="utf-7"><p>café +ADw-script+AD4-</p>'.encode("cp1252")
    doc = import_bytes(data, name="u7.html")
    assert doc.encoding == "cp1252"
    assert doc.text == "café +ADw-script+AD4-"
