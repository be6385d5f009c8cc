"""View > Analysis: charts of the claims, drawn with matplotlib.

Three tabs: claims per tag per document (grouped bars), how tags occur
together (heat maps with the numbers written in), and claims over the
documents' published dates (grouped bars per tag). Each chart saves as PNG
or SVG, and all of them redraw when claims, tags or documents change.

This module imports matplotlib; the window loads it only when the analysis
view is first opened (see window_actions.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop_app.core import analysis

REFRESH_DELAY_MS = 150  # several edits in a row (an undo of a merge) redraw once
MAX_LABEL = 28
FALLBACK_COLOR = "#888888"


def choose_save_path(parent, title: str, suggested: str, file_filter: str) -> str | None:
    """The file chooser (tests replace this function)."""
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return name or None


def _short(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _color(tag) -> str:
    try:
        to_rgb(tag.color)
        return tag.color
    except (ValueError, TypeError):
        return FALLBACK_COLOR


def _text_color(rgba) -> str:
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def _empty(ax, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#555555", transform=ax.transAxes)


class ChartTab(QWidget):
    """One figure on a canvas, with its save buttons."""

    saved = Signal(str)  # the path written
    file_stem = "chart"

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.title = title
        self.figure = Figure(figsize=(9, 5.5), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setAccessibleName(title)
        self.save_png = QPushButton("Save as PNG…")
        self.save_svg = QPushButton("Save as SVG…")
        self.save_png.clicked.connect(lambda: self.ask_save("png"))
        self.save_svg.clicked.connect(lambda: self.ask_save("svg"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_png)
        buttons.addWidget(self.save_svg)
        layout = QVBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(buttons)

    def redraw(self, store) -> None:
        self.figure.clear()
        self.draw(store)
        self.canvas.draw_idle()

    def draw(self, store) -> None:  # pragma: no cover - each tab draws its own
        raise NotImplementedError

    def ask_save(self, kind: str) -> Path | None:
        file_filter = "PNG images (*.png)" if kind == "png" else "SVG drawings (*.svg)"
        suggested = str(Path.home() / f"{self.file_stem}.{kind}")
        name = choose_save_path(self, f"Save chart as {kind.upper()}", suggested, file_filter)
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        return self.save(path, kind)

    def save(self, path: Path, kind: str) -> Path | None:
        try:
            self.figure.savefig(path, format=kind, dpi=150 if kind == "png" else None)
        except OSError as exc:
            from desktop_app.qt import dialogs

            dialogs.warn(self, "Marginalia", f"The chart could not be saved to {path}: {exc.strerror or exc}.")
            return None
        self.saved.emit(str(path))
        return path


class PerDocumentTab(ChartTab):
    file_stem = "claims-per-tag-per-document"

    def draw(self, store) -> None:
        ax = self.figure.add_subplot()
        tags, documents, counts = analysis.claims_per_tag_per_document(store)
        # only the tags and documents that have tagged claims
        columns = [j for j in range(len(documents)) if any(row[j] for row in counts)]
        documents = [documents[j] for j in columns]
        used = [(tag, [row[j] for j in columns]) for tag, row in zip(tags, counts) if any(row)]
        self.documents = documents
        self.bars = {}
        if not used or not documents:
            _empty(ax, "No tagged claims yet")
            return
        width = 0.8 / len(used)
        xs = range(len(documents))
        for k, (tag, row) in enumerate(used):
            offset = (k - (len(used) - 1) / 2) * width
            self.bars[tag.name] = ax.bar([x + offset for x in xs], row, width, label=tag.name, color=_color(tag),
                                         edgecolor="white", linewidth=0.5)
        ax.set_xticks(list(xs), [_short(d.title) for d in documents],
                      rotation=30 if len(documents) > 3 else 0, ha="right" if len(documents) > 3 else "center")
        _style_counts(ax, "Claims per tag per document")


def _style_counts(ax, title: str) -> None:
    """The look the bar charts of claim counts share: whole numbers, a light
    grid, the tag legend outside on the right."""
    ax.set_ylabel("Claims")
    ax.set_title(title)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(title="Tag", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)


class CooccurrenceTab(ChartTab):
    file_stem = "tag-cooccurrence"

    def draw(self, store) -> None:
        co = analysis.tag_cooccurrence(store)
        keep = [i for i, _t in enumerate(co.tags) if co.same_claim[i][i]]
        self.tags = [co.tags[i] for i in keep]
        self.matrices = {
            "same_claim": [[co.same_claim[i][j] for j in keep] for i in keep],
            "overlapping": [[co.overlapping[i][j] for j in keep] for i in keep],
        }
        if not keep:
            _empty(self.figure.add_subplot(), "No tagged claims yet")
            self.axes = {}
            return
        axes = self.figure.subplots(1, 2)
        self.axes = dict(zip(("same_claim", "overlapping"), axes))
        titles = {"same_claim": "Tags on the same claim\n(diagonal: claims with the tag)",
                  "overlapping": "Tags on overlapping claims\n(pairs of different claims)"}
        labels = [_short(t.name, 18) for t in self.tags]
        for key, ax in self.axes.items():
            matrix = self.matrices[key]
            top = max(1, max(max(row) for row in matrix))
            image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=top, aspect="auto")
            ax.set_xticks(range(len(keep)), labels, rotation=45, ha="right")
            ax.set_yticks(range(len(keep)), labels)
            for tick_labels in (ax.get_xticklabels(), ax.get_yticklabels()):
                for label, tag in zip(tick_labels, self.tags):
                    label.set_color(_color(tag))
                    label.set_fontweight("bold")
            for i, row in enumerate(matrix):
                for j, value in enumerate(row):
                    ax.text(j, i, str(value), ha="center", va="center", fontsize=9,
                            color=_text_color(image.cmap(image.norm(value))))
            ax.set_title(titles[key])
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)


class DatesTab(ChartTab):
    file_stem = "claims-over-dates"
    MONTHS_AFTER = 24  # more dates than this: counted per month

    def draw(self, store) -> None:
        ax = self.figure.add_subplot()
        tags = {t.name: t for t in store.list_tags()}
        rows = analysis.claims_over_dates(store)
        self.bars = {}
        if not rows:
            self.periods = []
            _empty(ax, "No tagged claims yet")
            return
        dated = sorted({when for when, _n, _c in rows if when != analysis.UNDATED})
        by_month = len(dated) > self.MONTHS_AFTER

        def period(when) -> str:
            if when == analysis.UNDATED:
                return analysis.UNDATED
            assert isinstance(when, date)
            return when.strftime("%Y-%m") if by_month else when.isoformat()

        periods: list[str] = []
        counts: dict[tuple[str, str], int] = {}
        for when, name, count in rows:
            p = period(when)
            if p not in periods:
                periods.append(p)
            counts[(p, name)] = counts.get((p, name), 0) + count
        names = [n for n in tags if any((p, n) in counts for p in periods)]
        self.periods = periods
        width = 0.8 / len(names)
        for k, name in enumerate(names):
            offset = (k - (len(names) - 1) / 2) * width
            heights = [counts.get((p, name), 0) for p in periods]
            self.bars[name] = ax.bar([x + offset for x in range(len(periods))], heights, width, label=name,
                                     color=_color(tags[name]), edgecolor="white", linewidth=0.5)
        ax.set_xticks(range(len(periods)), periods, rotation=30 if len(periods) > 4 else 0,
                      ha="right" if len(periods) > 4 else "center")
        if analysis.UNDATED in periods and len(periods) > 1:
            ax.axvline(len(periods) - 1.5, color="#999999", linestyle=":", linewidth=1)
        ax.set_xlabel("Published " + ("month" if by_month else "date"))
        _style_counts(ax, "Claims over the documents' published dates")


class AnalysisWindow(QWidget):
    """The analysis charts of one store, following its events."""

    refreshed = Signal()

    def __init__(self, parent, store, events) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Analysis — Marginalia")
        self.setObjectName("AnalysisWindow")
        self.store = store
        self.events = events
        self.tabs = QTabWidget()
        self.per_document = PerDocumentTab("Claims per tag per document")
        self.cooccurrence = CooccurrenceTab("Tag co-occurrence")
        self.dates = DatesTab("Claims over published dates")
        for tab, label in ((self.per_document, "Per document"), (self.cooccurrence, "Co-occurrence"),
                           (self.dates, "Over dates")):
            self.tabs.addTab(tab, label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        events.claimAdded.connect(self.schedule)
        events.claimChanged.connect(self.schedule)
        events.claimRemoved.connect(self.schedule)
        events.tagsChanged.connect(self.schedule)
        events.documentsChanged.connect(self.schedule)
        events.documentTextChanged.connect(self.schedule)
        self.resize(1000, 680)
        self.refresh()

    def charts(self) -> list[ChartTab]:
        return [self.per_document, self.cooccurrence, self.dates]

    def schedule(self, *_args) -> None:
        self._timer.start()

    def refresh(self) -> None:
        self._timer.stop()
        for chart in self.charts():
            chart.redraw(self.store)
        self.refreshed.emit()
