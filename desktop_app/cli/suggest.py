"""Commands that suggest work: ``suggest-links`` (passages two sources share)
and ``autocode`` (tag every match of a word or pattern)."""

from __future__ import annotations

import sys

from desktop_app.cli.common import one_line, open_store, print_json
from desktop_app.core.wording import plural


def register(sub, common) -> None:
    c = sub.add_parser("suggest-links", parents=[common],
                       help="suggest passages of two documents that report the same thing")
    c.add_argument("documents", nargs=2, metavar="DOC", help="the two documents, by id or a word of their title")
    c.add_argument("--min-score", type=float, default=0.5, metavar="S", help="lowest score shown, 0 to 1 (default 0.5)")
    c.add_argument("--limit", type=int, default=50, metavar="N", help="list at most N suggestions (default 50)")
    c.add_argument("--accept", type=int, action="append", default=[], metavar="N",
                   help="make claims of suggestion N and link them as 'same' (repeatable)")
    c.add_argument("--tag", action="append", metavar="TAG",
                   help="tag accepted claims with this tag (default: tags suggested by keywords)")
    c.add_argument("--json", action="store_true", help="print the suggestions as JSON")
    c.set_defaults(func=cmd_suggest_links)

    c = sub.add_parser("autocode", parents=[common], help="tag every occurrence of a word or pattern as a claim")
    c.add_argument("documents", nargs="*", metavar="DOC", help="documents to search (default: all)")
    c.add_argument("--pattern", required=True, metavar="P", help="the word, phrase or (with --regex) pattern to tag")
    c.add_argument("--tag", required=True, metavar="TAG", help="the tag the new claims take")
    c.add_argument("--regex", action="store_true", help="read the pattern as a regular expression")
    c.add_argument("--partial-words", action="store_true", help="also match inside longer words")
    c.add_argument("--case-sensitive", action="store_true", help="match upper and lower case as typed")
    c.add_argument("--accent-sensitive", action="store_true",
                   help="match accents as typed (by default 'cafe' also finds 'café', as search does)")
    c.add_argument("--dry-run", action="store_true",
                   help="list the matches the run would tag (not those inside claims that have the tag), add nothing")
    c.add_argument("--json", action="store_true", help="print the result as JSON")
    c.set_defaults(func=cmd_autocode)


def _match_json(number: int, m) -> dict:
    return {"number": number, "score": m.score, "shared_figures": list(m.shared),
            "a": {"start": m.start_a, "end": m.end_a, "quote": m.quote_a},
            "b": {"start": m.start_b, "end": m.end_b, "quote": m.quote_b}}


def cmd_suggest_links(args) -> int:
    from desktop_app.core.errors import InvalidInput
    from desktop_app.core.suggest import accept_match, suggest_links

    if not 0 <= args.min_score <= 1:
        raise InvalidInput("--min-score must be between 0 and 1.")
    if args.limit < 1:
        raise InvalidInput("--limit must be at least 1.")
    with open_store(args) as store:
        doc_a, doc_b = (store.resolve_document(d) for d in args.documents)
        if doc_a == doc_b:
            raise InvalidInput("Give two different documents.")
        matches = suggest_links(store, doc_a, doc_b, args.min_score, limit=args.limit)
        if args.accept:
            for n in args.accept:
                if not 1 <= n <= len(matches):
                    raise InvalidInput(f"There is no suggestion {n}; the list has {len(matches)}.")
            tag_ids = [store.resolve_tag(t) for t in args.tag] if args.tag else None
            chosen = [matches[n - 1] for n in dict.fromkeys(args.accept)]
            done = []
            with store.transaction():  # all accepted pairs, or none
                for n, m in zip(dict.fromkeys(args.accept), chosen):
                    done.append((n, *accept_match(store, m, doc_a, doc_b, tag_ids)[:3]))
            if args.json:
                print_json([{"number": n, "claim_a": a, "claim_b": b, "link": k} for n, a, b, k in done])
            else:
                for n, a, b, k in done:
                    print(f"Accepted {n}: claims {a} and {b}, link {k} (same).")
            return 0
    if args.json:
        print_json([_match_json(i, m) for i, m in enumerate(matches, 1)])
    else:
        for i, m in enumerate(matches, 1):
            shared = f"\t[{', '.join(m.shared)}]" if m.shared else ""
            print(f"{i}\t{m.score:.2f}\t{one_line(m.quote_a, 70)}\t{one_line(m.quote_b, 70)}{shared}")
        if not matches:
            print("No suggestions at this score.", file=sys.stderr)
    return 0


def cmd_autocode(args) -> int:
    from desktop_app.core.autocode import autocode_claims, plan_autocode

    with open_store(args) as store:
        doc_ids = [store.resolve_document(d) for d in args.documents] if args.documents else None
        tag_id = store.resolve_tag(args.tag)
        options = dict(regex=args.regex, document_ids=doc_ids, whole_words=not args.partial_words,
                       case_sensitive=args.case_sensitive, accent_sensitive=args.accent_sensitive)
        if args.dry_run:
            plan = plan_autocode(store, args.pattern, tag_id, **options)
            texts = {d: store.document_text(d) for d in {m[0] for m in plan.new}}
            if args.json:
                print_json([{"document_id": d, "start": s, "end": e, "text": texts[d][s:e]} for d, s, e in plan.new])
            else:
                for d, s, e in plan.new:
                    print(f"{d}\t{s}-{e}\t{one_line(texts[d][s:e])}")
                skipped = (f" ({plural(plan.already_tagged, 'match', 'matches')} inside claims that have the tag "
                           "already would be skipped)") if plan.already_tagged else ""
                print(f"{plural(len(plan.new), 'match', 'matches')} would be tagged{skipped}; "
                      "nothing was added (dry run).", file=sys.stderr)
            return 0
        added = len(autocode_claims(store, args.pattern, tag_id, **options))
        tag_name = store.get_tag(tag_id).name
    if args.json:
        print_json({"added": added, "tag": tag_name})
    else:
        print(f"Added {plural(added, 'claim')} tagged '{tag_name}'.")
    return 0
