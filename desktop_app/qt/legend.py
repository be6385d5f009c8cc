"""View > Highlight legend: what the fills, lines and outline over the text
mean, drawn with the very formats the panes use."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextEdit, QVBoxLayout

from desktop_app.core.rows import STATUSES
from desktop_app.qt.highlights import FALLBACK_COLOR, STATUS_LINES, status_format

SAMPLE = "a claim in the text"


class HighlightLegend(QDialog):
    """A small window: one line per status, painted as a claim of that status."""

    def __init__(self, parent=None, color: str = FALLBACK_COLOR) -> None:
        super().__init__(parent)
        self.setWindowTitle("Highlight legend")
        self.setAccessibleName("Highlight legend")
        self.formats: dict[str, QTextCharFormat] = {}
        self.sample = QTextEdit()
        self.sample.setReadOnly(True)
        self.sample.setAccessibleName("Samples of each status")
        self.sample.setFrameShape(QTextEdit.Shape.NoFrame)
        cursor = QTextCursor(self.sample.document())
        for i, status in enumerate(STATUSES):
            if i:
                cursor.insertBlock()
            fmt = status_format(status, color)
            self.formats[status] = fmt
            cursor.insertText(f"{status.capitalize()}: ", QTextCharFormat())
            cursor.insertText(SAMPLE, fmt)
            cursor.insertText(f"  ({STATUS_LINES[status][2]})", QTextCharFormat())
        self.sample.setFixedHeight(self.sample.fontMetrics().lineSpacing() * (len(STATUSES) + 2))
        about = QLabel("The fill is the claim's first tag (a second tag adds a line in its colour when no status "
                       "line is drawn). The selected claim is outlined; its colour does not change. A dashed line "
                       "marks a claim waiting to be saved in a team database.")
        about.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sample)
        layout.addWidget(about)
        layout.addWidget(buttons)
        self.setWindowFlag(Qt.WindowType.Tool)
        self.resize(460, self.sizeHint().height())


def show_legend(window) -> HighlightLegend:
    legend = getattr(window, "highlight_legend", None)
    if legend is None:
        tags = list(getattr(window.annotator, "tags", {}).values())
        legend = HighlightLegend(window, tags[0].color if tags else FALLBACK_COLOR)
        window.highlight_legend = legend
    legend.show()
    legend.raise_()
    return legend
