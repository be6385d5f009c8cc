"""Sources as read in the window: the provenance line of a pane, the Page
column and the claim editor's page, File > Save original…, and the highlights
of an imported file offered as claims in one undo step."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from window_support import db_file, isolated_qsettings, modals, window  # noqa: F401 - fixtures

from desktop_app.core.document import (
    Block,
    Metadata,
    OfferedClaim,
    SourceFile,
    StructuredDocument,
    canonicalize,
)
from desktop_app.qt.claims_model import ClaimsModel

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n\x00\xff trailer\n%%EOF\n"
PAGES = [
    "Annual report 2026 🦜",
    "The board met 12 times. Revenue rose by 14% to €3.2bn, the chair said, while costs 𝔘 fell.",
    "Headcount grew to 5,400 people.",
    "Risks: the regulator's inquiry into pricing continues and may lead to a fine.",
    "Outlook: the company expects growth of 8 to 10% next year.",
]


def printed_pdf() -> bytes:
    """A real PDF of the document, three pages, drawn as a report is printed
    (so that the page view has pages to show; Helvetica has no emoji)."""
    import io

    from reportlab.pdfgen import canvas

    text = canonicalize("\n".join(PAGES))
    one, two = text.index("the chair said"), text.index("Risks:")
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(595, 842))
    for chunk in (text[:one], text[one:two], text[two:]):
        y = 780
        for line in chunk.replace(" 🦜", "").replace(" 𝔘", "").split("\n"):
            while line:
                pdf.drawString(60, y, line[:80])
                line, y = line[80:], y - 18
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def paged_document(data: bytes = PDF) -> StructuredDocument:
    """Five paragraphs over three pages; page 2 starts inside the second
    paragraph, as a PDF page break falls mid-sentence."""
    text = canonicalize("\n".join(PAGES))
    blocks, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        blocks.append(Block("heading" if i == 0 else "paragraph", pos, pos + len(line), level=1 if i == 0 else 0))
        pos += len(line) + 1
    doc = StructuredDocument(
        text=text, blocks=blocks, metadata=Metadata(title="Annual report 2026 🦜", author="The Board"),
        source_format="pdf", sha256=hashlib.sha256(data).hexdigest(),
        pages=[0, text.index("the chair said"), text.index("Risks:")],
        original=SourceFile(data, "application/pdf", "annual report 🦜.pdf", "", "2026-12-06T14:02:11Z"),
    )
    doc.check()
    return doc


def add_paged(window, data: bytes = PDF):
    row = window.store.add_document(paged_document(data))
    window.events.documentsChanged.emit()
    return row


def claim_on(window, doc_id: int, quote: str, tags=()):
    text = window.store.document_text(doc_id)
    start = text.index(quote)
    claim = window.store.add_claim(doc_id, start, start + len(quote), tags)
    window.events.claimAdded.emit(claim)
    return claim


def local(when: datetime) -> str:
    t = when.astimezone()
    return f"{t.day} {t:%b %Y %H:%M}"


def test_the_pane_says_where_and_when_the_source_was_read(window, qtbot):
    row = add_paged(window)
    pane = window.open_document(row.id)
    qtbot.waitUntil(lambda: pane.view.document_id == row.id)
    expected = f"Imported from annual report 🦜.pdf on {local(datetime(2026, 12, 6, 14, 2, 11, tzinfo=timezone.utc))}"
    assert pane.provenance.full_text() == expected and pane.provenance.isVisible()
    assert pane.provenance.toolTip() == expected

    page = StructuredDocument(text="Said today 🎬", blocks=[Block("paragraph", 0, 12)], source_format="web",
                              original=SourceFile(b"<p>Said today</p>", "text/html", "",
                                                  "https://example.org/news/1", "2026-12-06T14:02:00+00:00"))
    web = window.store.add_document(page)
    window.events.documentsChanged.emit()
    window.open_document(web.id, pane)
    assert pane.provenance.full_text() == (
        f"Retrieved {local(datetime(2026, 12, 6, 14, 2, tzinfo=timezone.utc))} from https://example.org/news/1")

    # a document whose source was not kept (made here: the sample articles were read from files)
    plain = window.store.add_document(StructuredDocument(text="Typed in.", blocks=[Block("paragraph", 0, 9)]))
    window.events.documentsChanged.emit()
    window.open_document(plain.id, pane)
    assert pane.provenance.full_text() == "" and not pane.provenance.isVisible()


def test_claims_table_and_editor_show_the_page(window, qtbot, qtmodeltester):
    row = add_paged(window)
    window.open_document(row.id)
    one = claim_on(window, row.id, "The board met 12 times")
    across = claim_on(window, row.id, "costs 𝔘 fell.\nHeadcount grew")
    last = claim_on(window, row.id, "growth of 8 to 10%")
    model = window.claims_model
    assert model.HEADERS[ClaimsModel.PAGE] == "Page"
    pages = {model.claim(r).id: model.index(r, ClaimsModel.PAGE).data() for r in range(model.rowCount())}
    assert (pages[one.id], pages[across.id], pages[last.id]) == ("1", "2", "3")
    spanning = claim_on(window, row.id, "rose by 14% to €3.2bn, the chair said")
    assert model.index(model.row_of(spanning.id), ClaimsModel.PAGE).data() == "1\u20132"
    # sorting by page: within a document, by place
    sort = [model.index(model.row_of(c.id), ClaimsModel.PAGE).data(Qt.ItemDataRole.UserRole + 1)
            for c in (one, spanning, across, last)]
    assert sort == sorted(sort)
    qtmodeltester.check(model)

    window.annotator.select_claim(spanning.id)
    qtbot.waitUntil(lambda: window.editor.claim is not None and window.editor.claim.id == spanning.id)
    assert window.editor.source.text() == "Annual report 2026 🦜 · pages 1\u20132"
    window.annotator.select_claim(last.id)
    qtbot.waitUntil(lambda: window.editor.claim.id == last.id)
    assert window.editor.source.text() == "Annual report 2026 🦜 · page 3"


def _file_menu(window):
    return next(m.menu() for m in window.menuBar().actions() if m.text() == "&File")


def test_save_original_writes_the_exact_bytes(window, qtbot, tmp_path, modals, monkeypatch):
    action = window.menu_actions["save_original"]
    plain = window.store.add_document(StructuredDocument(text="Typed in.", blocks=[Block("paragraph", 0, 9)]))
    window.events.documentsChanged.emit()
    window.open_document(plain.id)
    _file_menu(window).aboutToShow.emit()
    assert not action.isEnabled()  # nothing kept for this one

    row = add_paged(window)
    window.open_document(row.id)
    _file_menu(window).aboutToShow.emit()
    assert action.isEnabled()
    asked = []
    target = tmp_path / "saved" / "copy.pdf"
    target.parent.mkdir()

    def save_dialog(parent, title, start, *args):
        asked.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    action.trigger()
    assert Path(asked[0]).name == "annual report 🦜.pdf"  # the name it was imported from
    assert target.read_bytes() == PDF
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.pdf"]
    assert "Saved the original" in window.statusBar().currentMessage()

    # a folder that cannot be written: one sentence, no file
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "missing" / "x.pdf"), ""))
    action.trigger()
    assert modals.texts("warn") == [f"The folder {tmp_path / 'missing'} does not exist."]
    assert not (tmp_path / "missing").exists()


def test_highlights_of_an_imported_file_become_claims_in_one_undo_step(window, qtbot, tmp_path, modals, monkeypatch):
    from desktop_app.core import importers

    real = importers.import_file

    def with_highlights(path, **kwargs):  # a file that carries its readers' highlights
        doc = real(path, **kwargs)
        text = doc.text
        doc.offered = [
            OfferedClaim(text.index("Revenue"), text.index("Revenue") + 7, "Revenue", note="check 🔎", author="Zoé"),
            OfferedClaim(text.index("fine"), text.index("fine") + 4, "fine", kind="underline"),
            OfferedClaim(0, 3, "not there at all"),
        ]
        return doc

    monkeypatch.setattr(importers, "import_file", with_highlights)
    src = tmp_path / "report.md"
    src.write_text("\n\n".join(PAGES), encoding="utf-8")
    tags_before = {t.name for t in window.store.list_tags()}
    claims_before = window.store.count_claims()
    with qtbot.waitSignal(window.importFinished, timeout=15000):
        assert window.annotator.import_files([src])
    qtbot.waitUntil(lambda: getattr(window, "highlights_dialog", None) is not None)
    dialog = window.highlights_dialog
    qtbot.waitExposed(dialog)
    out = Path(os.environ.get("MARGINALIA_SCREENSHOT_DIR") or tmp_path)
    assert dialog.grab().save(str(out / "highlights-dialog.png"))
    assert dialog.list.count() == 3
    assert dialog.summary.text() == "Import 3 highlights as claims tagged" and dialog.tag_name() == "imported"
    dialog.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.summary.text() == "Import 2 highlights as claims tagged"
    steps = window.undo_stack.count()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: window.highlights_dialog is None)
    assert window.undo_stack.count() == steps + 1
    made = [c for c in window.store.list_claims() if c.quote == "Revenue"]
    assert len(made) == 1 and made[0].note == "check 🔎" and made[0].annotator == "Zoé"
    imported = next(t for t in window.store.list_tags() if t.name == "imported")
    assert made[0].tag_ids == (imported.id,)
    assert window.store.count_claims() == claims_before + 1  # the third was not found in the text
    assert "1 highlight became a claim tagged imported. 1 could not be found" in window.statusBar().currentMessage()
    assert window.claims_model.row_of(made[0].id) is not None

    window.undo_stack.undo()  # one step: the claims and the tag it made
    assert window.store.count_claims() == claims_before
    assert {t.name for t in window.store.list_tags()} == tags_before
    assert window.claims_model.row_of(made[0].id) is None
    window.undo_stack.redo()
    assert window.store.get_claim(made[0].id).tag_ids != ()
    assert "imported" in {t.name for t in window.store.list_tags()}
    assert window.claims_model.row_of(made[0].id) is not None
    assert modals.messages == []


def test_skipping_the_highlights_makes_no_claims(window, qtbot, tmp_path, monkeypatch):
    from desktop_app.core import importers

    real = importers.import_file

    def with_highlights(path, **kwargs):
        doc = real(path, **kwargs)
        doc.offered = [OfferedClaim(0, 6, doc.text[:6])]
        return doc

    monkeypatch.setattr(importers, "import_file", with_highlights)
    src = tmp_path / "a.md"
    src.write_text("Annual figures 🦜 are out.", encoding="utf-8")
    before = window.store.count_claims()
    with qtbot.waitSignal(window.importFinished, timeout=15000):
        assert window.annotator.import_files([src])
    qtbot.waitUntil(lambda: getattr(window, "highlights_dialog", None) is not None)
    steps = window.undo_stack.count()
    window.highlights_dialog.skip_button.click()
    qtbot.waitUntil(lambda: window.highlights_dialog is None)
    assert window.store.count_claims() == before and window.undo_stack.count() == steps
    # the imported file keeps its bytes
    doc_id = window.store.list_documents()[-1].id
    assert window.store.document_source(doc_id).data == src.read_bytes()


def test_screenshot_of_a_paged_document(window, qtbot, tmp_path):
    """The window with a paged document: the provenance line over the text, the
    Page column in the claims table, the page in the claim editor. Saved under
    tmp_path (MARGINALIA_SCREENSHOT_DIR copies it elsewhere, to look at)."""
    row = add_paged(window, printed_pdf())
    pane = window.open_document(row.id)
    strikes = next(t.id for t in window.store.list_tags() if t.name == "salaries")
    claim_on(window, row.id, "rose by 14% to €3.2bn, the chair said", [strikes])
    last = claim_on(window, row.id, "growth of 8 to 10%", [strikes])
    window.annotator.select_claim(last.id)
    qtbot.waitUntil(lambda: window.editor.claim is not None)
    out = Path(os.environ.get("MARGINALIA_SCREENSHOT_DIR") or tmp_path)
    for size in ((1500, 950), (1024, 700)):
        if size[0] < 1200:  # the page view beside the editor needs more room than that: closed, as a user would
            window.page_view.dock.close()
            qtbot.waitUntil(lambda: window.minimumSizeHint().width() <= size[0])
        else:
            qtbot.waitUntil(lambda: window.page_view.dock.isVisible())

        def resized() -> bool:  # asked again until the layout lets the window be that small
            window.resize(*size)
            return window.width() == size[0]

        qtbot.waitUntil(resized)
        qtbot.wait(50)  # let the layout settle before grabbing (a picture, not a condition)
        image = window.grab().toImage()
        path = out / f"paged-{size[0]}x{size[1]}.png"
        assert image.save(str(path))
        assert pane.provenance.isVisible() and pane.provenance.width() > 100
        assert pane.provenance.text().startswith("Imported from")
