"""The window's status bar: its permanent labels (the counts, the team
server's connection, read-only) and room for the messages shown in it.

QStatusBar cuts a message where the permanent labels begin, so at 1024 px a
long import summary lost its end behind the counts. While a message that
would be cut is shown, the counts step aside (the connection and read-only
labels stay: they are states the user must see), and a message too long
even for the whole bar carries its whole text as the bar's tooltip. The
room is measured again when the window is resized.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QMainWindow

READ_ONLY_LABEL = "Read-only: changes cannot be saved here"
_BADGE = "QLabel {{ color: white; background: {}; border-radius: 3px; padding: 1px 8px; font-weight: bold; }}"
# room QStatusBar keeps around the message (its margins and the gap before
# the first permanent label), in pixels
_MESSAGE_MARGINS = 16


class StatusLabels(QObject):
    """The three permanent labels of ``window``'s status bar, and the rule
    that keeps a message from being cut by them."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        bar = window.statusBar()
        self.bar = bar
        self.counts = QLabel()
        self.counts.setAccessibleName("Counts")
        bar.addPermanentWidget(self.counts)
        self.connection = QLabel()
        self.connection.setObjectName("ConnectionState")
        self.connection.setAccessibleName("Connection")
        self.connection.setStyleSheet(_BADGE.format("#B3261E"))
        self.connection.hide()
        bar.addPermanentWidget(self.connection)
        self.read_only = QLabel(READ_ONLY_LABEL)
        self.read_only.setObjectName("ReadOnlyState")
        self.read_only.setAccessibleName("Read-only")
        self.read_only.setStyleSheet(_BADGE.format("#8A5A00"))
        self.read_only.hide()
        bar.addPermanentWidget(self.read_only)
        self.counts_aside = False  # hidden for a message that needed its room
        bar.messageChanged.connect(self._message_changed)
        bar.installEventFilter(self)  # a resized window has more or less room for the message shown

    def eventFilter(self, obj, event) -> bool:
        if obj is self.bar and event.type() == QEvent.Type.Resize and self.bar.currentMessage():
            self._message_changed(self.bar.currentMessage())
        return False

    def _message_changed(self, text: str) -> None:
        bar = self.bar
        if not text:
            bar.setToolTip("")
            if self.counts_aside:
                self.counts_aside = False
                self.counts.show()
            return
        needed = bar.fontMetrics().horizontalAdvance(text) + _MESSAGE_MARGINS
        badges = sum(label.sizeHint().width() + 6 for label in (self.connection, self.read_only)
                     if not label.isHidden())
        room_alone = bar.width() - badges - _grip_width(bar)
        counts = self.counts.sizeHint().width() + 6 if (not self.counts.isHidden() or self.counts_aside) else 0
        if needed > room_alone - counts:
            if not self.counts.isHidden():
                self.counts.hide()
                self.counts_aside = True
        elif self.counts_aside:
            self.counts_aside = False
            self.counts.show()
        bar.setToolTip(text if needed > room_alone else "")


def _grip_width(bar) -> int:
    return 16 if bar.isSizeGripEnabled() else 0
