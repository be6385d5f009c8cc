"""Commands about documents: ``import``, ``docs``, ``text``."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_app.cli.common import (
    EXIT_ERROR,
    open_store,
    print_json,
    usage,
)
from desktop_app.core.visible import show_controls


def register(sub, common) -> None:
    c = sub.add_parser("import", parents=[common],
                       help="import Markdown, text, HTML, PDF, Word (.docx), OpenDocument (.odt) or EPUB files, "
                            "or web pages by their http(s) address")
    c.set_defaults(func=cmd_import)
    c.add_argument("files", nargs="+", metavar="FILE_OR_ADDRESS")
    c.add_argument("--replace", metavar="DOC", help="replace this document's text with the file (one file)")
    c.add_argument("--format", choices=_import_formats(), help="read the files as this format")
    c.add_argument("--whole-page", action="store_true",
                   help="web pages: import the whole page, not only its article")
    c.add_argument("--password", metavar="PASSWORD", help="the password of an encrypted PDF")
    c.add_argument("--json", action="store_true")

    c = sub.add_parser("docs", parents=[common], help="list documents")
    c.set_defaults(func=cmd_docs)
    c.add_argument("--json", action="store_true")

    c = sub.add_parser("text", parents=[common], help="print a document's text exactly")
    c.set_defaults(func=cmd_text)
    c.add_argument("document", metavar="DOC")


def _import_formats() -> list[str]:
    # Named here rather than read from the importers, which would load them for every command.
    return ["markdown", "text", "html", "docx", "odt", "epub", "pdf"]


def cmd_import(args) -> int:
    from desktop_app.core.errors import DiskFull, MarginaliaError
    from desktop_app.core.importers import import_source, import_summary, is_web_address
    from desktop_app.core.settings import load_settings

    limits = load_settings().reader_limits

    def read(name: str):
        doc = import_source(name, fmt=args.format, whole_page=args.whole_page, password=args.password, **limits)
        said = import_summary(doc)
        if said:
            shown = doc.original.address if doc.original and doc.original.address else Path(name).name
            print(f"{shown}: {said}", file=sys.stderr, flush=True)
        return doc

    def original_name(name: str, doc) -> str:
        if is_web_address(name):
            return doc.original.address if doc.original and doc.original.address else name.strip()
        return Path(name).name

    with open_store(args) as store:
        if args.replace:
            if len(args.files) != 1:
                raise usage("--replace takes exactly one file.")
            doc_id = store.resolve_document(args.replace)
            doc = read(args.files[0])
            result = store.replace_document(doc_id, doc, original_name=original_name(args.files[0], doc))
            if args.json:
                print_json({**_doc_json(result.document), "claims_unchanged": result.unchanged,
                             "claims_moved": result.moved, "claims_changed": result.changed,
                             "claims_orphaned": result.orphaned})
            else:
                print(show_controls(f"{result.document.id}\t{result.document.title}"))
            print(result.summary(), file=sys.stderr)
            return 0
        failed = 0
        done = []
        for name in args.files:
            try:
                doc = read(name)
                row = store.add_document(doc, original_name=original_name(name, doc))
            except DiskFull:  # the next files would not fit either
                raise
            except MarginaliaError as exc:  # reported and skipped; the other files still import
                failed += 1
                print(f"marginalia: {exc}", file=sys.stderr)
                continue
            done.append(row)
            if not args.json:
                print(show_controls(f"{row.id}\t{row.title}"), flush=True)
        if args.json:
            print_json([_doc_json(r) for r in done])
        return EXIT_ERROR if failed else 0


def _doc_json(d) -> dict:
    return {
        "id": d.id, "uuid": d.uuid, "title": d.title, "author": d.author, "outlet": d.outlet,
        "source_url": d.source_url, "published": d.published, "format": d.source_format,
        "encoding": d.encoding, "original_name": d.original_name, "sha256": d.sha256,
        "characters": d.char_count, "imported_at": d.imported_at.isoformat(), "claims": d.claim_count,
    }


def cmd_docs(args) -> int:
    with open_store(args) as store:
        docs = store.list_documents()
    if args.json:
        print_json([_doc_json(d) for d in docs])
    else:
        for d in docs:
            print(show_controls(f"{d.id}\t{d.title}\t{d.outlet}\t{d.published}\t{d.claim_count} claims"))
    return 0


def cmd_text(args) -> int:
    with open_store(args) as store:
        text = store.document_text(store.resolve_document(args.document))
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0
