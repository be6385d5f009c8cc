"""Marginalia's benchmark suite.

    python bench/run.py                # the full suite, a table on stdout
    python bench/run.py --quick        # small inputs, a few seconds
    python bench/run.py --json FILE    # also write the figures as JSON

Every figure is the median of several runs, and every ratio compares with a
baseline measured in the same run (what Qt, sqlite3 or the csv module do
alone), so that ratios hold on a noisy machine. No test asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from inputs import dialogue_novel, news_page, novel_markdown, spans  # noqa: E402

TARGETS = {
    "first_paint_ratio": ("<=", 1.5),
    "startup_ratio": ("<=", 3),
    "open_3mb_s": ("<=", 0.5),
    "open_3mb_ratio": ("<=", 3),
    "open_3mb_10k_claims_ratio": ("<=", 4),
    "add_claim_ms_10k": ("<=", 16),
    "add_claim_scaling": ("<=", 1.3),
    "scroll_frame_ms": ("<=", 16),
    "export_100k_ratio": ("<=", 3),
    "export_peak_mb": ("<=", 50),
    "import_ratio": ("<=", 2),
    "web_import_ratio": ("<=", 1.5),
    "search_ms": ("<=", 50),
    "search_worst_ms": ("<=", 100),
    "corpus_search_ms": ("<=", 100),
    "bulk_claims_ratio": ("<=", 3),
    "rss_mb": ("<=", 400),
    "rss_laid_out_mb": ("<=", 400),
    "open_dialogue_s": ("<=", 0.5),
    "open_dialogue_ratio": ("<=", 3),
    "open_dialogue_10k_claims_ratio": ("<=", 4),
    "rss_dialogue_mb": ("<=", 400),
    "pdf_import_ratio": ("<=", 1.5),
    "open_pdf_300_ratio": ("<=", 1.1),
    "ready_100k_ratio": ("<=", 1.5),
    "ready_1m_s": ("<=", 2),
    "library_filter_ms_10k": ("<=", 30),
    "rss_mb_1m": ("<=", 400),
    "export_1m_ratio": ("<=", 3),
    "claims_sort_ms_1m": ("<=", 50),
    "claims_filter_ms_1m": ("<=", 50),
}


class Sizes:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.doc_bytes = 300_000 if quick else 3_200_000
        self.claims = 1_000 if quick else 10_000
        self.few_claims = 100
        self.export_claims = 10_000 if quick else 100_000
        self.search_docs = 100 if quick else 1_000
        self.search_claims = 10_000 if quick else 100_000
        self.huge_doc_bytes = 4_500_000 if quick else 45_000_000
        self.repeats = 3 if quick else 7
        self.startup_repeats = 2 if quick else 7
        self.adds = 5 if quick else 25
        # generated projects: (name, documents, claims per document, words per document)
        self.projects = (("100k", 50, 20, 200), ("1m", 200, 20, 200), ("10k", 500, 2, 80)) if quick else (
            ("100k", 1_000, 100, 700), ("1m", 10_000, 100, 700), ("10k", 10_000, 2, 120))
        self.project_repeats = 1 if quick else 3
        self.big_docs = 50 if quick else 1_000  # the claims table's project (--only bigclaims)
        self.big_claims = 5_000 if quick else 1_000_000


def median_time(fn, repeats: int, setup=None) -> float:
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def user_dirs(root: Path) -> None:
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
        (root / sub).mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(root / sub)


# ---------------------------------------------------------------- start-up
def startup(sizes: Sizes, tmp: Path) -> dict:
    from desktop_app.core.store import Store

    db = tmp / "startup.db"
    Store.open(db).close()
    probe = str(HERE / "probe_startup.py")

    def launch(*args: str) -> float:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, probe, *args], stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - t0
        proc.wait(timeout=60)
        if line.strip() != "READY":
            raise RuntimeError(f"probe {args} failed")
        return elapsed

    launch("bare")  # warm the file cache
    launch("library", str(db))
    bare, first, full, ready = [], [], [], []
    for _ in range(sizes.startup_repeats):  # interleaved, so that drift hits all of them
        bare.append(launch("bare"))
        first.append(launch("first-paint", str(db)))
        full.append(launch("library", str(db)))
        ready.append(launch("store-ready", str(db)))
    b = statistics.median(bare)
    return {
        "bare_window_s": b,
        "first_paint_s": statistics.median(first),
        "startup_s": statistics.median(full),
        "store_ready_s": statistics.median(ready),
        "first_paint_ratio": statistics.median(first) / b,
        "startup_ratio": statistics.median(full) / b,
    }


# ------------------------------------------------------------- the window
def window_figures(sizes: Sizes, tmp: Path) -> dict:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QTextEdit

    from desktop_app.core.importers import import_bytes
    from desktop_app.core.store import Store
    from desktop_app.qt.app import make_application
    from desktop_app.qt.main_window import MainWindow

    app = make_application()
    markdown = novel_markdown(sizes.doc_bytes)
    db = tmp / "window.db"
    with Store.open(db, seed=False) as store:
        doc_many = store.add_document(import_bytes(markdown.encode(), name="novel.md"), original_name="novel.md")
        doc_few = store.add_document(import_bytes(markdown.encode(), name="novel2.md"), original_name="novel2.md")
        text = store.document_text(doc_many.id)
        tag = store.resolve_tag("salaries")
        store.add_claims_bulk(doc_many.id, spans(len(text), sizes.claims), [tag])
        store.add_claims_bulk(doc_few.id, spans(len(text), sizes.few_claims), [tag])
        doc_plain = store.add_document(import_bytes(markdown.encode(), name="plain.md"), original_name="plain.md")
        # a novel of short paragraphs, as plain text: one block per line
        dialogue = dialogue_novel(sizes.doc_bytes).encode()
        dlg_plain = store.add_document(import_bytes(dialogue, name="dialogue.txt"), original_name="dialogue.txt")
        dlg_many = store.add_document(import_bytes(dialogue, name="dialogue2.txt"), original_name="dialogue2.txt")
        dlg_text = store.document_text(dlg_plain.id)
        store.add_claims_bulk(dlg_many.id, spans(len(dlg_text), sizes.claims), [tag])

    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.open_database(db)
    app.processEvents()
    pane = window.panes[0]
    for other in window.panes[1:]:
        window.close_pane(other)
    app.processEvents()

    # baseline: the same text straight into a QTextEdit of the same size
    edit = QTextEdit()
    edit.resize(pane.view.size())
    edit.show()

    def baseline_open():
        edit.setPlainText(text)
        edit.viewport().repaint()

    def open_doc(doc_id):
        def run():
            window.annotator._docs_cache.clear()
            window.open_document(doc_id, pane)
            pane.view.viewport().repaint()
        return run

    def settle():  # what the event loop does between two user actions
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)

    base = median_time(baseline_open, sizes.repeats, settle)
    plain = median_time(open_doc(doc_plain.id), sizes.repeats, settle)
    many = median_time(open_doc(doc_many.id), sizes.repeats, settle)

    def dialogue_baseline():
        edit.setPlainText(dlg_text)
        edit.viewport().repaint()

    dlg_base = median_time(dialogue_baseline, sizes.repeats, settle)
    dlg_open = median_time(open_doc(dlg_plain.id), sizes.repeats, settle)
    dlg_open_many = median_time(open_doc(dlg_many.id), sizes.repeats, settle)
    # the parts of opening, alone: the offset map and the QTextDocument
    from desktop_app.qt.offsets import OffsetMap
    from desktop_app.qt.rendering import build_document

    structured = import_bytes(markdown.encode(), name="novel.md")
    offset_map = median_time(lambda: OffsetMap(structured.text), sizes.repeats)
    built = median_time(lambda: build_document(structured).deleteLater(), sizes.repeats, settle)
    out = {
        "offset_map_3mb_s": offset_map,
        "build_document_s": built,
        "qtextedit_open_s": base,
        "open_3mb_s": plain,
        "open_3mb_ratio": plain / base,
        "open_3mb_10k_claims_s": many,
        "open_3mb_10k_claims_ratio": many / base,
        "dialogue_qtextedit_open_s": dlg_base,
        "open_dialogue_s": dlg_open,
        "open_dialogue_ratio": dlg_open / dlg_base,
        "open_dialogue_10k_claims_s": dlg_open_many,
        "open_dialogue_10k_claims_ratio": dlg_open_many / dlg_base,
    }

    def add_claims(doc_id) -> float:
        window.open_document(doc_id, pane)
        app.processEvents()
        view = pane.view
        view.setFocus()
        length = len(view.canonical_text)
        times = []
        for i in range(sizes.adds):
            start = (i * 7919 * 13) % (length - 100)
            view.select_offsets(start, start + 30)
            t0 = time.perf_counter()
            QTest.keyClick(view, Qt.Key.Key_2)
            view.viewport().repaint()
            times.append(time.perf_counter() - t0)
            settle()
        return statistics.median(times)

    add_many = add_claims(doc_many.id)
    add_few = add_claims(doc_few.id)
    out["add_claim_ms_10k"] = add_many * 1000
    out["add_claim_ms_100"] = add_few * 1000
    out["add_claim_scaling"] = add_many / add_few

    window.open_document(doc_many.id, pane)
    app.processEvents()
    bar = pane.view.verticalScrollBar()
    frames = []
    for i in range(40 if not sizes.quick else 10):
        bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep()))
        t0 = time.perf_counter()
        pane.view.viewport().repaint()
        frames.append(time.perf_counter() - t0)
    out["scroll_frame_ms"] = statistics.median(frames) * 1000
    window.close()
    # resident memory of a fresh process showing the document with its claims,
    # as opened and once Qt has laid out the whole text (as it does while idle)
    for key, data, name in (("rss", markdown.encode(), "novel.md"), ("rss_dialogue", dialogue, "dialogue.txt")):
        with Store.open(tmp / f"{key}.db", seed=False) as store:
            doc = store.add_document(import_bytes(data, name=name), original_name=name)
            length = len(store.document_text(doc.id))
            store.add_claims_bulk(doc.id, spans(length, sizes.claims), [store.resolve_tag("salaries")])
        probe = subprocess.run([sys.executable, str(HERE / "probe_startup.py"), "rss", str(tmp / f"{key}.db")],
                               capture_output=True, text=True, timeout=300)
        opened, laid_out = (float(v) for v in probe.stdout.split())
        if key == "rss":
            out["rss_mb"], out["rss_laid_out_mb"] = opened, laid_out
        else:
            out["rss_dialogue_opened_mb"], out["rss_dialogue_mb"] = opened, laid_out
    return out


# ------------------------------------------------------------------ export
def export_figures(sizes: Sizes, tmp: Path) -> dict:
    from desktop_app.core.exchange.claims_csv import HEADER, export_csv
    from desktop_app.core.store import Store

    db = tmp / "export.db"
    with Store.open(db) as store:
        doc = store.list_documents()[0]
        text = store.document_text(doc.id)
        tags = [t.id for t in store.list_tags()][:2]
        per = len(text) - 60
        rows = [((i * 37) % per, (i * 37) % per + 40) for i in range(sizes.export_claims)]
        store.add_claims_bulk(doc.id, rows, tags)
        # the same rows, in memory, for the baseline
        memory = []
        for c in store.iter_claims():
            memory.append((c.uuid, doc.id, doc.title, doc.original_name, doc.published, "deepfakes; salaries",
                           c.quote, c.prefix, c.suffix, c.start, c.end, c.note, c.status, c.annotator,
                           c.created_at.isoformat(timespec="seconds"), c.updated_at.isoformat(timespec="seconds")))

        def baseline():
            with open(tmp / "baseline.csv", "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(HEADER)
                writer.writerows(memory)

        def product():
            with open(tmp / "export.csv", "w", newline="", encoding="utf-8") as fh:
                export_csv(store, fh)

        repeats = max(3, sizes.repeats // 2)
        base = median_time(baseline, repeats)
        mine = median_time(product, repeats)
        memory.clear()  # out of the way of the memory figure
        tracemalloc.start()
        product()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "csv_module_100k_s": base,
        "export_100k_s": mine,
        "export_100k_ratio": mine / base,
        "export_peak_mb": peak / 1024 / 1024,
    }


# --------------------------------------------------------- large projects
PROJECT_CACHE_VERSION = 1  # bump when build_project or the schema changes what it makes


def project_db(tmp_root: Path, name: str, documents: int, per_doc: int, words: int) -> Path:
    """A generated project, built once and kept in the temp folder between
    runs (building the largest takes minutes), or in $MARGINALIA_BENCH_CACHE."""
    from desktop_app.core.store import database

    from inputs import build_project

    cache = Path(os.environ.get("MARGINALIA_BENCH_CACHE") or Path(tempfile.gettempdir()) / "marginalia-bench-projects")
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{name}-{documents}x{per_doc}x{words}-v{PROJECT_CACHE_VERSION}.db"
    if path.exists():
        try:
            if database.inspect_file(path) == database.HEAD:
                return path
        except Exception:  # noqa: BLE001 - a broken or older cache is built again
            pass
        path.unlink()
    partial = path.with_suffix(".partial")
    for leftover in cache.glob(partial.name + "*"):
        leftover.unlink()
    t0 = time.perf_counter()
    build_project(partial, documents, per_doc, words)
    partial.rename(path)
    print(f"# built {path.name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return path


PROBE_TIMEOUT_S = int(os.environ.get("MARGINALIA_PROBE_TIMEOUT", "900"))  # seconds


def probe_project(db: Path, home: Path) -> dict | None:
    """The probe's figures for a project; None (said on stderr) when it did
    not get there within PROBE_TIMEOUT_S."""
    env = dict(os.environ, XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_STATE_HOME=str(home / "state"))
    try:
        proc = subprocess.run([sys.executable, str(HERE / "probe_startup.py"), "project", str(db)],
                              capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        print(f"# {db.name}: not ready to claim within {PROBE_TIMEOUT_S} s", file=sys.stderr, flush=True)
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"probe project {db.name} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def project_figures(sizes: Sizes, tmp: Path) -> dict:
    """The window on generated projects (ready to claim, memory, library
    filter), each opened in a fresh process, against the two sample articles;
    and the CSV export of the largest against the csv module."""
    from desktop_app.core.store import Store

    sample = tmp / "sample.db"
    Store.open(sample).close()
    dbs = {name: project_db(tmp, name, *shape) for name, *shape in sizes.projects}
    out: dict[str, float] = {}
    runs: dict[str, list[dict]] = {"sample": []} | {name: [] for name in dbs}
    given_up: set[str] = set()
    for i in range(sizes.project_repeats):  # interleaved, so that drift hits all of them
        for name in runs:
            if name in given_up:
                continue
            home = tmp / f"home-{name}-{i}"  # a fresh home: no layout or open documents remembered
            figures = probe_project(sample if name == "sample" else dbs[name], home)
            if figures is None:
                given_up.add(name)  # one timeout says enough
            else:
                runs[name].append(figures)

    def med(name: str, key: str) -> float:
        values = [r[key] for r in runs[name]]
        return statistics.median(values) if values else float("nan")

    out["ready_sample_s"] = med("sample", "ready_s")
    out["ready_100k_s"] = med("100k", "ready_s")
    out["ready_100k_ratio"] = out["ready_100k_s"] / out["ready_sample_s"]
    out["ready_1m_s"] = med("1m", "ready_s")
    out["counted_1m_s"] = med("1m", "counted_s")
    out["ready_10k_short_s"] = med("10k", "ready_s")
    out["rss_mb_sample"] = med("sample", "rss_mb")
    out["rss_mb_1m"] = med("1m", "rss_mb")
    out["library_filter_ms_10k"] = med("10k", "library_filter_ms")
    out["library_filter_worst_ms_10k"] = med("10k", "library_filter_worst_ms")
    out["library_filter_ms_1m"] = med("1m", "library_filter_ms")
    out.update(export_large(dbs["1m"], tmp))
    return out


def export_large(db: Path, tmp: Path) -> dict:
    """CSV export of every claim of a project against the csv module writing
    the same rows, already in memory."""
    from desktop_app.core.exchange.claims_csv import export_csv
    from desktop_app.core.store import Store

    with Store.open(db) as store:
        t0 = time.perf_counter()
        with open(tmp / "export-large.csv", "w", newline="", encoding="utf-8") as fh:
            written = export_csv(store, fh)
        mine = time.perf_counter() - t0
    with open(tmp / "export-large.csv", newline="", encoding="utf-8") as fh:
        memory = list(csv.reader(fh))
    t0 = time.perf_counter()
    with open(tmp / "baseline-large.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(memory)
    base = time.perf_counter() - t0
    memory.clear()
    return {"export_1m_rows": float(written), "export_1m_s": mine, "csv_module_1m_s": base,
            "export_1m_ratio": mine / base}


# ------------------------------------------------------------------ import
def import_figures(sizes: Sizes) -> dict:
    from markdown_it import MarkdownIt

    from desktop_app.core.importers import import_bytes

    markdown = novel_markdown(sizes.doc_bytes, seed=5)
    data = markdown.encode()
    parser = MarkdownIt("commonmark")
    repeats = max(3, sizes.repeats // 2)
    parse = median_time(lambda: parser.parse(markdown), repeats)
    full = median_time(lambda: import_bytes(data, name="novel.md"), repeats)
    return {
        "markdown_it_parse_s": parse,
        "import_s": full,
        "import_mb_s": len(data) / 1e6 / full,
        "import_ratio": full / parse,
        **web_import_figures(sizes),
    }


def web_import_figures(sizes: Sizes) -> dict:
    """Importing a saved news page (the article, its structure and metadata,
    how much was left out) against the extractor alone on the same bytes,
    with the same options (formatting, links, tables and metadata)."""
    import trafilatura

    from desktop_app.core.importers import import_bytes

    page = news_page()
    repeats = max(3, sizes.repeats)

    def extractor_alone():
        trafilatura.bare_extraction(page, include_comments=False, include_formatting=True, include_links=True,
                                    include_tables=True, with_metadata=True)

    doc = import_bytes(page, name="news.html")
    assert doc.source_format == "web", "the bench page must import as an article"
    # interleaved, so that a burst of load elsewhere hits both sides alike
    base_times, mine_times = [], []
    for _ in range(repeats):
        base_times.append(median_time(extractor_alone, 1))
        mine_times.append(median_time(lambda: import_bytes(page, name="news.html"), 1))
    base, mine = statistics.median(base_times), statistics.median(mine_times)
    return {
        "web_page_kb": len(page) / 1024,
        "trafilatura_extract_s": base,
        "web_import_s": mine,
        "web_import_ratio": mine / base,
    }


# --------------------------------------------------------------------- PDF
def pdf_figures(sizes: Sizes, tmp: Path) -> dict:
    """Importing a 100-page text PDF against pypdfium2's own plain text
    extraction of it; opening a 300-page PDF's document in the window against
    a Markdown file of the same text."""
    import pypdfium2 as pdfium
    from PySide6.QtCore import QEvent

    sys.path.insert(0, str(HERE.parent / "tests"))
    import pdfsamples  # reportlab, from the test extra

    from desktop_app.core.importers import import_bytes
    from desktop_app.core.store import Store
    from desktop_app.qt.app import make_application
    from desktop_app.qt.main_window import MainWindow

    short, long = (10, 30) if sizes.quick else (100, 300)
    data = pdfsamples.article(pages=short, columns=2, seed=3).data

    def plain_text():
        pdf = pdfium.PdfDocument(data)
        for page in pdf:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        pdf.close()

    from desktop_app.core.importers.pdf import parse_pdf

    # pdf_import_ratio: the reading itself (what the import does with the
    # file, in this process) against pdfium's plain text, interleaved so that
    # load elsewhere hits both sides alike. An import in the application also
    # starts a reader child process and sends the document back
    # (importers/isolated.py): that cost does not grow with the pages and is
    # reported beside it, as pdf_import_isolated_s and reader_child_extra_s.
    repeats = max(3, sizes.repeats)
    base_times, mine_times, isolated_times = [], [], []
    for _ in range(repeats):
        base_times.append(median_time(plain_text, 1))
        mine_times.append(median_time(lambda: parse_pdf(data, name="report.pdf"), 1))
        isolated_times.append(median_time(lambda: import_bytes(data, name="report.pdf"), 1))
    base, mine = statistics.median(base_times), statistics.median(mine_times)
    isolated = statistics.median(isolated_times)
    out = {
        "pdfium_text_s": base,
        "pdf_import_s": mine,
        "pdf_import_ratio": mine / base,
        "pdf_import_isolated_s": isolated,
        "pdf_import_isolated_ratio": isolated / base,
        "reader_child_extra_s": isolated - mine,
    }

    app = make_application()
    big = import_bytes(pdfsamples.article(pages=long, columns=2, seed=4).data, name="long.pdf")
    markdown = "\n\n".join(big.text[b.start : b.end] for b in big.blocks)
    db = tmp / "pdf-window.db"
    with Store.open(db, seed=False) as store:
        doc_pdf = store.add_document(big, original_name="long.pdf")
        doc_md = store.add_document(import_bytes(markdown.encode(), name="long.md"), original_name="long.md")
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    window.open_database(db)
    app.processEvents()
    pane = window.panes[0]

    def open_doc(doc_id):
        def run():
            window.annotator._docs_cache.clear()
            window.open_document(doc_id, pane)
            pane.view.viewport().repaint()
        return run

    def settle():
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)

    md = median_time(open_doc(doc_md.id), sizes.repeats, settle)
    pdf = median_time(open_doc(doc_pdf.id), sizes.repeats, settle)
    window.close()
    out.update({"open_md_300_s": md, "open_pdf_300_s": pdf, "open_pdf_300_ratio": pdf / md})
    return out


# ------------------------------------------------ search and bulk insertion
def search_and_bulk(sizes: Sizes, tmp: Path) -> dict:
    from desktop_app.core.document import StructuredDocument, blocks_for_lines
    from desktop_app.core.store import Store

    out = {}
    db = tmp / "search.db"
    rng_words = novel_markdown(400_000, seed=9).split()
    with Store.open(db, seed=False) as store:
        per_doc = sizes.search_claims // sizes.search_docs
        with store.transaction():
            ids = []
            for i in range(sizes.search_docs):
                first = (i * 211) % (len(rng_words) - 600)
                words = rng_words[first : first + 600]
                if i % 5 == 0:  # figures, written as reports write them, for the figure-aware search
                    words[300:300] = f"the offer was {FIGURE_SPELLINGS[i // 5 % len(FIGURE_SPELLINGS)]} a year".split()
                text = " ".join(words)
                doc = StructuredDocument(text=text, blocks=blocks_for_lines(text), source_format="text",
                                         sha256="0" * 64)
                ids.append(store.add_document(doc, original_name=f"doc{i}.txt").id)
        for doc_id in ids:
            text = store.document_text(doc_id)
            store.add_claims_bulk(doc_id, spans(len(text), per_doc, seed=doc_id))
        queries = ["strike", "machine learning", "salary guild", "café", "netflix contract", "zürich"]
        times = []
        for q in queries * 3:
            t0 = time.perf_counter()
            store.search(q)
            times.append(time.perf_counter() - t0)
        out["search_ms"] = statistics.median(times) * 1000
        out["corpus_search_ms"] = corpus_search_ms(store)
        out["search_worst_ms"] = hostile_search_ms(store, sizes)

    # bulk: 100k claims in one operation against sqlite3 executemany of the same rows
    with Store.open(tmp / "bulk.db") as store:
        doc = store.list_documents()[0]
        text = store.document_text(doc.id)
        bulk = spans(len(text), sizes.export_claims, seed=4)
        t0 = time.perf_counter()
        store.add_claims_bulk(doc.id, bulk, [store.resolve_tag("strikes")])
        mine = time.perf_counter() - t0
    con = sqlite3.connect(tmp / "bulk_baseline.db")
    con.execute(
        "CREATE TABLE claims (id INTEGER PRIMARY KEY, uuid TEXT, document_id INT, start_offset INT, "
        "end_offset INT, quote TEXT, prefix TEXT, suffix TEXT, note TEXT, status TEXT, annotator TEXT, "
        "version INT, created_at TEXT, updated_at TEXT)"
    )
    import uuid

    now = "2026-01-01 00:00:00"
    rows = [
        (i + 1, str(uuid.uuid4()), 1, s, e, text[s:e], text[max(0, s - 32) : s], text[e : e + 32], "",
         "unverified", "bench", 1, now, now)
        for i, (s, e) in enumerate(bulk)
    ]
    t0 = time.perf_counter()
    with con:
        con.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    base = time.perf_counter() - t0
    con.close()
    out.update({"bulk_claims_s": mine, "sqlite3_executemany_s": base, "bulk_claims_ratio": mine / base})
    return out


# ------------------------------------------------------- a million claims
def big_claims_project(sizes: Sizes, tmp: Path) -> Path:
    """A project of ``sizes.big_claims`` claims over ``sizes.big_docs`` articles,
    made through the public bulk paths (add_document, add_claims_bulk,
    set_claim_note/status for a few). The full one is kept in the system's
    temporary folder for the next runs (a million claims take minutes to
    write); the quick one is made in the run's own folder each time."""
    from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines
    from desktop_app.core.store import Store
    from desktop_app.core.store.migrations import HEAD

    cache = tmp if sizes.quick else Path(tempfile.gettempdir()) / "marginalia-bench-cache"
    cache.mkdir(exist_ok=True)
    db = cache / f"bigclaims-{sizes.big_docs}-{sizes.big_claims}-{HEAD}.db"
    if db.exists():
        return db
    part = db.with_suffix(".part")
    for old in cache.glob(part.name + "*"):
        old.unlink()
    words = novel_markdown(600_000, seed=11).split()
    per_doc = sizes.big_claims // sizes.big_docs
    t0 = time.perf_counter()
    with Store.open(part, seed=True) as store:
        tag_ids = [t.id for t in store.list_tags()]
        for i in range(sizes.big_docs):
            first = (i * 389) % (len(words) - 1500)
            text = " ".join(words[first : first + 1500])
            title = " ".join(words[first + 7 : first + 12]).title() + f" ({i})"
            doc = store.add_document(StructuredDocument(
                text=text, blocks=blocks_for_lines(text), source_format="text", sha256="0" * 64,
                metadata=Metadata(title=title)), original_name=f"article{i}.txt")
            tags = [tag_ids[i % len(tag_ids)]] + ([tag_ids[(i + 1) % len(tag_ids)]] if i % 3 == 0 else [])
            ids = store.add_claims_returning_ids(doc.id, spans(len(text), per_doc, seed=i), tags)
            if i % 10 == 0:  # some notes and statuses, so that those columns sort by something
                store.set_claim_note(ids[0], f"Checked against source {i}: {' '.join(words[first:first + 6])}")
                store.set_claim_status(ids[1], ("supported", "disputed", "refuted")[i % 3])
    part.rename(db)
    print(f"#   made {db.name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return db


def big_claims_figures(sizes: Sizes, tmp: Path) -> dict:
    """The claims table over a project of a million claims: sort it by each
    column (both ways), type words in its filter one character at a time.
    Each figure is the time from the action to the table painted again, the
    median of its runs; the figure named is the slowest column or character."""
    from PySide6.QtCore import Qt

    from desktop_app.core.store import Store
    from desktop_app.qt.app import make_application
    from desktop_app.qt.claims_model import ClaimsModel
    from desktop_app.qt.claims_panel import ClaimsPanel
    from desktop_app.qt.events import StoreEvents

    app = make_application()
    db = big_claims_project(sizes, tmp)
    store = Store.open(db, annotator="bench")
    events = StoreEvents()
    model = ClaimsModel(store, events)
    panel = ClaimsPanel()
    panel.resize(1400, 700)
    panel.show()
    panel.set_model(model)
    panel.set_tags(store.list_tags())
    app.processEvents()
    table = panel.table

    def shown() -> None:
        table.viewport().repaint()  # the rows on screen painted (their cells read)
        app.processEvents()

    sorts = []
    for column in range(len(ClaimsModel.HEADERS)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            times = []
            for _ in range(1 if sizes.quick else sizes.repeats):
                table.sortByColumn(ClaimsModel.UPDATED if column != ClaimsModel.UPDATED else 0, order)
                shown()
                t0 = time.perf_counter()
                table.sortByColumn(column, order)
                shown()
                times.append(time.perf_counter() - t0)
            sorts.append(statistics.median(times) * 1000)
            print(f"#   sort by {ClaimsModel.HEADERS[column]} {order.name}: {sorts[-1]:.1f} ms", file=sys.stderr)
    table.sortByColumn(ClaimsModel.UPDATED, Qt.SortOrder.DescendingOrder)
    shown()
    typed: dict[str, list[float]] = {}  # each prefix typed: its times
    for word in ("strike", "café", "union")[: 1 if sizes.quick else 3]:
        for _ in range(1 if sizes.quick else sizes.repeats):
            panel.text_filter.clear()
            shown()
            for i in range(1, len(word) + 1):
                t0 = time.perf_counter()
                panel.text_filter.setText(word[:i])
                shown()
                typed.setdefault(word[:i], []).append(time.perf_counter() - t0)
    keystrokes = {prefix: statistics.median(times) * 1000 for prefix, times in typed.items()}
    print("#   filter: " + ", ".join(f"{p!r} {ms:.1f} ms" for p, ms in keystrokes.items()), file=sys.stderr)
    steps, totals = [], []
    for _ in range(2):  # a word found nowhere: every claim is looked at, a window per step
        panel.text_filter.clear()
        shown()
        t0 = time.perf_counter()
        panel.text_filter.setText("zqx")
        steps.append(time.perf_counter() - t0)
        while model.canFetchMore():
            t1 = time.perf_counter()
            app.processEvents()
            steps.append(time.perf_counter() - t1)
        totals.append(time.perf_counter() - t0)
    panel.text_filter.clear()
    t0 = time.perf_counter()
    while model.canFetchMore() and model.rowCount() < 20_000:  # scrolling down twenty thousand rows
        model.fetchMore()
    table.scrollToBottom()
    shown()
    scroll = time.perf_counter() - t0
    panel.close()
    store.close()
    return {
        "claims_sort_ms_1m": max(sorts),
        "claims_filter_ms_1m": max(keystrokes.values()),  # the slowest character (median of its runs)
        "claims_filter_median_ms_1m": statistics.median(keystrokes.values()),
        "claims_filter_absent_step_ms_1m": max(steps) * 1000,  # the longest the window is held
        "claims_filter_absent_step_median_ms_1m": statistics.median(steps) * 1000,
        "claims_filter_absent_s_1m": statistics.median(totals),  # until every claim was looked at
        "claims_scroll_20k_s_1m": scroll,
    }


def big_claims_pg_figures(sizes: Sizes, tmp: Path) -> dict:
    """The claims table's store queries on a team database (a PostgreSQL
    server of its own on 127.0.0.1, see tests/pgserver.py): 100,000 claims
    (5,000 with --quick) made with the bulk path, then each sort (a page of
    200 ids and the cells of 64 rows) and each character of a typed word (a
    filter step), the median of five; the store's part of the window's
    figures, without Qt. Runs only when asked (--only bigclaims-pg)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from pgserver import PostgresServer

    from desktop_app.core.document import Metadata, StructuredDocument, blocks_for_lines
    from desktop_app.core.store import Store
    from desktop_app.core.store.claims_query import SORTS, ClaimQuery

    docs, per = (20, 250) if sizes.quick else (100, 1000)
    server = PostgresServer()  # a folder of its own that the server's user can enter, removed after
    server.start()
    try:
        server.create_database("big")
        url = server.url("big")
        words = novel_markdown(300_000, seed=11).split()
        with Store.open(url, annotator="bench") as store:
            tag_ids = [t.id for t in store.list_tags()]
            for i in range(docs):
                first = (i * 389) % (len(words) - 1500)
                text = " ".join(words[first : first + 1500])
                doc = store.add_document(StructuredDocument(
                    text=text, blocks=blocks_for_lines(text), source_format="text", sha256="0" * 64,
                    metadata=Metadata(title=" ".join(words[first + 7 : first + 12]).title())))
                store.add_claims_bulk(doc.id, spans(len(text), per, seed=i), [tag_ids[i % len(tag_ids)]])
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")  # the statistics autovacuum would gather on a team server in use
        with Store.open(url, annotator="bench") as store:

            def timed(run) -> float:
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    run()
                    times.append(time.perf_counter() - t0)
                return statistics.median(times) * 1000

            def page_and_cells(read) -> None:
                page = read()
                store.claims_by_id([k[-1] for k in page[:64]])

            sort = max(timed(lambda q=ClaimQuery(sort=name, descending=d): page_and_cells(
                lambda: store.claim_page(q, None, 200))) for name in SORTS[:-1] for d in (False, True))
            typed = max(timed(lambda q=ClaimQuery(words=(word[:i],)): page_and_cells(
                lambda: store.claim_window(q, None, 200, 2500)[0]))
                for word in ("strike", "café", "union") for i in range(1, len(word) + 1))
    finally:
        server.stop()
        server.cleanup()
    return {"claims_sort_ms_100k_pg": sort, "claims_filter_ms_100k_pg": typed}


FIGURE_SPELLINGS = ["$900K", "$900,000", "0.9 million dollars", "$650,000", "$650K", "35%", "12 actors"]
# what a user types in Search everything (Ctrl+Shift+F), as the window asks the store for it:
# each prefix of a word as typed (the window searches after a pause, so these are the worst case),
# names, phrases and figures, which are expanded into every spelling of their amount
CORPUS_QUERIES = ["str", "strike", "Delaney", "salary guild", '"studio strike"', "900", "900,000", "$900K",
                  "650K strike", "0.9 million", "35%", "strike 2023 900"]


def corpus_search_ms(store) -> float:
    """The slowest search of CORPUS_QUERIES (each its median of five runs)
    over the 1,000 documents and 100,000 claims, 50 results with their
    snippets, as the search panel asks."""
    worst = 0.0
    for query in CORPUS_QUERIES:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            store.search(query, limit=50)
            times.append(time.perf_counter() - t0)
        ms = statistics.median(times) * 1000
        print(f"#   corpus search {query!r}: {ms:.1f} ms", file=sys.stderr)
        worst = max(worst, ms)
    return worst


HOSTILE_QUERIES = [
    "the",  # in every document, thousands of times in the long ones
    "studio strike the writers actors union guild voice screen pay health contract netflix",
    " ".join(["the"] * 18_000),  # one word, repeated
    " ".join(["studio", "the"] * 500),
    "str* the* wri* act* uni*",  # prefixes that stand for many words
    '"the studio" "strike the" café zürich',
    "zzzabsent the",  # a word found nowhere beside one found everywhere
]


def hostile_search_ms(store, sizes: Sizes) -> float:
    """The slowest of the hostile queries (each its best of three runs) once
    a novel and a document near the import limit sit beside the 1,000
    documents: what a search costs at worst."""
    from desktop_app.core.document import StructuredDocument, blocks_for_lines

    for size, seed in ((sizes.doc_bytes, 11), (sizes.huge_doc_bytes, 12)):
        text = novel_markdown(size, seed=seed)
        doc = StructuredDocument(text=text, blocks=blocks_for_lines(text), source_format="text", sha256="0" * 64)
        store.add_document(doc, original_name=f"long{size}.md")
    worst = 0.0
    for query in HOSTILE_QUERIES:
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            store.search(query)
            best = min(best, time.perf_counter() - t0)
        print(f"#   search {query[:40]!r}: {best * 1000:.1f} ms", file=sys.stderr)
        worst = max(worst, best)
    return worst * 1000


# --------------------------------------------------------------------- main
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import PySide6

    return (f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, PySide6 {PySide6.__version__}, "
            f"SQLite {sqlite3.sqlite_version}; Qt platform {os.environ.get('QT_QPA_PLATFORM')}")


def verdict(name: str, value: float) -> str:
    if name not in TARGETS:
        return ""
    op, target = TARGETS[name]
    ok = value <= target if op == "<=" else value >= target
    return f"{op} {target:g}  {'ok' if ok else 'MISSED'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, a few seconds")
    parser.add_argument("--json", metavar="FILE", help="write the figures to FILE as JSON")
    parser.add_argument("--only", action="append", help="run only these groups: startup, window, export, "
                                                        "import, search, pdf, project, bigclaims, "
                                                        "bigclaims-pg (only when named)")
    args = parser.parse_args(argv)
    sizes = Sizes(args.quick)
    groups = {
        "startup": lambda tmp: startup(sizes, tmp),
        "window": lambda tmp: window_figures(sizes, tmp),
        "export": lambda tmp: export_figures(sizes, tmp),
        "import": lambda tmp: import_figures(sizes),
        "search": lambda tmp: search_and_bulk(sizes, tmp),
        "pdf": lambda tmp: pdf_figures(sizes, tmp),
        "project": lambda tmp: project_figures(sizes, tmp),
        "bigclaims": lambda tmp: big_claims_figures(sizes, tmp),
        "bigclaims-pg": lambda tmp: big_claims_pg_figures(sizes, tmp),
    }
    asked_only = {"bigclaims-pg"}  # needs PostgreSQL's server programs: run when named
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="marginalia-bench-") as tmpdir:
        tmp = Path(tmpdir)
        user_dirs(tmp / "home")
        for name, run in groups.items():
            if (args.only and name not in args.only) or (not args.only and name in asked_only):
                continue
            t0 = time.perf_counter()
            figures.update(run(tmp))
            print(f"# {name} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    width = max(len(k) for k in figures)
    print(f"Marginalia benchmarks ({'quick' if args.quick else 'full'}) on {machine()}")
    for name, value in figures.items():
        print(f"{name:<{width}}  {value:12.4f}  {verdict(name, value)}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"quick": args.quick, "machine": machine(), "figures": figures}, indent=2), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
