"""Edit > Auto-code…: tag every passage that matches a word, phrase or
pattern, after a live preview of the matches; one undo step for them all.
The preview, the count on the button and the run all come from the core's
``plan_autocode``, so the button says exactly how many claims a click adds."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from desktop_app.core.errors import MarginaliaError
from desktop_app.qt.commands.autocode import AutoCode
from desktop_app.qt.swatches import swatch

SAMPLE = 50  # passages shown in the preview
CONTEXT = 40  # characters either side of a match in the preview
PREVIEW_DELAY_MS = 200


def in_context(text: str, start: int, end: int, context: int = CONTEXT) -> str:
    """The match ``text[start:end]`` in brackets with the words around it, on
    one line: a space beside the brackets only where the text has one, so that
    "deepfake, which" reads "[deepfake], which" (not "[deepfake] , which")."""
    def squeeze(part: str) -> str:
        return " ".join(part.split())

    before, found, after = text[max(0, start - context):start], text[start:end], text[end:end + context]
    left, right = squeeze(before), squeeze(after)
    if left and before[-1].isspace():
        left += " "
    if right and after[0].isspace():
        right = " " + right
    head = "…" if start > context else ""  # the text goes on beyond the context shown
    tail = "…" if end + context < len(text) else ""
    return f"{head}{left}[{squeeze(found)}]{right}{tail}"


class AutoCodeDialog(QDialog):
    """Pattern, options, tag and scope; the matches shown as they are typed."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.setWindowTitle("Auto-code")
        self.setModal(False)
        self.matches: list[tuple[int, int, int]] = []
        self.new_count = 0
        self._new: set[tuple[int, int, int]] = set()
        self.pattern = QLineEdit()
        self.pattern.setAccessibleName("Pattern")
        self.pattern.setPlaceholderText("A word, a phrase, or a regular expression")
        self.regex = QCheckBox("Regular e&xpression")
        self.whole_words = QCheckBox("&Whole words")
        self.whole_words.setChecked(True)
        self.case = QCheckBox("Match &case")
        self.accents = QCheckBox("Match acce&nts")
        self.accents.setToolTip("Off: “cafe” also finds “Café”, as search does. On: accents must match as typed.")
        self.tag = QComboBox()
        self.tag.setAccessibleName("Tag")
        for t in window.store.list_tags():
            self.tag.addItem(swatch(t.color), t.name, t.id)
        self.current_doc = QRadioButton("C&urrent document")
        self.all_docs = QRadioButton("&All documents")
        scope = QButtonGroup(self)
        scope.addButton(self.current_doc)
        scope.addButton(self.all_docs)
        (self.current_doc if self._current_document() is not None else self.all_docs).setChecked(True)
        self.current_doc.setEnabled(self._current_document() is not None)
        self.count = QLabel()
        self.count.setAccessibleName("Number of matches")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Problem with the pattern")
        self.message.setStyleSheet("color: #C0392B;")
        self.message.hide()
        self.preview = QListWidget()
        self.preview.setAccessibleName("Matches")
        self.preview.setWordWrap(True)

        options = QHBoxLayout()
        for check in (self.regex, self.whole_words, self.case, self.accents):
            options.addWidget(check)
        options.addStretch(1)
        scopes = QHBoxLayout()
        scopes.addWidget(self.current_doc)
        scopes.addWidget(self.all_docs)
        scopes.addStretch(1)
        form = QFormLayout()
        form.addRow("&Pattern:", self.pattern)
        form.addRow("", options)
        form.addRow("&Tag:", self.tag)
        form.addRow("Scope:", scopes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.commit_button = QPushButton("Tag 0 passages")
        self.commit_button.setDefault(True)
        buttons.addButton(self.commit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.commit_button.clicked.connect(self.commit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.count)
        layout.addWidget(self.message)
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)
        self.resize(620, 480)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.pattern.textChanged.connect(lambda _t: self._timer.start())
        for widget in (self.regex, self.whole_words, self.case, self.accents, self.current_doc, self.all_docs):
            widget.toggled.connect(lambda _on: self._timer.start())
        self.tag.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.update_preview()

    def _current_document(self) -> int | None:
        pane = self.w.active_pane or (self.w.panes[0] if self.w.panes else None)
        return pane.view.document_id if pane is not None else None

    def document_ids(self) -> list[int] | None:
        """The documents searched (None: all of them)."""
        if self.current_doc.isChecked() and self._current_document() is not None:
            return [self._current_document()]
        return None

    def options(self) -> dict:
        return dict(regex=self.regex.isChecked(), whole_words=self.whole_words.isChecked(),
                    case_sensitive=self.case.isChecked(), accent_sensitive=self.accents.isChecked(),
                    document_ids=self.document_ids())

    def _show_problem(self, sentence: str) -> None:
        self.message.setText(sentence)
        self.message.setVisible(bool(sentence))

    def update_preview(self) -> int:
        """Search again; the number of matches (0 when the pattern is empty or refused)."""
        from desktop_app.core.autocode import plan_autocode

        self._timer.stop()
        self.preview.clear()
        self.matches, self.new_count, self._new = [], 0, set()
        pattern = self.pattern.text()
        if not pattern.strip():
            self._show_problem("")
            self.count.setText("Type what to look for.")
            self._update_commit()
            return 0
        try:
            plan = plan_autocode(self.w.store, pattern, self.tag.currentData(), **self.options())
        except MarginaliaError as exc:
            self._show_problem(str(exc))
            self.count.setText("No preview.")
            self._update_commit()
            return 0
        self._show_problem("")
        self.matches, self._new, self.new_count = list(plan.matches), set(plan.new), len(plan.new)
        docs = len({d for d, _, _ in self.matches})
        n = len(self.matches)
        text = f"{n} match{'es' if n != 1 else ''} in {docs} document{'s' if docs != 1 else ''}"
        if self.new_count != n:
            text += f" ({n - self.new_count} inside claims that have this tag already)"
        self.count.setText(text + ".")
        self._fill_sample()
        self._update_commit()
        return n

    def _fill_sample(self) -> None:
        titles: dict[int, str] = {}
        texts: dict[int, str] = {}
        for doc_id, start, end in self.matches[:SAMPLE]:
            if doc_id not in texts:
                texts[doc_id] = self.w.store.document_text(doc_id)
                titles[doc_id] = self.w.store.document_title(doc_id)
            known = "" if (doc_id, start, end) in self._new else " (has this tag already)"
            self.preview.addItem(f"{titles[doc_id]}: {in_context(texts[doc_id], start, end)}{known}")
        if len(self.matches) > SAMPLE:
            self.preview.addItem(f"… and {len(self.matches) - SAMPLE} more")

    def _update_commit(self) -> None:
        n = self.new_count
        self.commit_button.setText(f"Tag {n} passage{'s' if n != 1 else ''}")
        self.commit_button.setEnabled(n > 0 and self.tag.currentData() is not None)

    def commit(self) -> AutoCode | None:
        """Tag the matches (one undo step); the command, or None if nothing was done."""
        self.update_preview()
        if self.new_count <= 0 or self.tag.currentData() is None:
            return None
        cmd = AutoCode(self.w.store, self.w.events, self.pattern.text(), int(self.tag.currentData()),
                       **self.options())
        if not self.w.annotator.push(cmd):
            return None
        n = len(cmd.claim_ids)
        self.w.statusBar().showMessage(
            f"Tagged {n} passage{'s' if n != 1 else ''} as {self.tag.currentText()} (Ctrl+Z undoes it).", 8000)
        self.accept()
        return cmd


def show_autocode(window) -> AutoCodeDialog | None:
    """Edit > Auto-code…: open the dialog (not modal, so that the panes stay readable)."""
    if window.store is None:
        return None
    dialog = getattr(window, "autocode_dialog", None)
    if dialog is not None:
        dialog.close()
        dialog.deleteLater()
    dialog = AutoCodeDialog(window)
    window.autocode_dialog = dialog
    dialog.show()
    dialog.raise_()
    dialog.pattern.setFocus()
    return dialog
