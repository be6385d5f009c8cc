"""Commands that bring claims in from other tools: ``marginalia import-annotations``."""

from __future__ import annotations

import sys

EXIT_NOTHING_IMPORTED = 1


def register(sub, common) -> None:
    c = sub.add_parser(
        "import-annotations", parents=[common],
        help="import W3C Web Annotations (JSON or JSON-LD) as claims of documents already here",
    )
    c.add_argument("file", metavar="FILE")
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
