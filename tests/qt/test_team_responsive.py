"""The window on a team database stays responsive while the server does not
answer: hovering a highlight and showing others' changes read nothing from
the network on the UI thread.

A server that is "away" here is the worst kind: the test server is stopped
and its port taken by a listener that accepts connections and never answers,
so that every new connection waits for the connect timeout (seconds), as
behind a lost network."""

from __future__ import annotations

import socket
import time
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip
from window_support import Ticks, isolated_qsettings, make_window, modals, point_of  # noqa: F401 - fixtures

from desktop_app.core.store import Store
from desktop_app.core.store.server import CONNECT_TIMEOUT_S

RESPONSIVE_S = 1.0  # far below the connect timeout
assert RESPONSIVE_S * 3 < CONNECT_TIMEOUT_S


@contextmanager
def silent_server(pg_server):
    """Stop the server and keep its port answering nothing until the block ends."""
    pg_server.stop()
    hole = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    hole.bind(("127.0.0.1", pg_server.port))
    hole.listen(64)  # connections are queued, never accepted, never answered
    try:
        yield
    finally:
        hole.close()
        pg_server.start()


@pytest.fixture
def team_window(qtbot, pg_url, modals, isolated_qsettings):  # noqa: F811
    w = make_window(qtbot, pg_url)
    yield w
    if w.pending.waiting():
        modals.confirm_answers.append(True)
    w.close()


def _hover(view, cp: int) -> str:
    pos = point_of(view, cp)
    view.event(QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    return QToolTip.text()


def test_hovering_a_highlight_does_not_wait_for_the_server(team_window, qtbot, pg_server, pg_url):
    w = team_window
    pane = w.panes[0]
    doc_id = pane.view.document_id
    tag = w.tags_model.tags()[0]
    with Store.open(pg_url) as other:
        claim = other.add_claim(doc_id, 10, 30, [tag.id])
        other.set_claim_note(claim.id, "checked 📞 by phone")
    qtbot.waitUntil(lambda: claim.id in pane.view.highlight_layer, timeout=20000)
    with silent_server(pg_server):
        t = time.monotonic()
        tip = _hover(pane.view, 15)
        took = time.monotonic() - t
    QToolTip.hideText()
    assert took < RESPONSIVE_S, f"hovering held the window {took:.1f} s"
    assert tag.name in tip and "unverified" in tip and "checked 📞 by phone" in tip


def test_showing_others_changes_does_not_wait_for_the_server(team_window, qtbot, pg_server, pg_url, monkeypatch):
    """The poll's worker reads the rows; the server goes away right after,
    before the window shows them: showing them must not touch the network."""
    from desktop_app.qt.team import live_updates

    w = team_window
    pane = w.panes[0]
    doc_id = pane.view.document_id
    real_read = live_updates.read_rows
    away = []

    def read_then_lose_the_server(store, scopes, shown, doc_keys, tables=()):
        rows = real_read(store, scopes, shown, doc_keys, tables)
        if not away and any(s.startswith(("claims:", "tags")) for s in scopes):
            away.append(silent_server(pg_server))
            away[0].__enter__()  # still on the worker: the window gets the rows with the server gone
        return rows

    monkeypatch.setattr(live_updates, "read_rows", read_then_lose_the_server)
    with Store.open(pg_url, annotator="bea") as other:
        tag = other.add_tag("Seen by Bea", color="#2E7D32")
        claim = other.add_claim(doc_id, 40, 70, [tag.id])
    ticks = Ticks()
    try:
        qtbot.waitUntil(lambda: bool(away) and w.claims_model.row_of(claim.id) is not None
                        and claim.id in pane.view.highlight_layer
                        and any(t.name == "Seen by Bea" for t in w.tags_model.tags()), timeout=20000)
        held = ticks.stop().longest
        # the claim counts came with the rows: no count is left to read from the server later
        assert not w.documents_model._count_timer.isActive() and not w.tags_model._count_timer.isActive()
    finally:
        if away:
            away[0].__exit__(None, None, None)
    assert held < RESPONSIVE_S, f"the window was held {held:.1f} s"
    row = w.documents_model.row_of(doc_id)
    assert w.documents_model.document(row).claim_count >= 1
