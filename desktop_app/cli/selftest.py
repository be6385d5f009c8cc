"""``marginalia --self-test``: a short end-to-end check of an installed copy.

It works in a temporary folder (the user folders for data, settings and logs
are pointed there too, so the real library is never opened), creates a
database with the sample articles, adds a claim, exports it in every format
and reads each file back, searches, imports a Word file and a PDF it makes
through the reader process, and, when Qt is available, builds the main
window off-screen on that database.
One line per check is printed; the exit status is 0 when all passed.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

QUOTE = "Netflix hires AI experts"


class _TempDirs:
    """Stands in for platformdirs: every user folder inside ``root``."""

    def __init__(self, root: Path) -> None:
        self.user_data_dir = str(root / "data")
        self.user_config_dir = str(root / "config")
        self.user_log_dir = str(root / "log")
        self.user_cache_dir = str(root / "cache")
        self.user_state_dir = str(root / "state")


class CheckFailed(Exception):
    pass


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def run_self_test(out=None) -> int:
    out = out or sys.stdout
    from desktop_app import __version__
    from desktop_app.core import paths

    saved_dirs = paths._dirs()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="marginalia-selftest-") as tmp:
        root = Path(tmp)
        paths._DIRS = _TempDirs(root)
        store = None
        current = "start"

        def ok(message: str) -> None:
            print(f"ok    {message}", file=out, flush=True)

        try:
            current = "version"
            ok(f"Marginalia {__version__} (Python {sys.version.split()[0]}, {sys.platform})")

            current = "sample articles"
            seeds = sorted(paths.seeds_dir().glob("*.md"))
            _expect(len(seeds) >= 2, f"expected 2 sample articles in {paths.seeds_dir()}, found {len(seeds)}")
            ok(f"sample articles found in {paths.seeds_dir()}")

            current = "resources"
            icon = paths.resources_dir() / "icons" / "marginalia.svg"
            _expect(icon.is_file(), f"the app icon is missing: {icon}")
            ok(f"resources found in {paths.resources_dir()}")

            current = "database"
            from desktop_app.core.store import Store

            db = paths.default_database()
            _expect(str(db).startswith(str(root)), f"the database would not be temporary: {db}")
            store = Store.open(db, annotator="self-test")
            ok(f"created a temporary database ({db.name}, migrations applied)")

            current = "documents"
            docs = store.list_documents()
            _expect(len(docs) == 2, f"expected the 2 sample documents, found {len(docs)}")
            netflix = [d for d in docs if QUOTE.lower() in store.document_text(d.id).lower()]
            _expect(bool(netflix), f"no sample document contains {QUOTE!r}")
            ok(f"loaded the 2 sample documents ({sum(d.char_count for d in docs)} characters)")

            current = "codebook"
            tags = store.list_tags()
            _expect(len(tags) > 0, "the default codebook is empty")
            ok(f"default codebook has {len(tags)} tags")

            current = "claim"
            from desktop_app.core.anchoring import anchor_quote

            doc = netflix[0]
            anchor = anchor_quote(store.document_text(doc.id), QUOTE, None)
            claim = store.add_claim(doc.id, anchor.start, anchor.end, [tags[0].id], note="self-test")
            _expect(claim.quote == QUOTE, f"the claim's quote is {claim.quote!r}")
            ok(f"added a claim by its quote, tagged '{tags[0].name}'")

            current = "export"
            from desktop_app.core.exchange import FORMATS

            for fmt in FORMATS:
                current = f"export to {fmt}"
                ok(f"exported to {fmt} and read it back{_check_export(store, fmt, root)}")

            current = "search"
            hits = store.search("Netflix")
            _expect(any(h.kind == "document" for h in hits), "searching 'Netflix' found no document")
            _expect(any(h.kind == "claim" for h in hits), "searching 'Netflix' found no claim")
            ok(f"search finds documents and the claim ({len(hits)} hits)")

            current = "Word file"
            ok(_check_word_file(store, root))

            current = "PDF file"
            ok(_check_pdf_file(store, root))
            documents = len(store.list_documents())
            store.close()
            store = None

            current = "team databases"
            ok(_check_team_driver())

            current = "window"
            message = _check_window(db, root, documents)
            ok(message)
        except Exception as exc:  # any failure is one line and exit 1
            kind = "" if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: "
            print(f"FAIL  {current}: {kind}{exc}", file=out, flush=True)
            return 1
        finally:
            if store is not None:
                try:
                    store.close()
                except Exception:
                    pass
            paths._DIRS = saved_dirs
    print(f"self-test passed in {time.monotonic() - started:.1f} s", file=out, flush=True)
    return 0


WORD_QUOTE = "Wages rose 12 % in 2026 🚀"


def _import_and_claim(store, path: Path, quote: str) -> str:
    """Import ``path`` as the program does (in the reader child) and claim ``quote`` in it."""
    from desktop_app.core.anchoring import anchor_quote
    from desktop_app.core.importers import import_file

    seen: list[int] = []
    doc = import_file(path, progress=lambda done, total: seen.append(done))
    row = store.add_document(doc, original_name=path.name)
    anchor = anchor_quote(store.document_text(row.id), quote, None)
    _expect(anchor is not None, f"the quote {quote!r} was not found in the imported {path.name}")
    claim = store.add_claim(row.id, anchor.start, anchor.end, [], note="self-test")
    _expect(claim.quote == quote, f"the claim's quote is {claim.quote!r}")
    return f"{row.title!r}, {row.char_count} characters, progress reported {len(seen)} times"


def _check_word_file(store, root: Path) -> str:
    """A .docx made here with python-docx, read in the reader child."""
    import docx

    path = root / "self-test.docx"
    document = docx.Document()
    document.core_properties.title = "Self-test press release"
    document.add_heading("Self-test press release", level=1)
    paragraph = document.add_paragraph("Figures: ")
    paragraph.add_run(WORD_QUOTE).bold = True
    document.save(path)
    return "imported a Word file in the reader process and claimed a quote: " + _import_and_claim(store, path, WORD_QUOTE)


def _check_pdf_file(store, root: Path) -> str:
    """A one-page PDF, when this copy has the PDF reader."""
    from desktop_app.core.importers.isolated import available

    if not available("pdf"):
        return "PDF reader not part of this copy: skipped"
    path = root / "self-test.pdf"
    path.write_bytes(_tiny_pdf("Self-test PDF page about wages"))
    return "imported a PDF in the reader process and claimed a quote: " + _import_and_claim(store, path, "about wages")


def _tiny_pdf(line: str) -> bytes:
    """A valid one-page PDF showing ``line`` (ASCII) in Helvetica."""
    stream = f"BT /F1 18 Tf 72 720 Td ({line}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _check_export(store, fmt: str, root: Path) -> str:
    """Export the one claim in ``fmt`` and read the file back with the library
    a user's program would use; returns what was seen."""
    import json
    import zipfile

    from desktop_app.core.exchange import FORMATS, run_export
    from desktop_app.core.exchange.claims_csv import ExportOptions

    target = root / f"claims{FORMATS[fmt][3]}"
    count = run_export(store, fmt, target, ExportOptions())
    data = target.read_bytes()
    if fmt == "csv":
        with open(target, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
        _expect(len(rows) == 1, f"the CSV export has {len(rows)} rows, expected 1")
        _expect(any(QUOTE in value for value in rows[0].values() if value), "the exported row lacks the quote")
    elif fmt == "w3c":
        items = json.loads(data)["first"]["items"]
        _expect(len(items) == 1, f"the W3C export has {len(items)} annotations, expected 1")
        _expect(QUOTE in json.dumps(items[0], ensure_ascii=False), "the annotation lacks the quote")
    elif fmt == "qdpx":
        from lxml import etree

        with zipfile.ZipFile(target) as zf:
            project = etree.fromstring(zf.read("project.qde"))
        selections = project.findall(".//{urn:QDA-XML:project:1.0}PlainTextSelection")
        _expect(len(selections) == 1, f"the REFI-QDA project has {len(selections)} selections, expected 1")
    elif fmt == "links-csv":  # no links: the header alone
        from desktop_app.core.exchange.links_csv import LINKS_HEADER

        with open(target, newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f))
        _expect(tuple(header) == tuple(LINKS_HEADER), "the links CSV lacks its header")
    elif fmt == "xlsx":
        import openpyxl

        rows = list(openpyxl.load_workbook(target, read_only=True)["Claims"].iter_rows(values_only=True))
        _expect(len(rows) == 2 and QUOTE in rows[1], "the workbook's Claims sheet lacks the claim")
    else:
        _expect(QUOTE.encode("utf-8") in data, f"the {fmt} export lacks the quote")
    _expect(count in (0, 1), f"the {fmt} export wrote {count} rows")
    return f" ({len(data)} bytes)"


def _check_team_driver() -> str:
    """Team databases need the PostgreSQL driver and dialect (loaded by name,
    so a bundle could miss them); no server is contacted."""
    import psycopg
    import sqlalchemy as sa

    from desktop_app.core.store import server

    url = server.parse_address("postgresql://self-test@127.0.0.1:1/none")
    engine = sa.create_engine(url)
    try:
        _expect(engine.dialect.name == "postgresql", "the PostgreSQL dialect did not load")
    finally:
        engine.dispose()
    return f"team databases: the PostgreSQL driver loads (psycopg {psycopg.__version__}, {psycopg.pq.__impl__})"


def _check_window(db: Path, root: Path, documents: int) -> str:
    """The main window, built off-screen on the test database, then dropped
    (without a close event, so no layout is saved)."""
    try:
        import PySide6  # noqa: F401
    except ImportError:
        return "Qt is not installed: the window check was skipped"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):  # the window's layout
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(root / "config"))
    from desktop_app.core.store import Store
    from desktop_app.qt.app import make_application
    from desktop_app.qt.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    try:
        window.attach_store(Store.open(db))
        app.processEvents()
        _expect(window.store is not None, "the window did not open the database")
        n = window.documents_model.rowCount() if window.documents_model is not None else -1
        _expect(n == documents, f"the window lists {n} documents, expected {documents}")
        _expect(not app.windowIcon().isNull(), "the application icon did not load")
    finally:
        store, window.store = window.store, None
        window.annotator.store = None
        if store is not None:
            store.close()
        window.deleteLater()
        app.processEvents()
    return f"main window built on the {app.platformName()} platform with the database and icon"
