"""Commands about claims: ``claim add|delete|reattach``, ``claims``, ``search``."""

from __future__ import annotations

from desktop_app.cli.common import (
    Parser,
    one_line,
    open_store,
    print_json,
    text_arg,
)
from desktop_app.core.visible import show_controls


def register(sub, common) -> None:
    claim = sub.add_parser("claim", parents=[common], help="add or change one claim")
    claim.set_defaults(func=cmd_claim)
    csub = claim.add_subparsers(dest="claim_command", parser_class=Parser, metavar="ACTION", required=True)
    a = csub.add_parser("add", parents=[common], help="add a claim anchored by its quote")
    a.add_argument("document", metavar="DOC", help="a document: its id, or a word of its title (see 'marginalia docs')")
    a.add_argument("--quote", required=True, help="the claim's text, exactly as in the document")
    a.add_argument("--occurrence", type=int, metavar="N", help="which occurrence of the quote (1 = first)")
    a.add_argument("--tag", action="append", default=[], metavar="TAG", help="tag the claim with this tag (repeatable)")
    a.add_argument("--note", default="", help="a note on the claim")
    a.add_argument("--status", default="unverified", help="unverified, supported, disputed or refuted (default unverified)")
    a.add_argument("--json", action="store_true", help="print the new claim as JSON")
    a = csub.add_parser("delete", parents=[common], help="delete a claim")
    a.add_argument("claim", metavar="CLAIM", help="a claim: its id or uuid (see 'marginalia claims')")
    a = csub.add_parser("reattach", parents=[common], help="place a claim on a quote of its document's text")
    a.add_argument("claim", metavar="CLAIM", help="a claim: its id or uuid (see 'marginalia claims')")
    a.add_argument("--quote", required=True, help="the text to place the claim on, exactly as in the document")
    a.add_argument("--occurrence", type=int, metavar="N", help="which occurrence of the quote (1 = first)")

    c = sub.add_parser("claims", parents=[common], help="list claims")
    c.set_defaults(func=cmd_claims)
    c.add_argument("--document", action="append", metavar="DOC", help="only claims of this document (repeatable)")
    c.add_argument("--tag", action="append", metavar="TAG", help="only claims with this tag (repeatable)")
    c.add_argument("--status", action="append", help="only claims with this status: unverified, supported, disputed or refuted (repeatable)")
    c.add_argument("--orphaned", action="store_true", help="only claims a new version no longer contains")
    c.add_argument("--json", action="store_true", help="print JSON (every field) instead of the columns")

    c = sub.add_parser("search", parents=[common], help="search documents and claims")
    c.set_defaults(func=cmd_search)
    c.add_argument("query", help="words to look for")
    c.add_argument("--limit", type=int, default=50, metavar="N", help="show at most N results (default 50)")
    c.add_argument("--json", action="store_true", help="print the results as JSON")


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
            anchor = anchor_quote(store.document_text(claim.document_id), canonicalize(text_arg(args.quote)), args.occurrence)
            row = store.reattach_claim(claim.id, anchor.start, anchor.end)
            print(f"{row.id}\t{row.uuid}\t{row.start}-{row.end}")
            return 0
        doc_id = store.resolve_document(args.document)
        tag_ids = [store.resolve_tag(t) for t in args.tag]
        anchor = anchor_quote(store.document_text(doc_id), canonicalize(text_arg(args.quote)), args.occurrence)
        claim = store.add_claim(doc_id, anchor.start, anchor.end, tag_ids, note=text_arg(args.note), status=args.status)
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
            print("ID\tDOC\tPLACE\tTAGS\tSTATUS\tQUOTE")  # columns separated by tabs
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
