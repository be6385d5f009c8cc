"""Links between claims in the window: Edit > Link claims…, the claim
editor's list of links, undo and redo, the curves in the gutter between the
panes (geometry, scrolling, clicking, pixels) and the "Claims across
sources" matrix."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    make_claim,
    modals,
    window,
    settle,
)

from desktop_app.core.store import Store
from desktop_app.qt import links
from desktop_app.qt.link_gutter import HIT_DISTANCE, RELATION_COLORS
from desktop_app.core.matrix import build_groups


def fresh_links(db):
    with Store.open(db) as s:
        return s.list_links()


def visible_offset(view, fraction: float) -> int:
    """A code point whose line sits about ``fraction`` of the way down the view."""
    wanted = view.viewport().height() * fraction
    text = view.canonical_text
    best = 0
    for cp in range(0, len(text) - 20, 7):
        if text[cp - 1:cp] in (" ", "") and text[cp].isalpha():
            y = view.cursorRect(view._cursor_for(cp)).center().y()
            if y >= wanted:
                return cp
            best = cp
    return best


def two_claims(window, qtbot):
    """A claim in each pane, about a third and a half of the way down; the
    first pane's claim is the selected one."""
    first, second = window.panes
    b0 = visible_offset(second.view, 0.5)
    b = make_claim(window, qtbot, second, b0, b0 + 25, "2")
    a0 = visible_offset(first.view, 0.3)
    a = make_claim(window, qtbot, first, a0, a0 + 25, "1")
    return a, b


def link_through_window(window, monkeypatch, target, relation="corroborates", note=""):
    seen = {}

    def chooser(parent, source, candidates, preselected):
        seen.update(source=source, candidates=candidates, preselected=preselected)
        return links.LinkChoice(target, relation, note)

    monkeypatch.setattr(links, "choose_link", chooser)
    window.menu_actions["link"].trigger()
    return seen


def gutter_y(view, gutter, y: int) -> float:
    """A height in ``view``'s viewport, in the gutter's coordinates."""
    return float(gutter.mapFromGlobal(view.viewport().mapToGlobal(QPoint(0, y))).y())


def passage_y(view, claim_id: int) -> int:
    span = view.highlight_layer.span(claim_id)
    return view.cursorRect(view._cursor_for(span.start)).center().y()


# ------------------------------------------------------------- making links
def test_link_claims_through_the_window_with_undo_and_redo(window, qtbot, db_file, modals, monkeypatch):
    a, b = two_claims(window, qtbot)
    first, second = window.panes
    assert window.menu_actions["link"].shortcut().toString() == "Ctrl+L"
    seen = link_through_window(window, monkeypatch, b, "corroborates", "same figure")
    # The chooser listed the other pane's claims, with the one last selected there chosen.
    assert seen["preselected"] == b
    assert b in [c.claim_id for c in seen["candidates"]]
    assert a not in [c.claim_id for c in seen["candidates"]]
    [link] = fresh_links(db_file)
    assert (link.source_id, link.target_id, link.relation, link.note) == (a, b, "corroborates", "same figure")
    assert window.undo_stack.undoText().startswith("Link ")

    # The claim editor lists it, read from the selected claim.
    assert window.editor.link_ids() == [link.id]
    title2 = window.store.document_title(second.view.document_id)
    assert window.editor.links_list.item(0).text().startswith(f"corroborates — {title2}")
    window.annotator.select_claim(b)
    assert window.editor.links_list.item(0).text().startswith("corroborated by — ")

    window.undo_stack.undo()
    assert fresh_links(db_file) == [] and window.editor.link_ids() == []
    window.undo_stack.redo()
    [again] = fresh_links(db_file)
    assert again.id == link.id and again.relation == "corroborates"

    # Refusals are one sentence each and change nothing.
    window.annotator.select_claim(a)
    count = window.undo_stack.count()
    link_through_window(window, monkeypatch, b, "contradicts")
    assert "already linked" in modals.texts("warn")[-1]
    c0 = first.view.canonical_text.index(" ", first.view.highlight_layer.span(a).end + 40) + 1
    c = make_claim(window, qtbot, first, c0, c0 + 10, "1")
    window.annotator.select_claim(a)
    link_through_window(window, monkeypatch, c, "same")
    assert "same one" in modals.texts("warn")[-1]
    window.annotator.select_claim(None)
    link_through_window(window, monkeypatch, b)
    assert "Select a claim first" in modals.texts("warn")[-1]
    assert window.undo_stack.count() == count + 1  # only the claim c
    assert len(fresh_links(db_file)) == 1


def test_removing_a_link_in_the_claim_editor_and_undo(window, qtbot, db_file, monkeypatch):
    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "qualifies")
    [link] = fresh_links(db_file)
    window.annotator.select_claim(a)
    assert window.editor.unlink_button.isVisibleTo(window.editor)
    qtbot.mouseClick(window.editor.unlink_button, Qt.MouseButton.LeftButton)
    assert fresh_links(db_file) == [] and window.editor.link_ids() == []
    assert not window.editor.unlink_button.isVisibleTo(window.editor)
    window.undo_stack.undo()
    assert [x.id for x in fresh_links(db_file)] == [link.id]
    assert window.editor.link_ids() == [link.id]
    # Deleting a linked claim hides its link; undoing brings both back.
    window.annotator.delete_claim(b)
    assert fresh_links(db_file) == [] and window.splitter.gutters()[0].curves() == []
    window.undo_stack.undo()
    assert len(window.splitter.gutters()[0].curves()) == 1


def test_changing_a_link_is_one_undo_step(window, qtbot, db_file, monkeypatch):
    from desktop_app.qt.commands.links import UpdateLink

    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "corroborates", "first")
    [link] = fresh_links(db_file)
    assert window.annotator.push(UpdateLink(window.store, window.events, link.id, relation="contradicts", note="no"))
    assert [(x.relation, x.note) for x in fresh_links(db_file)] == [("contradicts", "no")]
    assert window.splitter.gutters()[0].curves()[0].relation == "contradicts"
    window.undo_stack.undo()
    assert [(x.relation, x.note) for x in fresh_links(db_file)] == [("corroborates", "first")]
    window.undo_stack.redo()
    assert [(x.relation, x.note) for x in fresh_links(db_file)] == [("contradicts", "no")]
    assert not window.annotator.push(UpdateLink(window.store, window.events, link.id, relation="agrees"))


def test_changing_a_link_from_the_claim_editor(window, qtbot, db_file, monkeypatch):
    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "corroborates", "first")
    [link] = fresh_links(db_file)
    window.annotator.select_claim(a)
    window.editor.links_list.setCurrentRow(0)
    assert window.editor.edit_link_button.isEnabled()
    asked = []
    controller = window.links
    monkeypatch.setattr(controller, "ask_link_change",
                        lambda current: asked.append(current.relation) or ("contradicts", "says $650K"))
    qtbot.mouseClick(window.editor.edit_link_button, Qt.MouseButton.LeftButton)
    assert asked == ["corroborates"]
    assert [(x.relation, x.note) for x in fresh_links(db_file)] == [("contradicts", "says $650K")]
    assert window.splitter.gutters()[0].curves()[0].relation == "contradicts"
    window.undo_stack.undo()
    assert [(x.relation, x.note) for x in fresh_links(db_file)] == [("corroborates", "first")]
    monkeypatch.setattr(controller, "ask_link_change", lambda current: None)  # cancelled: nothing changes
    qtbot.mouseClick(window.editor.edit_link_button, Qt.MouseButton.LeftButton)
    assert [(x.relation, x.note) for x in fresh_links(db_file)] == [("corroborates", "first")]


def test_a_saved_splitter_state_keeps_the_gutters(window):
    from PySide6.QtWidgets import QSplitter

    from desktop_app.qt.link_splitter import gutter_width

    plain = QSplitter()
    plain.addWidget(QSplitter())
    plain.addWidget(QSplitter())
    plain.setHandleWidth(3)
    window.splitter.restoreState(plain.saveState())
    assert window.splitter.handleWidth() == gutter_width(window.splitter.width()) >= 24


# ------------------------------------------------------------------ gutter
def test_the_gutter_joins_the_two_passages_and_follows_scrolling(window, qtbot, db_file, monkeypatch):
    first, second = window.panes
    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "contradicts")
    [link] = fresh_links(db_file)
    gutter = window.splitter.gutter_between(first, second)
    assert gutter is not None and gutter.width() > 0
    [curve] = gutter.curves()
    assert (curve.link_id, curve.relation, curve.left_claim, curve.right_claim) == (link.id, "contradicts", a, b)
    assert not curve.clipped
    assert curve.start == QPointF(0, gutter_y(first.view, gutter, passage_y(first.view, a)))
    assert curve.end == QPointF(gutter.width(), gutter_y(second.view, gutter, passage_y(second.view, b)))
    # The gutter sits between the two panes.
    left_edge = gutter.mapTo(window, QPoint(0, 0)).x()
    assert first.mapTo(window, QPoint(first.width(), 0)).x() <= left_edge
    assert left_edge + gutter.width() <= second.mapTo(window, QPoint(0, 0)).x()

    # Scrolling the right pane moves the right end by as much.
    bar = second.view.verticalScrollBar()
    assert bar.maximum() > 60
    before = curve.end.y()
    bar.setValue(bar.value() + 40)
    [moved] = gutter.curves()
    assert moved.start == curve.start
    assert moved.end.y() == before - 40
    assert moved.end.y() == gutter_y(second.view, gutter, passage_y(second.view, b))

    # Scrolled out of view, the passage's end is drawn to the top edge (dashed).
    bar.setValue(bar.maximum())
    [clipped] = gutter.curves()
    assert clipped.clipped and clipped.end.y() == gutter_y(second.view, gutter, 0)
    # Both out of view: the curve is left out.
    first.view.verticalScrollBar().setValue(first.view.verticalScrollBar().maximum())
    assert gutter.curves() == []


def test_clicking_a_curve_selects_the_link_and_its_left_claim(window, qtbot, db_file, monkeypatch):
    first, second = window.panes
    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "cites")
    [link] = fresh_links(db_file)
    window.annotator.select_claim(None)
    gutter = window.splitter.gutters()[0]
    [curve] = gutter.curves()
    # Away from the curve, a click selects nothing.
    low = max(curve.start.y(), curve.end.y()) + 30
    assert gutter.curve_at(QPointF(gutter.width() / 2, low)) is None
    with qtbot.assertNotEmitted(window.splitter.linkClicked):
        qtbot.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=QPoint(gutter.width() // 2, round(low)))
    # On it (within HIT_DISTANCE of the sampled curve), it does.
    mid = curve.point_at(0.5)
    pos = QPoint(round(mid.x()), round(mid.y()))
    assert curve.distance(QPointF(pos)) < HIT_DISTANCE
    with qtbot.waitSignal(window.splitter.linkClicked) as blocker:
        qtbot.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [link.id]
    assert window.splitter.selected_link == link.id
    assert window.annotator.selected_claim == a and first.view.selected_claim == a
    assert "cites" in window.statusBar().currentMessage()
    # Selecting an unrelated claim unmarks the link.
    window.annotator.select_claim(None)
    assert window.splitter.selected_link == link.id  # no claim: the mark stays
    c0 = visible_offset(second.view, 0.15)
    make_claim(window, qtbot, second, c0, c0 + 8, "3")
    assert window.splitter.selected_link is None


def test_screenshot_shows_the_curve_in_the_relation_colour(window, qtbot, db_file, monkeypatch, tmp_path):
    first, second = window.panes
    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "corroborates")
    window.annotator.select_claim(None)
    settle()
    gutter = window.splitter.gutters()[0]
    green = QColor(RELATION_COLORS["corroborates"])

    def curve_pixels(image, curve) -> int:
        """Pixels of the relation colour within 2 px of the curve's samples."""
        hits = 0
        for t in (0.15, 0.3, 0.5, 0.7, 0.85):
            p = gutter.mapTo(window, curve.point_at(t).toPoint())
            for dx in range(-2, 3):
                for dy in range(-2, 3):
                    c = image.pixelColor(p.x() + dx, p.y() + dy)
                    if max(abs(c.red() - green.red()), abs(c.green() - green.green()),
                           abs(c.blue() - green.blue())) <= 12:
                        hits += 1
                        break
                else:
                    continue
                break
        return hits

    image = window.grab().toImage()
    shot = tmp_path / "links.png"
    assert image.save(str(shot))
    [curve] = gutter.curves()
    assert curve_pixels(image, curve) == 5
    # No such colour where there is no curve.
    far = gutter.mapTo(window, QPoint(gutter.width() // 2, round(max(curve.start.y(), curve.end.y())) + 40))
    assert image.pixelColor(far) != green

    # After scrolling the left pane, the gutter is painted again where the curve now is.
    first.view.verticalScrollBar().setValue(first.view.verticalScrollBar().value() + 50)
    qtbot.waitUntil(lambda: [c.start.y() for c in gutter.curves()] == [curve.start.y() - 50])
    settle()  # and painted there
    [moved] = gutter.curves()
    assert moved.start.y() == curve.start.y() - 50
    image = window.grab().toImage()
    image.save(str(tmp_path / "links-scrolled.png"))
    assert curve_pixels(image, moved) == 5


# ------------------------------------------------------------------ matrix
def test_claims_across_sources_matrix(window, qtbot, db_file, monkeypatch, qtmodeltester):
    first, second = window.panes
    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "corroborates")
    matrix = window.links.show_matrix()
    assert matrix.isVisible()
    model = matrix.model
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.columnCount() == 2
    doc_a, doc_b = first.view.document_id, second.view.document_id
    columns = {doc_id: n for n, (doc_id, _title) in enumerate(model.documents)}
    assert model.index(0, columns[doc_a]).data() == "corroborates"
    assert model.index(0, columns[doc_b]).data() == "said"
    assert model.headerData(columns[doc_b], Qt.Orientation.Horizontal) == window.store.document_title(doc_b)

    # Double-clicking a cell goes to the passage.
    window.annotator.select_claim(None)
    table = matrix.table
    rect = table.visualRect(model.index(0, columns[doc_b]))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # QTest's double
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # click follows a press
    assert window.annotator.selected_claim == b

    # The matrix follows undo.
    window.undo_stack.undo()  # the link
    assert model.rowCount() == 0 and model.columnCount() == 0
    qtmodeltester.check(model)
    matrix.close()


class _Link:
    def __init__(self, source_id, target_id, relation):
        self.source_id, self.target_id, self.relation = source_id, target_id, relation


class _Claim:
    def __init__(self, claim_id, document_id, start=0):
        self.id, self.document_id, self.start, self.quote = claim_id, document_id, start, f"claim {claim_id}"


def test_groups_are_components_and_cells_show_the_strongest_treatment():
    claims = {i: _Claim(i, d) for i, d in ((1, 10), (2, 20), (3, 30), (4, 20), (5, 40), (6, 50))}
    rows = [_Link(2, 1, "corroborates"), _Link(3, 1, "contradicts"), _Link(4, 1, "cites"),
            _Link(5, 6, "same")]
    groups = build_groups(rows, claims)
    assert [g.claim_ids for g in groups] == [(1, 2, 3, 4), (5, 6)]
    cells = {doc: treatment for doc, (treatment, _cid, _q) in groups[0].cells.items()}
    assert cells == {10: "said", 20: "corroborates", 30: "contradicts"}
    assert groups[0].cells[20][1] == 2 and len(groups[0].cells[20][2]) == 2
    assert {doc: t for doc, (t, _c, _q) in groups[1].cells.items()} == {40: "said", 50: "said"}


def test_gutters_follow_panes_being_added_and_closed(window, qtbot, db_file, monkeypatch):
    first, second = window.panes
    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "same")
    third = window.add_pane(second.view.document_id)
    qtbot.waitUntil(lambda: third.view.isVisible())
    assert len(window.splitter.gutters()) == 2
    assert len(window.splitter.gutter_between(first, second).curves()) == 1
    assert window.splitter.gutter_between(second, third).curves() == []  # the same document on both sides
    window.close_pane(second)
    qtbot.waitUntil(lambda: window.splitter.count() == 2)
    gutter = window.splitter.gutter_between(first, third)
    [curve] = gutter.curves()
    assert (curve.left_claim, curve.right_claim, curve.relation) == (a, b, "same")


def test_the_claim_editor_shows_whole_links_and_keeps_their_buttons_in_sight(window, qtbot, db_file, monkeypatch,
                                                                             tmp_path):
    window.resize(1024, 700)
    a, b = two_claims(window, qtbot)
    link_through_window(window, monkeypatch, b, "corroborates", "a note")
    window.annotator.select_claim(a)
    editor = window.editor
    settle()
    lst = editor.links_list
    item = lst.item(0)
    # The link's text is wrapped, not cut at the side: its rectangle fits the list's width and
    # the list is tall enough for it.
    assert lst.wordWrap()
    rect = lst.visualItemRect(item)
    assert rect.right() <= lst.viewport().width() and rect.bottom() <= lst.viewport().height()
    # The buttons come before the list: a long list never pushes them below the fold.
    assert editor.unlink_button.mapTo(editor, editor.unlink_button.rect().topLeft()).y() < \
        lst.mapTo(editor, lst.rect().topLeft()).y()
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle()
    assert not editor.unlink_button.visibleRegion().isEmpty()
    assert not editor.edit_link_button.visibleRegion().isEmpty()
    window.grab().save(str(tmp_path / "editor_links.png"))


def _link_state(db):
    return [(x.source_id, x.target_id, x.relation, x.note) for x in fresh_links(db)]


def _remove_selected_link(window, qtbot, claim_id):
    window.annotator.select_claim(claim_id)
    window.editor.links_list.setCurrentRow(0)
    qtbot.mouseClick(window.editor.unlink_button, Qt.MouseButton.LeftButton)


def test_undo_brings_back_a_removed_link_after_the_pair_was_linked_again(window, qtbot, db_file, modals,
                                                                         monkeypatch):
    """Link A→B, remove it, link B→A: undoing twice brings back A→B as it
    was (relation, direction, note), and redoing brings back B→A."""
    a, b = two_claims(window, qtbot)
    window.annotator.select_claim(a)
    link_through_window(window, monkeypatch, b, "contradicts", "same job ad")
    _remove_selected_link(window, qtbot, a)
    assert _link_state(db_file) == []
    window.annotator.select_claim(b)
    link_through_window(window, monkeypatch, a, "qualifies")
    assert _link_state(db_file) == [(b, a, "qualifies", "")]
    undo, redo = window.menu_actions["undo"], window.menu_actions["redo"]
    undo.trigger()
    assert _link_state(db_file) == []
    undo.trigger()
    assert _link_state(db_file) == [(a, b, "contradicts", "same job ad")]
    assert window.splitter.gutters()[0].curves()[0].relation == "contradicts"
    undo.trigger()
    assert _link_state(db_file) == []
    redo.trigger()
    assert _link_state(db_file) == [(a, b, "contradicts", "same job ad")]
    redo.trigger()
    assert _link_state(db_file) == []
    redo.trigger()
    assert _link_state(db_file) == [(b, a, "qualifies", "")]
    assert not window.undo_stack.canRedo()
    assert modals.messages == [] and modals.errors == []


def test_undoing_a_removal_still_finds_its_link_when_other_links_were_made(window, qtbot, db_file, modals,
                                                                           monkeypatch):
    """Remove A→B, link A→C, link A→B again, then undo all three: no step
    fails with "There is no link", and the first link is back as it was."""
    a, b = two_claims(window, qtbot)
    first, second = window.panes
    c0 = second.view.canonical_text.index(" ", second.view.highlight_layer.span(b).end + 40) + 1
    c = make_claim(window, qtbot, second, c0, c0 + 12, "1")
    window.annotator.select_claim(a)
    link_through_window(window, monkeypatch, b, "contradicts", "same job ad")
    _remove_selected_link(window, qtbot, a)
    window.annotator.select_claim(a)
    link_through_window(window, monkeypatch, c, "cites")
    window.annotator.select_claim(a)
    link_through_window(window, monkeypatch, b, "corroborates")
    assert sorted(_link_state(db_file)) == sorted([(a, c, "cites", ""), (a, b, "corroborates", "")])
    failed = []
    window.events.commandFailed.connect(failed.append)
    steps = window.undo_stack.count()
    for _ in range(3):
        window.menu_actions["undo"].trigger()
    assert failed == [] and window.undo_stack.count() == steps
    assert _link_state(db_file) == [(a, b, "contradicts", "same job ad")]
    for _ in range(3):
        window.menu_actions["redo"].trigger()
    assert failed == []
    assert sorted(_link_state(db_file)) == sorted([(a, c, "cites", ""), (a, b, "corroborates", "")])
