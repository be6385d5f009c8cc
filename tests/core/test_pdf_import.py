"""PDF import on real PDF files made in the test (tests/pdfsamples.py)."""

from __future__ import annotations

import pickle
from bisect import bisect_right

import pdfsamples
import pytest

from desktop_app.core.errors import ImportRefused, PasswordRequired
from desktop_app.core.importers import FORMATS, detect_format, import_bytes, import_file
from desktop_app.core.importers.pdf import parse_pdf, pdf_datetime
from desktop_app.core.importers.pdf_annotations import find_quote


def paragraphs(doc):
    return [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "paragraph"]


@pytest.mark.parametrize(
    "columns, across",
    [(1, False), (2, False), (2, True)],
    ids=["one column", "two columns", "two columns written across"],
)
def test_paragraphs_come_back_in_reading_order(columns, across):
    sample = pdfsamples.article(pages=3, columns=columns, across=across)
    assert any(line[4].endswith("-") for line in sample.lines), "the sample must hyphenate some words"
    doc = parse_pdf(sample.data, name="report.pdf")
    doc.check()
    # every paragraph whole, in order: columns read left then right, words
    # hyphenated at a line's end joined, the running header and the page
    # numbers left out
    assert paragraphs(doc) == sample.paragraphs
    assert "Annual Report" not in doc.text
    headings = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings == ["Findings of the Inquiry"]


def test_pages_metadata_and_original():
    sample = pdfsamples.article(pages=3, metadata={"author": "Jo Reporter", "title": "Inquiry report"})
    progress = []
    doc = parse_pdf(sample.data, name="dir/report.pdf", progress=lambda done, total: progress.append((done, total)))
    assert doc.source_format == "pdf"
    assert doc.metadata.title == "Inquiry report"
    assert doc.metadata.author == "Jo Reporter"
    assert doc.metadata.published == "2000-01-01"  # reportlab's invariant creation date
    assert doc.original.data == sample.data
    assert doc.original.media_type == "application/pdf"
    assert doc.original.file_name == "report.pdf"
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert len(doc.pages) == 3 and doc.pages[0] == 0 and doc.pages == sorted(doc.pages)
    # each page starts where its first line's text is
    for page in (1, 2):
        first = next(line[4] for line in sample.lines if line[0] == page)
        start = doc.pages[page]
        assert doc.text[start : start + 12] == first[:12].rstrip("-")[:12]
        assert bisect_right(doc.pages, start) == page + 1
    # the result crosses process boundaries (the import may run in a child)
    again = pickle.loads(pickle.dumps(doc))
    assert again.text == doc.text and again.pages == doc.pages


def test_dispatch_by_extension_and_by_content(tmp_path):
    sample = pdfsamples.article(pages=2)
    assert "pdf" in FORMATS
    assert detect_format("x.pdf", b"") == "pdf"
    assert detect_format("download", sample.data) == "pdf"
    path = tmp_path / "download"
    path.write_bytes(sample.data)
    doc = import_file(path)
    assert doc.source_format == "pdf"
    assert paragraphs(doc) == sample.paragraphs


def test_highlights_and_notes_are_offered_on_the_text():
    lines = [
        "The council approved the budget on Monday evening.",
        "Critics said the housing figures were misleading and",
        "incomplete, according to the regulator's statement.",
        "A second sentence follows here with other words.",
    ]
    data = pdfsamples.annotated(
        [
            {"line": 0, "words": (1, 3), "note": "Check the vote \U0001F5F3 count", "author": "Ann Reader",
             "date": "D:20261130101500+01'00'"},
            {"line": 1, "words": (3, 7), "to_line": 2, "to_words": 0, "kind": "Underline", "note": "disputed"},
            {"line": 3, "words": (2, 3), "kind": "StrikeOut"},
        ],
        lines=lines, note_at=3, note="Is this sourced?", author="Bo",
    )
    doc = parse_pdf(data, name="marked.pdf")
    offered = {o.kind: o for o in doc.offered}
    assert len(doc.offered) == 4
    hl = offered["highlight"]
    assert hl.quote == "council approved the" == doc.text[hl.start : hl.end]
    assert hl.note == "Check the vote \U0001F5F3 count"  # astral characters survive
    assert (hl.author, hl.created, hl.page) == ("Ann Reader", "2026-11-30T10:15:00+01:00", 1)
    under = offered["underline"]
    assert under.quote == "housing figures were misleading and incomplete,"  # across two lines
    assert offered["strikeout"].quote == "sentence follows"
    note = offered["comment"]
    assert note.quote == lines[3] and note.note == "Is this sourced?" and note.author == "Bo"


def test_quotes_match_across_hyphenation_and_spacing():
    text = "The international  committee met.\nIt agreed."
    assert find_quote(text, "inter- national committee") == (4, 28)
    assert find_quote(text, "met. It") == (29, 36)
    assert find_quote(text, "absent words") is None


def test_password(tmp_path):
    sample = pdfsamples.article(pages=2, password="s3cret")
    with pytest.raises(PasswordRequired) as missing:
        import_bytes(sample.data, name="locked.pdf")
    assert not missing.value.wrong
    assert str(missing.value) == "locked.pdf: the PDF is protected by a password; give its password to import it."
    with pytest.raises(PasswordRequired) as wrong:
        import_bytes(sample.data, name="locked.pdf", password="guess")
    assert wrong.value.wrong and "guess" not in str(wrong.value)
    assert isinstance(wrong.value, ImportRefused)
    back = pickle.loads(pickle.dumps(wrong.value))
    assert back.wrong and str(back) == str(wrong.value)
    doc = import_bytes(sample.data, name="locked.pdf", password="s3cret")
    assert paragraphs(doc) == sample.paragraphs


def test_a_scan_is_refused_with_advice():
    with pytest.raises(ImportRefused) as refused:
        import_bytes(pdfsamples.image_only(2), name="scan.pdf")
    message = str(refused.value)
    assert message.startswith("scan.pdf: the PDF has no text layer") and "OCR" in message
    assert message.count(".") == 2  # one sentence ("scan.pdf" has the other dot)


@pytest.mark.parametrize("data", [b"%PDF-1.7\n1 0 obj << /Type /Catalog", b"not a pdf at all"], ids=["cut", "foreign"])
def test_a_broken_pdf_is_one_sentence(data):
    with pytest.raises(ImportRefused) as refused:
        import_bytes(data, name="broken.pdf")
    assert str(refused.value) == "broken.pdf: the file is not a PDF, or it is damaged beyond reading."


def test_a_truncated_pdf_is_refused_or_read():
    data = pdfsamples.article(pages=2).data
    for cut in (len(data) // 3, len(data) // 2, len(data) - 200):
        try:
            doc = import_bytes(data[:cut], name="cut.pdf")
        except ImportRefused as exc:
            assert str(exc).startswith("cut.pdf: ")
        else:
            doc.check()


def test_pdf_dates():
    assert pdf_datetime("D:20261206140211+01'00'") == "2026-12-06T14:02:11+01:00"
    assert pdf_datetime("D:20261206140211Z") == "2026-12-06T14:02:11Z"
    assert pdf_datetime("D:20261206") == "2026-12-06"
    assert pdf_datetime("yesterday") == ""


def test_characters_outside_the_basic_plane():
    from desktop_app.core.pdf_pages import PdfPages

    data = pdfsamples.astral_text([b"the bold math A and a smile B in the text of this", b"line, with A again."])
    doc = parse_pdf(data, name="astral.pdf")
    doc.check()
    assert doc.text == "the bold math \U0001D400 and a smile \U0001F600 in the text of this line, with \U0001D400 again."
    # offsets are code points: one per astral character
    assert doc.text.index("\U0001F600") == 28 and doc.text[29:32] == " in"
    # the page view finds a passage with them on the page
    pages = PdfPages(data)
    try:
        (left, top, right, bottom), = pages.boxes(0, "smile \U0001F600 in")
        assert 0.1 < left < right < 0.9 and abs(top - (1 - 734 / 842)) < 0.03
        # it starts where "smile" does: the astral characters before it are counted right
        (word_left, _t, word_right, _b), = pages.boxes(0, "smile")
        assert abs(left - word_left) < 0.002 and word_right < right
    finally:
        pages.close()


def test_per_line_work_is_done_per_page(monkeypatch):
    """What keeps the import close to pdfium's own text extraction: the runs
    of a page are measured in one pdfium pass (not one per line), a page
    whose runs match its lines is neither regrouped nor split, and the lines
    of a page are checked for canonical text together (one check per page,
    not one per line). The text comes out the same."""
    from pypdfium2 import raw

    from desktop_app.core.importers import pdf

    sample = pdfsamples.article(pages=3, columns=2)
    expected = parse_pdf(sample.data, name="report.pdf")
    calls = {"rect passes": 0, "regrouped": 0, "split": 0, "cleaned": 0}

    def counting(name, original):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(raw, "FPDFText_CountRects", counting("rect passes", raw.FPDFText_CountRects))
    monkeypatch.setattr(pdf, "_rect_lines", counting("regrouped", pdf._rect_lines))
    monkeypatch.setattr(pdf, "_split_line", counting("split", pdf._split_line))
    monkeypatch.setattr(pdf, "clean_inline", counting("cleaned", pdf.clean_inline))
    doc = parse_pdf(sample.data, name="report.pdf")
    pages = len(doc.pages)
    lines = sum(1 for line in sample.lines)
    assert pages == 3 and lines > 60
    assert calls == {"rect passes": pages, "regrouped": 0, "split": 0, "cleaned": pages}, calls
    assert (doc.text, doc.blocks, doc.pages) == (expected.text, expected.blocks, expected.pages)


def test_lines_that_need_cleaning_are_cleaned_each(monkeypatch):
    """The check per page falls back to cleaning line by line when a page
    holds text that is not canonical (here a control character pdfium passed
    through): the text is the same as cleaning every line."""
    from desktop_app.core.importers import pdf
    from desktop_app.core.importers._common import clean_inline

    data = pdfsamples.astral_text([b"a line with a bell \x07 in it and more words to", b"fill the second line."])
    doc = parse_pdf(data, name="bell.pdf")
    doc.check()
    assert "\x07" not in doc.text and doc.text.startswith("a line with a bell")
    segs = [pdf.Segment("caf\u0065\u0301 and\x07 more", 10, 700, 300, 712, 11.0, 0),
            pdf.Segment("second line", 10, 686, 200, 698, 11.0, 0)]
    drafts, _ = pdf._paragraphs([segs])
    assert [d.text for d in drafts] == [clean_inline("caf\u0065\u0301 and\x07 more").strip() + " second line"]
    assert "\u00e9" in drafts[0].text


def _pinned_samples():
    lines = ["The council approved the budget on Monday evening.",
             "Critics said the housing figures were misleading and",
             "incomplete, according to the regulator's statement.", "A sec-", "ond line."]
    return {
        "bench, 100 pages": lambda: pdfsamples.article(pages=100, columns=2, seed=3).data,  # bench/run.py's
        "one column": lambda: pdfsamples.article(pages=3, columns=1).data,
        "two columns": lambda: pdfsamples.article(pages=3, columns=2).data,
        "written across": lambda: pdfsamples.article(pages=3, columns=2, across=True).data,
        "metadata": lambda: pdfsamples.article(pages=3, metadata={"author": "Jo Reporter", "title": "Inquiry report"}).data,
        "astral": lambda: pdfsamples.astral_text([b"the bold math A and a smile B in the text of this",
                                                  b"line, with A again."]),
        "bell": lambda: pdfsamples.astral_text([b"a line with a bell \x07 in it and more words to",
                                                b"fill the second line."]),
        "marked": lambda: pdfsamples.annotated(
            [{"line": 0, "words": (1, 3), "note": "n"},
             {"line": 1, "words": (3, 7), "to_line": 2, "to_words": 0, "kind": "Underline"}],
            lines=lines, note_at=3, note="x", author="Bo"),
    }


# sha256 of each part of the document read from each sample, recorded from
# the reader before its speed-ups (pypdfium2 4.x, reportlab's invariant
# output). A change to the reader's output shows here as the part that moved;
# a new pdfium or reportlab that changes them needs the output compared by
# hand before the digests are recorded again.
PINNED = {
    "bench, 100 pages": "text=4838e30e6a19 blocks=53f08c2a71dc spans=4f53cda18c2b pages=a3d6047c9b1c metadata=11643259a054 offered=4f53cda18c2b",
    "one column": "text=06b8ab465dda blocks=3589fccf91d7 spans=4f53cda18c2b pages=5d9b138da674 metadata=11643259a054 offered=4f53cda18c2b",
    "two columns": "text=29e5909936b9 blocks=7685025a8609 spans=4f53cda18c2b pages=644371781f65 metadata=11643259a054 offered=4f53cda18c2b",
    "written across": "text=29e5909936b9 blocks=7685025a8609 spans=4f53cda18c2b pages=644371781f65 metadata=11643259a054 offered=4f53cda18c2b",
    "metadata": "text=29e5909936b9 blocks=7685025a8609 spans=4f53cda18c2b pages=644371781f65 metadata=cfd8aec03019 offered=4f53cda18c2b",
    "astral": "text=d6478c7067d0 blocks=262650966998 spans=4f53cda18c2b pages=d0bca111f862 metadata=508dba049c9c offered=4f53cda18c2b",
    "bell": "text=018d683b44c8 blocks=181096e89e36 spans=4f53cda18c2b pages=d0bca111f862 metadata=508dba049c9c offered=4f53cda18c2b",
    "marked": "text=945d7b834d02 blocks=ea6b7fe7559d spans=4f53cda18c2b pages=d0bca111f862 metadata=4936c8cb1554 offered=a6d4e3b52dff",
}


def _digests(doc) -> str:
    import hashlib

    parts = {
        "text": doc.text,
        "blocks": repr(doc.blocks),
        "spans": repr(doc.spans),
        "pages": repr(doc.pages),
        "metadata": repr(doc.metadata),
        "offered": repr(sorted(repr(o) for o in doc.offered)),
    }
    return " ".join(f"{k}={hashlib.sha256(v.encode()).hexdigest()[:12]}" for k, v in parts.items())


@pytest.mark.parametrize("sample", list(PINNED))
def test_the_output_is_pinned(sample):
    """The reader's exact output (text, paragraphs and headings, page map,
    annotations) on the bench's PDF and the test PDFs: making the reader
    faster must not change what it reads."""
    doc = parse_pdf(_pinned_samples()[sample](), name="report.pdf")
    doc.check()
    assert _digests(doc) == PINNED[sample]


def test_the_usual_page_is_read_in_one_pass_and_reads_as_the_general_way(monkeypatch):
    """A page whose runs are one per line is read by the one-pass reader
    (the general path, which groups runs, is not reached), and that reader
    gives exactly the segments the general path gives, page by page,
    accented and astral text included."""
    import pypdfium2 as pdfium

    from desktop_app.core.importers import pdf

    data = pdfsamples.article(pages=3, columns=2, seed=11).data
    accented = pdfsamples.annotated([], lines=["Café déjà vu, naïve façade —", "the second line ends here."])
    astral = pdfsamples.astral_text([b"AB and A", b"B again"])  # pdfium counts UTF-16 units here
    general_calls = []
    real_rect_lines = pdf._rect_lines
    for blob in (data, accented, astral):
        doc = pdfium.PdfDocument(blob)
        try:
            for index in range(len(doc)):
                page = doc[index]
                textpage = page.get_textpage()
                try:
                    monkeypatch.setattr(pdf, "_rect_lines", lambda runs: general_calls.append(1) or real_rect_lines(runs))
                    fast = pdf._page_segments(textpage, index)
                    monkeypatch.undo()
                    monkeypatch.setattr(pdf, "_one_run_per_line", lambda *args: None)
                    general = pdf._page_segments(textpage, index)
                    monkeypatch.undo()
                finally:
                    textpage.close()
                    page.close()
                assert fast and fast == general
        finally:
            doc.close()
    assert general_calls == []  # every page here took the one-pass reader
