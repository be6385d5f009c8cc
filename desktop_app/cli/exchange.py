"""Commands that move claims between Marginalia and other tools: ``export`` and
``import-annotations``."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_app.cli.common import open_store

EXIT_NOTHING_IMPORTED = 1


def register(sub, common) -> None:
    from desktop_app.core.exchange import FORMATS

    c = sub.add_parser("export", parents=[common], help="export claims")
    c.set_defaults(func=cmd_export)
    c.add_argument("--format", default="csv", choices=list(FORMATS), metavar="FORMAT",
                   help="what to write (default csv): " + "; ".join(f"{name}: {spec[4]}" for name, spec in FORMATS.items()))
    c.add_argument("-o", "--output", default="-", metavar="FILE", help="file to write, or - for standard output")
    c.add_argument("--tag", action="append", metavar="TAG", help="only claims with this tag (repeatable)")
    c.add_argument("--document", action="append", metavar="DOC",
                   help="only claims of this document, by id or a word of its title (repeatable)")
    c.add_argument("--status", action="append", help="only claims with this status: unverified, supported, disputed or refuted (repeatable)")
    c.add_argument("--excel", action="store_true", help="add a byte-order mark for Excel")
    c.add_argument("--no-formula-guard", action="store_true", help="do not neutralise formula-like cells")
    c.add_argument("--qdpx-positions", choices=["utf16", "codepoints"], default="utf16",
                   help="what REFI-QDA selection positions count: UTF-16 code units (default, what QualCoder "
                        "and other REFI-QDA programs use) or Unicode code points")

    c = sub.add_parser(
        "import-annotations", parents=[common],
        help="import W3C Web Annotations (JSON or JSON-LD) as claims of documents already here",
    )
    c.add_argument("file", metavar="FILE", help="the annotations file (.json or .jsonld)")
    c.add_argument("--json", action="store_true", help="print the counts as JSON")
    c.add_argument("--match-by-quote", action="store_true",
                   help="place an annotation whose document is not found by its address, id, text or title in "
                        "the one document where its quote, prefix, suffix and position all agree")
    c.set_defaults(func=cmd_import_annotations)


def cmd_import_annotations(args) -> int:
    from desktop_app.cli.common import open_store, print_json
    from desktop_app.core.exchange.w3c import import_annotations

    with open_store(args) as store:
        summary = import_annotations(store, args.file, match_by_quote=args.match_by_quote)
    if args.json:
        print_json(summary.as_dict())
    else:
        print(summary.summary())
    for problem in summary.problems[:20]:
        print(f"marginalia: {problem}", file=sys.stderr)
    if len(summary.problems) > 20:
        print(f"marginalia: … and {len(summary.problems) - 20} more not imported.", file=sys.stderr)
    if summary.total and not (summary.imported or summary.already_present):
        return EXIT_NOTHING_IMPORTED
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
        from desktop_app.core.wording import plural

        what = "link" if args.format == "links-csv" else "claim"
        where = f" to {target}" if target is not None else ""
        print(f"Exported {plural(n, what)}{where}.", file=sys.stderr)
        for notice in options.notices:
            print(f"marginalia: {notice}", file=sys.stderr)
    return 0
