"""Fixtures and helpers for the main-window tests (imported by them).

Every test gets isolated QSettings, no modal dialog can block it (an
unexpected one fails the test), and error sentences are captured instead of
shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QColorDialog, QDialog, QFileDialog, QInputDialog, QMessageBox

from desktop_app.core.store import Store


@dataclass
class Modals:
    """What the window asked or told the user, and the answers to give."""

    messages: list = field(default_factory=list)  # (kind, title, text)
    errors: list = field(default_factory=list)  # sentences given to errors.show_error
    confirm_answers: list = field(default_factory=list)  # popped by each confirm()
    conflict_answers: list = field(default_factory=list)  # popped by each choose_conflict()
    conflicts: list = field(default_factory=list)  # (theirs, mine) shown by each choose_conflict()

    def texts(self, kind: str | None = None) -> list[str]:
        return [m[2] for m in self.messages if kind is None or m[0] == kind]


def _refuse(name):
    def refuse(*args, **kwargs):
        raise AssertionError(f"an unexpected modal dialog was opened: {name}")

    return refuse


@pytest.fixture
def isolated_qsettings(tmp_path):
    """QSettings go to an INI file under this test's tmp_path."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def modals(monkeypatch):
    """No real modal dialog in these tests: the message helpers record, the
    error hook captures, and any other dialog fails the test."""
    from desktop_app.qt import dialogs, errors

    m = Modals()
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: m.messages.append(("warn", title, text)))
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: m.messages.append(("inform", title, text)))

    def confirm(parent, title, text):
        m.messages.append(("confirm", title, text))
        if not m.confirm_answers:
            raise AssertionError(f"unexpected question: {text}")
        return m.confirm_answers.pop(0)

    monkeypatch.setattr(dialogs, "confirm", confirm)

    def choose_conflict(parent, theirs, mine):
        m.conflicts.append((theirs, mine))
        if not m.conflict_answers:
            raise AssertionError(f"unexpected conflict: {theirs!r} / {mine!r}")
        return m.conflict_answers.pop(0)

    monkeypatch.setattr(dialogs, "choose_conflict", choose_conflict)
    monkeypatch.setattr(dialogs, "ask_for_other_database", _refuse("ask_for_other_database"))
    monkeypatch.setattr(errors, "error_hook", lambda parent, message: m.errors.append(message))
    monkeypatch.setattr(QDialog, "exec", _refuse("QDialog.exec"))
    monkeypatch.setattr(QMessageBox, "exec", _refuse("QMessageBox.exec"))
    for name in ("warning", "information", "question", "critical", "about"):
        monkeypatch.setattr(QMessageBox, name, _refuse(f"QMessageBox.{name}"))
    for name in ("getText", "getItem", "getInt"):
        monkeypatch.setattr(QInputDialog, name, _refuse(f"QInputDialog.{name}"))
    monkeypatch.setattr(QColorDialog, "getColor", _refuse("QColorDialog.getColor"))
    for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, _refuse(f"QFileDialog.{name}"))
    return m


def make_window(qtbot, db: Path, size=(1500, 950)):
    from desktop_app.qt.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(*size)
    assert w.open_database(db)
    w.show()
    qtbot.waitExposed(w)
    # a team database's documents are read off the UI thread: the panes fill in shortly
    qtbot.waitUntil(lambda: not w.annotator.opening, timeout=20000)
    return w


@pytest.fixture
def db_file(tmp_path) -> Path:
    return tmp_path / "lib.db"


@pytest.fixture
def window(qtbot, db_file, modals, isolated_qsettings):
    w = make_window(qtbot, db_file)
    yield w
    w.close()


# ------------------------------------------------------------------ helpers
def fresh_claims(db: Path):
    """The live claims as a new connection to the file sees them."""
    with Store.open(db) as s:
        return s.list_claims()


def fresh_claim(db: Path, claim_id: int):
    with Store.open(db) as s:
        return s.get_claim(claim_id)


def fresh_tags(db: Path) -> dict:
    with Store.open(db) as s:
        return {t.name: t for t in s.list_tags()}


def tag_id(window, name: str) -> int:
    return next(t.id for t in window.store.list_tags() if t.name == name)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def select_utf16(view, start_u16: int, end_u16: int) -> None:
    """Select with a real QTextCursor on Qt (UTF-16) positions."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(start_u16)
    cursor.setPosition(end_u16, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def point_of(view, cp: int) -> QPoint:
    """The middle of the character at code point ``cp``, in viewport coordinates."""
    a = view.cursorRect(view._cursor_for(cp))
    b = view.cursorRect(view._cursor_for(cp + 1))
    x = (a.left() + b.left()) // 2 if b.top() == a.top() else a.left() + 3
    return QPoint(x, a.center().y())


def make_claim(window, qtbot, pane, start: int, end: int, key: str) -> int:
    """Select ``[start, end)`` in ``pane`` and press the tag key; the new claim's id."""
    view = pane.view
    before = window.undo_stack.count()
    view.select_offsets(start, end)
    view.setFocus()
    qtbot.keyClick(view, key)
    assert window.undo_stack.count() == before + 1, "no claim was made"
    return window.annotator.selected_claim


def settle() -> None:
    """Deliver every event already posted (queued signals, zero-delay timers,
    update requests, layouts), so that what follows sees their effect; no
    waiting on the clock."""
    from PySide6.QtCore import QCoreApplication

    for _ in range(3):  # a delivered event may post another
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


class Ticks:
    """A timer on the UI thread, counting its ticks and the longest gap
    between two: a held UI thread counts none (an overdue timer fires once)."""

    def __init__(self, interval_ms: int = 10) -> None:
        import time

        from PySide6.QtCore import QTimer

        self._clock = time.monotonic
        self.count = 0
        self.last = self._clock()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self._clock()
        self.count += 1
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> "Ticks":
        self.timer.stop()
        self._tick()
        return self
