"""The "Claims across sources" matrix flags groups of linked claims whose
figures differ once normalised ($900,000 vs $650,000), as the claim editor
and `marginalia links` do; figures written differently but equal ($900K vs
$900,000) are not flagged."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from window_support import db_file, isolated_qsettings, make_window, modals  # noqa: F401 - fixtures

from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines, canonicalize
from desktop_app.core.store import Store
from desktop_app.core.matrix import FIGURE_WARNING
from desktop_app.core.matrix import build_groups
from desktop_app.qt.matrix_view import FIGURES_DIFFER_BACKGROUND
from desktop_app.qt.roles import FiguresDifferRole

FIRST = ("The agency paid the consultant $900,000 for the report. "
         "Its director earned $900K a year, the filings show.")
SECOND = ("According to the ministry, the consultant received $650,000 for the report. "
          "The director's salary was $900,000 per year.")


def make_doc(text: str, title: str) -> StructuredDocument:
    import hashlib

    text = canonicalize(text)
    return StructuredDocument(text=text, blocks=blocks_for_lines(text), metadata=Metadata(title=title),
                              source_format="text", encoding="utf-8",
                              sha256=hashlib.sha256(text.encode()).hexdigest())


def claim_on(store, doc_id: int, text: str, quote: str) -> int:
    start = text.index(quote)
    return store.add_claim(doc_id, start, start + len(quote)).id


@pytest.fixture
def linked(db_file):
    """Two documents; a "same" link whose figures differ and a "corroborates"
    link whose figures agree. Returns (doc ids, {name: link's claim ids})."""
    with Store.open(db_file, seed=False) as store:
        a = store.add_document(make_doc(FIRST, "Agency filings")).id
        b = store.add_document(make_doc(SECOND, "Ministry statement")).id
        fee_a = claim_on(store, a, FIRST, "The agency paid the consultant $900,000 for the report.")
        fee_b = claim_on(store, b, SECOND, "the consultant received $650,000 for the report.")
        pay_a = claim_on(store, a, FIRST, "Its director earned $900K a year")
        pay_b = claim_on(store, b, SECOND, "The director's salary was $900,000 per year.")
        store.add_link(fee_a, fee_b, "same")
        store.add_link(pay_b, pay_a, "corroborates")
    return (a, b), {"fee": (fee_a, fee_b), "pay": (pay_a, pay_b)}


def test_matrix_marks_only_the_group_whose_figures_differ(qtbot, db_file, linked, modals, isolated_qsettings,
                                                         qtmodeltester, monkeypatch, tmp_path):
    (doc_a, doc_b), claims = linked
    window = make_window(qtbot, db_file)
    try:
        matrix = window.links.show_matrix()
        qtbot.waitExposed(matrix)
        model = matrix.model
        qtmodeltester.check(model)
        assert model.rowCount() == 2 and model.columnCount() == 2
        rows = {model.groups[r].claim_ids: r for r in range(model.rowCount())}
        fee, pay = rows[tuple(sorted(claims["fee"]))], rows[tuple(sorted(claims["pay"]))]
        columns = {doc_id: n for n, (doc_id, _title) in enumerate(model.documents)}
        vertical = Qt.Orientation.Vertical

        # The disagreeing row: a mark in its header, the figures in its tooltip and role.
        assert model.headerData(fee, vertical).startswith(f"{FIGURE_WARNING} ")
        tip = model.headerData(fee, vertical, Qt.ItemDataRole.ToolTipRole)
        assert "$900,000 vs $650,000" in tip
        assert model.headerData(fee, vertical, FiguresDifferRole) == ["$900,000 vs $650,000"]
        # ... and its cells, each naming its own figure, on an amber background.
        cell_a, cell_b = model.index(fee, columns[doc_a]), model.index(fee, columns[doc_b])
        assert cell_a.data(FiguresDifferRole) == ["$900,000"]
        assert cell_b.data(FiguresDifferRole) == ["$650,000"]
        for cell in (cell_a, cell_b):
            assert cell.data(Qt.ItemDataRole.BackgroundRole) == QColor(FIGURES_DIFFER_BACKGROUND)
            assert cell.data().startswith(FIGURE_WARNING)
            assert "figures differ" in cell.data(Qt.ItemDataRole.ToolTipRole)
        assert cell_a.data() == cell_b.data() == f"{FIGURE_WARNING} said"

        # The agreeing row ($900K and $900,000) carries no mark at all.
        assert not model.headerData(pay, vertical).startswith(FIGURE_WARNING)
        assert model.headerData(pay, vertical, FiguresDifferRole) == []
        assert FIGURE_WARNING not in model.headerData(pay, vertical, Qt.ItemDataRole.ToolTipRole)
        for doc_id in (doc_a, doc_b):
            cell = model.index(pay, columns[doc_id])
            assert cell.data(FiguresDifferRole) == []
            assert cell.data(Qt.ItemDataRole.BackgroundRole) is None
            assert cell.data() in ("said", "corroborates")

        # A look at it (checked by eye while writing this test).
        matrix.grab().save(str(tmp_path / "matrix_figures.png"))

        # A contradiction is expected to disagree: making the link one clears
        # the mark, and undo brings it back (the matrix follows).
        fee_link = next(k.id for k in window.store.list_links() if k.relation == "same")
        monkeypatch.setattr(window.links, "ask_link_change", lambda link: ("contradicts", ""))
        assert window.links.edit_link(fee_link)
        qtmodeltester.check(model)
        assert all(model.headerData(r, vertical, FiguresDifferRole) == [] for r in range(model.rowCount()))
        assert all(model.index(r, c).data(Qt.ItemDataRole.BackgroundRole) is None
                   for r in range(model.rowCount()) for c in range(model.columnCount()))
        window.undo_stack.undo()
        marked = [r for r in range(model.rowCount()) if model.headerData(r, vertical, FiguresDifferRole)]
        assert [model.groups[r].claim_ids for r in marked] == [tuple(sorted(claims["fee"]))]
        matrix.close()
    finally:
        window.close()


class _Link:
    def __init__(self, source_id, target_id, relation):
        self.source_id, self.target_id, self.relation = source_id, target_id, relation


class _Claim:
    def __init__(self, claim_id, document_id, quote):
        self.id, self.document_id, self.start, self.quote = claim_id, document_id, 0, quote


def test_a_contradiction_is_expected_to_disagree():
    claims = {1: _Claim(1, 10, "It cost $900,000."), 2: _Claim(2, 20, "It cost $650,000."),
              3: _Claim(3, 30, "It cost $0.9 million."), 4: _Claim(4, 40, "It cost 900 thousand dollars.")}
    contradicted, agreeing = build_groups([_Link(2, 1, "contradicts"), _Link(3, 4, "same")], claims)
    assert contradicted.differences == () and contradicted.differing == {}
    assert agreeing.differences == () and agreeing.differing == {}
    # In a group of three, only the ends of the disagreeing link are marked.
    claims[5] = _Claim(5, 50, "It cost $650K.")
    (group,) = build_groups([_Link(1, 3, "same"), _Link(5, 1, "corroborates")], claims)
    assert group.differences == ("$650K vs $900,000",)
    assert group.differing == {50: ("$650K",), 10: ("$900,000",)}


def test_matrix_headers_end_in_an_ellipsis_with_the_full_title_as_tooltip(qtbot, db_file, linked, modals,
                                                                          isolated_qsettings):
    window = make_window(qtbot, db_file, size=(1024, 700))
    try:
        matrix = window.links.show_matrix()
        qtbot.waitExposed(matrix)
        matrix.resize(300, 240)
        header = matrix.table.horizontalHeader()
        for table_header in (header, matrix.table.verticalHeader()):
            assert table_header.textElideMode() == Qt.TextElideMode.ElideRight  # not cut on both sides
        assert header.defaultAlignment() & Qt.AlignmentFlag.AlignLeft
        for n, (_doc_id, title) in enumerate(matrix.model.documents):
            assert matrix.model.headerData(n, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == title
    finally:
        window.close()
