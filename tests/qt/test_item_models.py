"""Item models over a real store, following StoreEvents."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QUndoStack

from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines
from desktop_app.qt.commands import (
    AddTag,
    CreateClaim,
    DeleteClaim,
    MergeTags,
    SetClaimNote,
    SetClaimStatus,
    SetClaimTags,
    push_command,
)
from desktop_app.qt.events import StoreEvents
from desktop_app.qt.claims_model import ClaimsModel
from desktop_app.qt.item_models import (
    COUNT_DELAY_MS,
    ColorRole,
    DocumentsModel,
    IdRole,
    SortRole,
    TagsModel,
)
from pytestqt.modeltest import ModelTester

TEXT_A = (
    "Netflix advertised an AI product manager job paying up to $900,000 a year.\n"
    "Actors on strike say deepfakes of their faces threaten their work."
)
TEXT_B = "Union leaders demand limits on synthetic likeness.\nWriters' salaries lag far behind."


def _add(store, text, title, outlet="", published="", url=""):
    return store.add_document(
        StructuredDocument(
            text=text, blocks=blocks_for_lines(text), source_format="text", sha256="0" * 64,
            metadata=Metadata(title=title, outlet=outlet, published=published, source_url=url),
        ),
        original_name=f"{title}.txt",
    )


@pytest.fixture
def checked():
    """Attach pytest-qt's Python model tester (it asserts on every signal) to models."""
    testers = []

    def check(model):
        tester = ModelTester(None)
        tester.check(model, force_py=True)
        testers.append(tester)
        return model

    yield check
    for t in testers:
        t._cleanup()


@pytest.fixture
def env(empty_store, qapp):
    a = _add(empty_store, TEXT_A, "Netflix job", "The Example Times", "2023-07-25", "https://example.org/a")
    b = _add(empty_store, TEXT_B, "Union demands", "Labour Weekly", "2023-08-01")
    events = StoreEvents()
    stack = QUndoStack()

    class Env:
        pass

    e = Env()
    e.store, e.events, e.stack, e.a, e.b = empty_store, events, stack, a, b
    e.tags = {t.name: t.id for t in empty_store.list_tags()}

    def claim(doc, quote, tags=(), status=None, note=""):
        text = TEXT_A if doc is a else TEXT_B
        start = text.index(quote)
        cmd = CreateClaim(e.store, e.events, doc.id, start, start + len(quote), [e.tags[t] for t in tags], note)
        push_command(e.stack, cmd)
        if status:
            push_command(e.stack, SetClaimStatus(e.store, e.events, cmd.claim_id, status))
        return cmd.claim_id

    e.claim = claim
    yield e
    stack.clear()


def settle():
    """Run the updates a proxy queues, inside the test, while the testers listen."""
    QCoreApplication.processEvents()


def _cell(model, row, col, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, col), role)


def _column(model, col, role=Qt.ItemDataRole.DisplayRole):
    return [_cell(model, r, col, role) for r in range(model.rowCount())]


def _rgb(color: str) -> tuple[int, int, int]:
    return QColor(color).getRgb()[:3]


def _swatch_color(icon: QIcon, mode=QIcon.Mode.Normal) -> tuple[int, int, int]:
    """The colour in the middle of a swatch icon, drawn in ``mode``."""
    image = icon.pixmap(QSize(14, 14), 1.0, mode).toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2).getRgb()[:3]


# -------------------------------------------------------------- model tests
def test_models_pass_the_qt_tester_on_an_empty_store(empty_store, qapp, checked, qtmodeltester):
    events = StoreEvents()
    claims = ClaimsModel(empty_store, events)
    for model in (DocumentsModel(empty_store, events), TagsModel(empty_store, events), claims):
        checked(model)
    assert claims.rowCount() == 0 and not claims.canFetchMore()
    qtmodeltester.check(ClaimsModel(empty_store, events))  # Qt's own tester too


def test_models_pass_the_qt_tester_through_incremental_updates(env, checked, qtlog):
    from PySide6.QtTest import QAbstractItemModelTester

    docs, tags, claims = DocumentsModel(env.store, env.events), TagsModel(env.store, env.events), ClaimsModel(
        env.store, env.events
    )
    claims.sort(ClaimsModel.QUOTE)  # the store sorts: a claim made goes to its place
    cpp = [
        QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Warning)
        for m in (docs, tags, claims)
    ]
    for m in (docs, tags, claims):
        checked(m)
    proxy = claims
    first = env.claim(env.a, "$900,000", ["salaries"])
    second = env.claim(env.a, "deepfakes", ["deepfakes"], status="disputed")
    third = env.claim(env.b, "salaries lag", ["salaries", "strikes"], note="check figures")
    push_command(env.stack, SetClaimTags(env.store, env.events, first, [env.tags["strikes"]]))
    push_command(env.stack, SetClaimNote(env.store, env.events, second, "a note"))
    push_command(env.stack, DeleteClaim(env.store, env.events, third))
    push_command(env.stack, AddTag(env.store, env.events, "economy", key=4))
    push_command(env.stack, MergeTags(env.store, env.events, env.tags["salaries"], env.tags["strikes"]))
    proxy.set_text_filter("net")
    proxy.set_text_filter("")
    while env.stack.canUndo():
        env.stack.undo()
    while env.stack.canRedo():
        env.stack.redo()
    env.events.documentsChanged.emit()
    settle()
    assert claims.rowCount() == 2
    assert [claims.claim(r).quote for r in range(2)] == ["$900,000", "deepfakes"]  # in order of the quote
    failures = [r.message for r in qtlog.records if "FAIL" in r.message]
    assert failures == []
    del cpp


# ------------------------------------------------------------------ documents
def test_documents_model(env, checked):
    model = checked(DocumentsModel(env.store, env.events))
    assert model.rowCount() == 2 and model.columnCount() == 4
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["Title", "Outlet", "Date", "Claims"]
    assert _column(model, 0) == ["Netflix job", "Union demands"]
    assert _column(model, 1) == ["The Example Times", "Labour Weekly"]
    assert _column(model, 2) == ["2023-07-25", "2023-08-01"]
    assert _column(model, 3) == ["0", "0"]
    assert _cell(model, 0, 0, IdRole) == env.a.id and model.document_id(1) == env.b.id
    assert model.row_of(env.b.id) == 1 and model.row_of(999) is None
    assert _cell(model, 0, 0, Qt.ItemDataRole.ToolTipRole) == "Netflix job\nhttps://example.org/a"
    assert _cell(model, 1, 1, Qt.ItemDataRole.ToolTipRole) == "Union demands\nUnion demands.txt"
    assert _cell(model, 0, 3, SortRole) == 0

    _add(env.store, "A third text.", "Third")
    env.events.documentsChanged.emit()
    assert model.rowCount() == 3 and _cell(model, 2, 0) == "Third"


def test_documents_claim_count_cell_follows_claims(env, checked, qtbot):
    """Counts follow once the user pauses (COUNT_DELAY_MS), changing only the
    count cell of that document."""
    model = checked(DocumentsModel(env.store, env.events))
    changes = []
    model.dataChanged.connect(lambda tl, br, roles: changes.append((tl.row(), tl.column(), br.row(), br.column())))
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    cid = env.claim(env.b, "synthetic likeness", ["deepfakes"])
    qtbot.waitUntil(lambda: _column(model, 3) == ["0", "1"])
    assert changes == [(1, 3, 1, 3)] and resets == []
    env.stack.undo()
    qtbot.waitUntil(lambda: _column(model, 3) == ["0", "0"])
    env.stack.redo()
    push_command(env.stack, DeleteClaim(env.store, env.events, cid))
    assert model._count_timer.isActive()
    qtbot.waitUntil(lambda: not model._count_timer.isActive(), timeout=COUNT_DELAY_MS + 5000)  # counted
    assert _column(model, 3) == ["0", "0"]
    # a burst of claims (redo, then delete) is counted once, when it ends
    assert len(changes) == 2


# ----------------------------------------------------------------------- tags
def test_tags_model(env, checked):
    model = checked(TagsModel(env.store, env.events))
    assert _column(model, 0) == ["deepfakes", "salaries", "strikes"]
    assert _column(model, 1) == ["1", "2", "3"]
    assert _column(model, 2) == ["0", "0", "0"]
    assert _swatch_color(_cell(model, 1, 0, Qt.ItemDataRole.DecorationRole)) == _rgb(
        env.store.get_tag(env.tags["salaries"]).color)
    assert _cell(model, 1, 0, ColorRole).upper() == env.store.get_tag(env.tags["salaries"]).color.upper()
    sid = env.tags["salaries"]
    assert model.tag_id(1) == sid and model.row_of(sid) == 1 and model.tag(sid).name == "salaries"
    assert model.tag_for_key(2).id == sid and model.tag_for_key(9) is None
    assert _cell(model, 1, 0, IdRole) == sid
    assert "Pay" in _cell(model, 1, 0, Qt.ItemDataRole.ToolTipRole)
    with pytest.raises(KeyError):
        model.tag(999)

    push_command(env.stack, AddTag(env.store, env.events, "economy", key=4))
    assert _column(model, 0) == ["deepfakes", "economy", "salaries", "strikes"]
    assert model.tag_for_key(4).name == "economy"
    env.stack.undo()
    assert model.rowCount() == 3


def test_tag_counts_follow_claims(env, checked, qtbot):
    model = checked(TagsModel(env.store, env.events))
    cid = env.claim(env.a, "$900,000", ["salaries"])
    qtbot.waitUntil(lambda: _column(model, 2) == ["0", "1", "0"])
    push_command(env.stack, SetClaimTags(env.store, env.events, cid, [env.tags["strikes"], env.tags["deepfakes"]]))
    qtbot.waitUntil(lambda: _column(model, 2) == ["1", "0", "1"])
    push_command(env.stack, DeleteClaim(env.store, env.events, cid))
    qtbot.waitUntil(lambda: _column(model, 2) == ["0", "0", "0"])
    env.stack.undo()
    qtbot.waitUntil(lambda: _column(model, 2) == ["1", "0", "1"])


# --------------------------------------------------------------------- claims
def test_claims_model_follows_events_incrementally(env, checked):
    model = checked(ClaimsModel(env.store, env.events))
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)] == [
        "Document", "Tags", "Quote", "Page", "Note", "Status", "Annotator", "Updated",
    ]
    inserted, removed, changed, resets = [], [], [], []
    model.rowsInserted.connect(lambda p, f, l: inserted.append((f, l)))
    model.rowsRemoved.connect(lambda p, f, l: removed.append((f, l)))
    model.dataChanged.connect(lambda tl, br, roles: changed.append((tl.row(), br.row())))
    model.modelReset.connect(lambda: resets.append(1))

    first = env.claim(env.a, "$900,000", ["salaries", "strikes"])
    second = env.claim(env.b, "synthetic likeness")
    assert inserted == [(0, 0), (1, 1)] and model.rowCount() == 2
    assert model.row_of(second) == 1 and model.claim(0).id == first
    assert _cell(model, 0, ClaimsModel.DOCUMENT) == "Netflix job"
    assert _cell(model, 0, ClaimsModel.TAGS) == "salaries, strikes"
    assert _cell(model, 0, ClaimsModel.QUOTE) == "$900,000"
    assert _cell(model, 0, ClaimsModel.PAGE) == ""  # not a paged source
    assert _cell(model, 0, ClaimsModel.STATUS) == "unverified"
    assert _cell(model, 0, ClaimsModel.ANNOTATOR) == "tester"
    assert len(_cell(model, 0, ClaimsModel.UPDATED)) == len("2024-01-01 12:00")
    swatch = _cell(model, 0, ClaimsModel.TAGS, Qt.ItemDataRole.DecorationRole)
    assert _swatch_color(swatch) == _rgb(env.store.get_tag(env.tags["salaries"]).color)
    assert _cell(model, 1, ClaimsModel.TAGS, Qt.ItemDataRole.DecorationRole) is None
    assert _cell(model, 0, 0, IdRole) == first

    push_command(env.stack, SetClaimStatus(env.store, env.events, first, "supported"))
    assert changed == [(0, 0)] and _cell(model, 0, ClaimsModel.STATUS) == "supported"
    push_command(env.stack, DeleteClaim(env.store, env.events, first))
    assert removed == [(0, 0)] and model.rowCount() == 1 and model.row_of(second) == 0
    assert model.row_of(first) is None
    env.stack.undo()  # restored: back at its place in the order (creation, here)
    assert model.row_of(first) == 0 and inserted[-1] == (0, 0)
    assert resets == []

    push_command(env.stack, MergeTags(env.store, env.events, env.tags["salaries"], env.tags["strikes"]))
    assert resets == [1] and _cell(model, model.row_of(first), ClaimsModel.TAGS) == "strikes"


def test_long_quotes_are_one_elided_line(env, checked):
    model = checked(ClaimsModel(env.store, env.events))
    env.claim(env.a, TEXT_A)  # both lines, over the cell limit
    shown = _cell(model, 0, ClaimsModel.QUOTE)
    assert "\n" not in shown and shown.endswith("…") and len(shown) <= 120
    assert _cell(model, 0, ClaimsModel.QUOTE, Qt.ItemDataRole.ToolTipRole) == TEXT_A


# ---------------------------------------------------- filters and sorting
def test_the_store_filters_the_claims_table(env, checked):
    model = checked(ClaimsModel(env.store, env.events))
    proxy = model  # the filters are the model's: each is a query of the store
    pay = env.claim(env.a, "$900,000", ["salaries"], note="Check against the job listing")
    fakes = env.claim(env.a, "deepfakes", ["deepfakes"], status="disputed")
    lag = env.claim(env.b, "salaries lag", ["salaries", "strikes"], status="supported")

    def ids():
        return sorted(proxy.data(proxy.index(r, 0), IdRole) for r in range(proxy.rowCount()))

    assert ids() == sorted([pay, fakes, lag])
    proxy.set_tag_filter({env.tags["salaries"]})
    assert ids() == sorted([pay, lag])
    proxy.set_tag_filter([env.tags["deepfakes"], env.tags["strikes"]])
    assert ids() == sorted([fakes, lag])
    proxy.set_document_filter(env.a.id)
    assert ids() == [fakes]
    proxy.set_tag_filter(None)
    proxy.set_status_filter("disputed")
    assert ids() == [fakes]
    proxy.set_status_filter(None)
    assert ids() == sorted([pay, fakes])
    proxy.set_document_filter(None)

    proxy.set_text_filter("LISTING")  # note, any case
    assert ids() == [pay]
    proxy.set_text_filter("union")  # document title
    assert ids() == [lag]
    proxy.set_text_filter("strikes salaries")  # tag names, every word
    assert ids() == [lag]
    proxy.set_text_filter("deepfakes")  # quote and tag
    assert ids() == [fakes]
    proxy.set_text_filter("  ")
    assert ids() == sorted([pay, fakes, lag])

    # a change that makes a claim match the filter shows it
    proxy.set_status_filter("refuted")
    assert ids() == []
    push_command(env.stack, SetClaimStatus(env.store, env.events, pay, "refuted"))
    assert ids() == [pay]
    assert proxy.claim(0).id == pay
    settle()


def test_the_store_sorts_the_claims_table(env, checked):
    model = checked(ClaimsModel(env.store, env.events))
    proxy = model
    env.claim(env.a, "deepfakes", status="refuted")
    env.claim(env.b, "Union leaders", status="unverified")
    env.claim(env.a, "$900,000", status="supported")

    proxy.sort(ClaimsModel.QUOTE, Qt.SortOrder.AscendingOrder)
    assert [proxy.claim(r).quote for r in range(3)] == ["$900,000", "deepfakes", "Union leaders"]
    proxy.sort(ClaimsModel.STATUS, Qt.SortOrder.AscendingOrder)  # in the order of STATUSES
    assert [proxy.claim(r).status for r in range(3)] == ["unverified", "supported", "refuted"]
    proxy.sort(ClaimsModel.DOCUMENT, Qt.SortOrder.DescendingOrder)
    assert [proxy.claim(r).document_id for r in range(3)] == [env.b.id, env.a.id, env.a.id]
    proxy.sort(ClaimsModel.UPDATED, Qt.SortOrder.AscendingOrder)
    values = [proxy.data(proxy.index(r, ClaimsModel.UPDATED), SortRole) for r in range(3)]
    assert values == sorted(values) and all(isinstance(v, str) for v in values)
    assert proxy.index(0, 0, QModelIndex()).isValid()
    settle()


# ------------------------------------------------------ documents' titles
def test_a_title_that_cannot_be_read_is_blank_and_asked_for_again(env, monkeypatch):
    """A claim of a document the model has not heard of: while the team
    database is away its title is blank, and the next paint asks again
    rather than keeping the blank."""
    from desktop_app.core.errors import DatabaseUnreachable

    model = ClaimsModel(env.store, env.events)
    late = _add(env.store, "A document added behind the model's back.", "Late arrival")
    real = env.store.get_document
    calls = []

    def away(doc_id):
        calls.append(doc_id)
        raise DatabaseUnreachable("The team database x cannot be reached: Connection refused.")

    monkeypatch.setattr(env.store, "get_document", away)
    assert model.document_title(late.id) == ""
    assert model.document_title(late.id) == "" and len(calls) == 2  # not remembered
    monkeypatch.setattr(env.store, "get_document", real)
    assert model.document_title(late.id) == "Late arrival"


def test_only_the_expected_failures_are_caught(env, monkeypatch):
    model = ClaimsModel(env.store, env.events)
    late = _add(env.store, "Another late document.", "Late")

    def broken(_doc_id):
        raise TypeError("a bug, not an unreachable server")

    monkeypatch.setattr(env.store, "get_document", broken)
    with pytest.raises(TypeError):
        model.document_title(late.id)


def test_titles_come_from_the_library_rows(env, monkeypatch):
    """With the library's model at hand, the claims table reads no title
    from the store (each read could cross the network on the UI thread)."""
    library = DocumentsModel(env.store, env.events)
    model = ClaimsModel(env.store, env.events, library=library)
    env.claim(env.a, "deepfakes")
    late = _add(env.store, "A third document, with a claim.", "Third one")
    env.events.documentsChanged.emit()  # the library hears of it; the claims model re-reads

    def no_reads(*_args, **_kwargs):
        raise AssertionError("the store was asked for a title")

    monkeypatch.setattr(env.store, "get_document", no_reads)
    monkeypatch.setattr(env.store, "document_title", no_reads)
    assert model.document_title(env.a.id) == "Netflix job"
    assert model.document_title(late.id) == "Third one"
    assert _column(model, ClaimsModel.DOCUMENT) == ["Netflix job"]
