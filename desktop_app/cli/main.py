"""The command line. With no command, ``marginalia`` opens the window.

Every command takes ``--db PATH``; errors are one line on stderr and a
non-zero exit, and a command that fails changes nothing.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import importlib.util
import io
import logging
import sys
from pathlib import Path

from desktop_app import __version__
from desktop_app.cli.common import one_line, open_store, print_json, usage
from desktop_app.core.visible import show_controls

log = logging.getLogger(__name__)

EXIT_ERROR = 1
EXIT_USAGE = 2

# Modules with a ``register(subparsers, common)`` that adds their commands
# (each sets ``func`` on its parser); only those that exist are loaded.
EXTRA_COMMANDS = tuple(
    name for name in ("desktop_app.cli.exchange", "desktop_app.cli.suggest", "desktop_app.cli.copy",
                      "desktop_app.cli.candidates") if importlib.util.find_spec(name)
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        self.exit(EXIT_USAGE, f"marginalia: {message} (see 'marginalia {self._cmd()}--help')\n")

    def _cmd(self) -> str:
        words = self.prog.split()[1:]
        return " ".join(words) + " " if words else ""


def _import_formats() -> list[str]:
    # Named here rather than read from the importers, which would load them for every command.
    return ["markdown", "text", "html", "docx", "odt", "epub", "pdf"]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="database file or team database address postgresql://user@host:port/name (default: the file in your user data folder)")

    p = _Parser(prog="marginalia", description="Read sources side by side, highlight and tag claims, export them.")
    p.add_argument("--version", action="version", version=f"Marginalia {__version__}")
    p.add_argument("--self-test", action="store_true",
                   help="check this installation on a temporary database (never your own) and exit")
    p.add_argument("--db", metavar="PATH", help="database file or team database address postgresql://user@host:port/name (default: the file in your user data folder)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    c = sub.add_parser("import", parents=[common],
                       help="import Markdown, text, HTML, PDF, Word (.docx), OpenDocument (.odt) or EPUB files, "
                            "or web pages by their http(s) address")
    c.add_argument("files", nargs="+", metavar="FILE_OR_ADDRESS")
    c.add_argument("--replace", metavar="DOC", help="replace this document's text with the file (one file)")
    c.add_argument("--format", choices=_import_formats(), help="read the files as this format")
    c.add_argument("--whole-page", action="store_true",
                   help="web pages: import the whole page, not only its article")
    c.add_argument("--password", metavar="PASSWORD", help="the password of an encrypted PDF")
    c.add_argument("--highlights", metavar="TAG", default="imported",
                   help="tag for the claims made from highlights and comments found in the files (default: imported)")
    c.add_argument("--no-highlights", action="store_true",
                   help="leave the highlights and comments found in the files out")
    c.add_argument("--json", action="store_true")

    c = sub.add_parser("docs", parents=[common], help="list documents")
    c.add_argument("--json", action="store_true")

    c = sub.add_parser("text", parents=[common], help="print a document's text exactly")
    c.add_argument("document", metavar="DOC")

    c = sub.add_parser("original", parents=[common], help="save the source a document was read from, byte for byte")
    c.add_argument("document", metavar="DOC")
    c.add_argument("-o", "--output", metavar="FILE",
                   help="file to write, or - for standard output (default: the source's own name, here)")

    tags = sub.add_parser("tags", parents=[common], help="list or change the codebook")
    tags.add_argument("--json", action="store_true")
    tsub = tags.add_subparsers(dest="tag_command", parser_class=_Parser, metavar="ACTION")
    t = tsub.add_parser("add", parents=[common], help="add a tag")
    t.add_argument("name")
    t.add_argument("--color", help="#RRGGBB or a colour name")
    t.add_argument("--key", help="shortcut key 1-9")
    t.add_argument("--description", default="")
    t.add_argument("--parent", metavar="TAG")
    t.add_argument("--keywords", default="", help="words that suggest the tag, separated by commas")
    t = tsub.add_parser("keywords", parents=[common], help="set the words that suggest a tag")
    t.add_argument("tag")
    t.add_argument("keywords", nargs="*", help="the keywords (none: clear them)")
    t = tsub.add_parser("rename", parents=[common], help="rename a tag")
    t.add_argument("tag")
    t.add_argument("new_name")
    t = tsub.add_parser("recolor", parents=[common], help="change a tag's colour")
    t.add_argument("tag")
    t.add_argument("color")
    t = tsub.add_parser("merge", parents=[common], help="merge a tag into another")
    t.add_argument("source")
    t.add_argument("target")
    t = tsub.add_parser("remove", parents=[common], help="remove a tag")
    t.add_argument("tag")
    t.add_argument("--untag", action="store_true", help="also take it off the claims that use it")

    claim = sub.add_parser("claim", parents=[common], help="add or change one claim")
    csub = claim.add_subparsers(dest="claim_command", parser_class=_Parser, metavar="ACTION", required=True)
    a = csub.add_parser("add", parents=[common], help="add a claim anchored by its quote")
    a.add_argument("document", metavar="DOC")
    a.add_argument("--quote", required=True)
    a.add_argument("--occurrence", type=int, metavar="N", help="which occurrence of the quote (1 = first)")
    a.add_argument("--tag", action="append", default=[], metavar="TAG")
    a.add_argument("--note", default="")
    a.add_argument("--status", default="unverified")
    a.add_argument("--json", action="store_true")
    a = csub.add_parser("delete", parents=[common], help="delete a claim")
    a.add_argument("claim", metavar="CLAIM")
    a = csub.add_parser("reattach", parents=[common], help="place a claim on a quote of its document's text")
    a.add_argument("claim", metavar="CLAIM")
    a.add_argument("--quote", required=True)
    a.add_argument("--occurrence", type=int, metavar="N", help="which occurrence of the quote (1 = first)")

    c = sub.add_parser("claims", parents=[common], help="list claims")
    c.add_argument("--document", action="append", metavar="DOC")
    c.add_argument("--tag", action="append", metavar="TAG")
    c.add_argument("--status", action="append")
    c.add_argument("--orphaned", action="store_true", help="only claims a new version no longer contains")
    c.add_argument("--json", action="store_true")

    c = sub.add_parser("search", parents=[common], help="search documents and claims")
    c.add_argument("query")
    c.add_argument("--limit", type=int, default=50)
    c.add_argument("--json", action="store_true")

    from desktop_app.core.exchange import FORMATS

    c = sub.add_parser("export", parents=[common], help="export claims")
    c.add_argument("--format", default="csv", choices=list(FORMATS))
    c.add_argument("-o", "--output", default="-", metavar="FILE", help="file to write, or - for standard output")
    c.add_argument("--tag", action="append", metavar="TAG")
    c.add_argument("--document", action="append", metavar="DOC")
    c.add_argument("--status", action="append")
    c.add_argument("--excel", action="store_true", help="add a byte-order mark for Excel")
    c.add_argument("--no-formula-guard", action="store_true", help="do not neutralise formula-like cells")
    c.add_argument("--qdpx-positions", choices=["utf16", "codepoints"], default="utf16",
                   help="what REFI-QDA selection positions count: UTF-16 code units (default, what QualCoder "
                        "and other REFI-QDA programs use) or Unicode code points")

    from desktop_app.core.rows import RELATIONS

    c = sub.add_parser("link", parents=[common], help="link two claims of different documents")
    c.add_argument("source", metavar="CLAIM")
    c.add_argument("target", metavar="CLAIM")
    c.add_argument("--relation", choices=RELATIONS, default="same")
    c.add_argument("--note", default="")
    c = sub.add_parser("links", parents=[common], help="list links between claims")
    c.add_argument("--json", action="store_true")
    c = sub.add_parser("unlink", parents=[common], help="delete a link between two claims")
    c.add_argument("link", metavar="LINK", type=int)

    # commands that live in their own modules register themselves
    for name in EXTRA_COMMANDS:
        module = importlib.import_module(name)
        module.register(sub, common)
    return p


def run(argv: list[str]) -> int:
    from desktop_app.core.errors import MarginaliaError
    from desktop_app.core.logs import setup_logging

    _utf8_stdio()
    args = build_parser().parse_args(argv)
    if args.self_test:  # before logging: it keeps its files, logs too, in a temporary folder
        from desktop_app.cli.selftest import run_self_test

        return run_self_test()
    log_path = setup_logging()
    try:
        if args.command is None:
            from desktop_app.core.addresses import database_target

            target = database_target(args.db)  # an address that cannot be opened is refused here, in one sentence
            from desktop_app.qt.app import run_app

            return run_app(target)
        handler = getattr(args, "func", None) or _COMMANDS[args.command]
        return handler(args)
    except MarginaliaError as exc:
        print(f"marginalia: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("marginalia: interrupted; nothing more was changed.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            return _unexpected(args, exc, log_path)
        log.warning("the disk is full in 'marginalia %s'", args.command, exc_info=True)
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"marginalia: the disk is full{where}: the command stopped; free some space and try again.",
              file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # never a traceback on the terminal
        return _unexpected(args, exc, log_path)


def _unexpected(args, exc: BaseException, log_path) -> int:
    log.error("unexpected error in 'marginalia %s'", args.command, exc_info=exc)
    where = f"; details are in {log_path}" if log_path else ""
    print(f"marginalia: an unexpected error stopped the command ({type(exc).__name__}: {exc}){where}.", file=sys.stderr)
    return EXIT_ERROR


def log_unraisable(unraisable) -> None:
    """An error Python cannot raise (in a finaliser, a collected generator)
    goes to the log, not the terminal: the command's one sentence has said
    what went wrong already."""
    try:
        log.warning("ignored: %s in %r", unraisable.err_msg or "exception", unraisable.object,
                    exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback))
    except Exception:  # at interpreter exit logging itself may be gone
        pass


def _utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in ("utf-8", "utf8"):
            stream.reconfigure(encoding="utf-8", errors="replace")


def _text_arg(value) -> str:
    """An option's text as typed. Python 3.11's argparse turns the value
    ``--`` (as in ``--quote=--``) into an empty list; it meant "--"."""
    return "--" if isinstance(value, list) else value


# ------------------------------------------------------------------- commands
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


def _tag_json(t, names) -> dict:
    return {
        "id": t.id, "name": t.name, "color": t.color, "key": t.key, "description": t.description,
        "parent": names.get(t.parent_id), "claims": t.claim_count, "keywords": list(t.keywords),
    }


def cmd_tags(args) -> int:
    with open_store(args) as store:
        action = args.tag_command
        if action is None:
            tags = store.list_tags()
            names = {t.id: t.name for t in tags}
            if args.json:
                print_json([_tag_json(t, names) for t in tags])
            else:
                for t in tags:
                    key = str(t.key) if t.key else "-"
                    parent = f"\tunder {names[t.parent_id]}" if t.parent_id in names else ""
                    print(show_controls(f"{t.name}\t{t.color}\tkey {key}\t{t.claim_count} claims{parent}"))
            return 0
        if action == "add":
            parent = store.resolve_tag(args.parent) if args.parent else None
            t = store.add_tag(args.name, color=args.color, key=args.key, description=args.description,
                              parent_id=parent, keywords=args.keywords)
            print(f"Added tag '{t.name}' ({t.color}, key {t.key or '-'}).")
        elif action == "keywords":
            t = store.update_tag(store.resolve_tag(args.tag), keywords=",".join(args.keywords))
            print(f"Tag '{t.name}' keywords: {', '.join(t.keywords) or '(none)'}.")
        elif action == "rename":
            old = store.get_tag(store.resolve_tag(args.tag))
            t = store.rename_tag(old.id, args.new_name)
            print(f"Renamed tag '{old.name}' to '{t.name}'.")
        elif action == "recolor":
            t = store.recolor_tag(store.resolve_tag(args.tag), args.color)
            print(f"Tag '{t.name}' is now {t.color}.")
        elif action == "merge":
            source, target = store.resolve_tag(args.source), store.resolve_tag(args.target)
            record = store.merge_tags(source, target)
            target_name = store.get_tag(target).name
            n = len(record.moved_claim_ids) + len(record.both_claim_ids)
            print(f"Merged '{record.source.name}' into '{target_name}' ({n} claims).")
        elif action == "remove":
            removed = store.remove_tag(store.resolve_tag(args.tag), untag=args.untag)
            extra = f", taken off {len(removed.claim_ids)} claims" if removed.claim_ids else ""
            print(f"Removed tag '{removed.tag.name}'{extra}.")
    return 0


def _claim_json(c, tag_names, doc_titles) -> dict:
    return {
        "id": c.id, "uuid": c.uuid, "document_id": c.document_id, "document_title": doc_titles.get(c.document_id, ""),
        "start": c.start, "end": c.end, "quote": c.quote, "prefix": c.prefix, "suffix": c.suffix,
        "tags": [tag_names[t] for t in c.tag_ids if t in tag_names], "note": c.note, "status": c.status,
        "annotator": c.annotator, "version": c.version, "orphaned": c.orphaned, "page": c.page,
        "created_at": c.created_at.isoformat(), "updated_at": c.updated_at.isoformat(),
    }


def cmd_claim(args) -> int:
    from desktop_app.core.anchoring import anchor_quote
    from desktop_app.core.document import (
        canonicalize,  # the quote as the text was stored: NFC, "\n" line ends
    )

    with open_store(args) as store:
        if args.claim_command == "delete":
            row = store.delete_claim(store.resolve_claim(args.claim))
            print(f"Deleted claim {row.id} (“{one_line(row.quote, 50)}”).")
            return 0
        if args.claim_command == "reattach":
            claim = store.get_claim(store.resolve_claim(args.claim))
            anchor = anchor_quote(store.document_text(claim.document_id), canonicalize(_text_arg(args.quote)), args.occurrence)
            row = store.reattach_claim(claim.id, anchor.start, anchor.end)
            print(f"{row.id}\t{row.uuid}\t{row.start}-{row.end}")
            return 0
        doc_id = store.resolve_document(args.document)
        tag_ids = [store.resolve_tag(t) for t in args.tag]
        anchor = anchor_quote(store.document_text(doc_id), canonicalize(_text_arg(args.quote)), args.occurrence)
        claim = store.add_claim(doc_id, anchor.start, anchor.end, tag_ids, note=_text_arg(args.note), status=args.status)
        if args.json:
            names = {t.id: t.name for t in store.list_tags()}
            print_json(_claim_json(claim, names, {doc_id: store.get_document(doc_id).title}))
        else:
            print(f"{claim.id}\t{claim.uuid}\t{claim.start}-{claim.end}")
    return 0


def cmd_claims(args) -> int:
    with open_store(args) as store:
        doc_ids = [store.resolve_document(d) for d in args.document] if args.document else None
        tag_ids = [store.resolve_tag(t) for t in args.tag] if args.tag else None
        names = {t.id: t.name for t in store.list_tags()}
        titles = {d.id: d.title for d in store.list_documents()}
        rows = store.iter_claims(document_ids=doc_ids, tag_ids=tag_ids, statuses=args.status,
                                 orphaned=True if args.orphaned else None)
        if args.json:
            print_json([_claim_json(c, names, titles) for c in rows])
        else:
            for c in rows:
                tags = "; ".join(names[t] for t in c.tag_ids if t in names)
                where = "orphaned" if c.orphaned else f"{c.start}-{c.end}"
                if c.page:
                    where += f" p. {c.page}"
                print(f"{c.id}\t{c.document_id}\t{where}\t{tags}\t{c.status}\t{one_line(c.quote)}")
    return 0


def cmd_search(args) -> int:
    with open_store(args) as store:
        hits = store.search(args.query, limit=args.limit)
    if args.json:
        print_json([{"kind": h.kind, "id": h.id, "document_id": h.document_id, "title": h.title,
                      "snippet": h.snippet} for h in hits])
    else:
        for h in hits:
            print(show_controls(f"{h.kind}\t{h.id}\t{h.title}\t{one_line(h.snippet, 120)}"))
    return 0


def cmd_export(args) -> int:
    from desktop_app.core.exchange import run_export
    from desktop_app.core.exchange.claims_csv import ExportOptions

    with open_store(args) as store:
        options = ExportOptions(
            tag_ids=[store.resolve_tag(t) for t in args.tag] if args.tag else None,
            document_ids=[store.resolve_document(d) for d in args.document] if args.document else None,
            statuses=args.status,
            excel=args.excel,
            formula_guard=not args.no_formula_guard,
            qdpx_positions=args.qdpx_positions,
        )
        if options.statuses:
            from desktop_app.core.store.claims import check_status

            options.statuses = [check_status(s) for s in options.statuses]
        target = None if args.output == "-" else Path(args.output)
        n = run_export(store, args.format, target, options)
        what = "links" if args.format == "links-csv" else "claims"
        where = f" to {target}" if target is not None else ""
        print(f"Exported {n} {what}{where}.", file=sys.stderr)
        for notice in options.notices:
            print(f"marginalia: {notice}", file=sys.stderr)
    return 0


def cmd_unlink(args) -> int:
    with open_store(args) as store:
        link = store.delete_link(args.link)
    print(f"Deleted link {link.id}.")
    return 0


def cmd_link(args) -> int:
    with open_store(args) as store:
        source, target = store.resolve_claim(args.source), store.resolve_claim(args.target)
        link = store.add_link(source, target, args.relation, note=_text_arg(args.note))
        print(f"{link.id}\t{link.uuid}\t{link.relation}")
    return 0


def cmd_links(args) -> int:
    from desktop_app.core.figures import disagreeing_links

    with open_store(args) as store:
        links = store.list_links()
        uuids = {c.id: c.uuid for c in store.iter_claims()} if links else {}
        # links between claims whose figures differ once normalised ($900K vs $650,000)
        flagged = {link.id: pairs for link, pairs in disagreeing_links(store)} if links else {}

    def differ(link) -> list[str]:
        return [f"{a.text} vs {b.text}" for a, b in flagged.get(link.id, ())]

    if args.json:
        print_json([{"id": k.id, "uuid": k.uuid, "source": uuids.get(k.source_id), "target": uuids.get(k.target_id),
                      "source_claim_id": k.source_id, "target_claim_id": k.target_id, "relation": k.relation,
                      "note": k.note, "annotator": k.annotator, "created_at": k.created_at.isoformat(),
                      "figures_differ": differ(k)}
                     for k in links])
    else:
        for k in links:
            warning = f"\tfigures differ: {'; '.join(differ(k))}" if k.id in flagged else ""
            print(f"{k.id}\t{k.source_id}\t{k.relation}\t{k.target_id}\t{one_line(k.note, 60)}{warning}")
    return 0


_COMMANDS = {
    "import": cmd_import,
    "original": cmd_original,
    "docs": cmd_docs,
    "text": cmd_text,
    "tags": cmd_tags,
    "claim": cmd_claim,
    "claims": cmd_claims,
    "search": cmd_search,
    "export": cmd_export,
    "link": cmd_link,
    "links": cmd_links,
    "unlink": cmd_unlink,
}
