"""Commands about documents: ``import``, ``docs``, ``text``, ``original``."""

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
    c.add_argument("files", nargs="+", metavar="FILE_OR_ADDRESS", help="files to import, or http(s) addresses of web pages")
    c.add_argument("--replace", metavar="DOC", help="replace this document's text with the file (one file)")
    c.add_argument("--format", choices=_import_formats(), help="read the files as this format")
    c.add_argument("--whole-page", action="store_true",
                   help="web pages: import the whole page, not only its article")
    c.add_argument("--password", metavar="PASSWORD", help="the password of an encrypted PDF")
    c.add_argument("--highlights", metavar="TAG", default="imported",
                   help="tag for the claims made from highlights and comments found in the files (default: imported)")
    c.add_argument("--no-highlights", action="store_true",
                   help="leave the highlights and comments found in the files out")
    c.add_argument("--json", action="store_true", help="print the imported documents as JSON")

    c = sub.add_parser("docs", parents=[common], help="list documents")
    c.set_defaults(func=cmd_docs)
    c.add_argument("--json", action="store_true", help="print JSON (every field) instead of the columns")

    c = sub.add_parser("text", parents=[common], help="print a document's text exactly",
                       description="Print a document's text exactly as stored (the offsets of claims count its "
                                   "characters). Piped or redirected, not one character is added; on a terminal a "
                                   "final newline is added so that the prompt starts on a line of its own.")
    c.set_defaults(func=cmd_text)
    c.add_argument("document", metavar="DOC", help="a document: its id, or a word of its title (see 'marginalia docs')")

    c = sub.add_parser("original", parents=[common], help="save the source a document was read from, byte for byte")
    c.set_defaults(func=cmd_original)
    c.add_argument("document", metavar="DOC", help="a document: its id, or a word of its title (see 'marginalia docs')")
    c.add_argument("-o", "--output", metavar="FILE",
                   help="file to write, or - for standard output (default: the source's own name, here)")


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
            if doc.offered:  # a new version keeps the claims it has; the file's highlights are not added to them
                print(f"{len(doc.offered)} highlights in the new version were not made claims.", file=sys.stderr)
            if args.json:
                print_json({**_doc_json(result.document), "claims_unchanged": result.unchanged,
                             "claims_moved": result.moved, "claims_changed": result.changed,
                             "claims_orphaned": result.orphaned})
            else:
                print(show_controls(f"{result.document.id}\t{result.document.title}"))
            print(result.summary(), file=sys.stderr)
            return 0
        if not args.no_highlights:
            from desktop_app.core.codebook import clean_name

            clean_name(args.highlights)  # a tag name that cannot be: said before anything is imported
        failed = 0
        done = []
        for name in args.files:
            try:
                doc = read(name)
                with store.transaction():  # the document and its highlights, or nothing
                    row = store.add_document(doc, original_name=original_name(name, doc))
                    offered = None
                    if doc.offered and not args.no_highlights:
                        offered = store.add_offered_claims(row.id, doc.offered, tag_name=args.highlights)
            except DiskFull:  # the next files would not fit either
                raise
            except MarginaliaError as exc:  # reported and skipped; the other files still import
                failed += 1
                print(f"marginalia: {exc}", file=sys.stderr)
                continue
            if offered is not None:
                row = store.get_document(row.id)
            done.append((row, offered, len(doc.offered)))
            if not args.json:
                print(show_controls(f"{row.id}\t{row.title}"), flush=True)
            note = _highlights_note(doc, offered, args.highlights)
            if note:
                print(note, file=sys.stderr)
        if args.json:
            print_json([{**_doc_json(r), "highlights_found": found,
                         "highlight_claims": len(o.claim_ids) if o else 0} for r, o, found in done])
        return EXIT_ERROR if failed else 0


def _highlights_note(doc, offered, tag: str) -> str:
    """What became of the highlights and comments found in a file."""
    found = len(doc.offered)
    if not found:
        return ""
    if offered is None:
        return f"{found} highlight{'s' if found != 1 else ''} in the file left out (--no-highlights)."
    made = len(offered.claim_ids)
    became = "highlights from the file became claims" if made != 1 else "highlight from the file became a claim"
    line = f"{made} {became} tagged {tag.strip()}"
    if offered.skipped:
        line += f"; {offered.skipped} could not be found in the text"
    return line + "."


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
        print("ID\tTITLE\tOUTLET\tPUBLISHED\tCLAIMS")  # columns separated by tabs
        for d in docs:
            print(show_controls(f"{d.id}\t{d.title}\t{d.outlet}\t{d.published}\t{d.claim_count}"))
    return 0


def cmd_text(args) -> int:
    with open_store(args) as store:
        text = store.document_text(store.resolve_document(args.document))
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    if sys.stdout.isatty() and not text.endswith("\n"):
        # on a terminal the prompt starts on a line of its own; piped, the text stays exact
        sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()
    return 0


def cmd_original(args) -> int:
    from desktop_app.core.errors import NotFound
    from desktop_app.core.files import write_atomically
    from desktop_app.core.originals import suggested_name

    with open_store(args) as store:
        doc_id = store.resolve_document(args.document)
        source = store.document_source(doc_id)
        title = store.document_title(doc_id)
    if source is None:
        raise NotFound(f"'{title}' has no original kept: it was imported before originals were kept, or replaced "
                       "by a version without one.")
    if args.output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(source.data)
        sys.stdout.buffer.flush()
        return 0
    target = Path(args.output) if args.output else Path(suggested_name(source, title))
    if not args.output and target.exists():
        raise usage(f"{target} already exists; name the file to write with -o.")
    write_atomically(target, lambda fh: fh.write(source.data), "binary")
    print(f"Saved the original of '{title}' ({source.size:,} bytes) to {target}.", file=sys.stderr)
    return 0
