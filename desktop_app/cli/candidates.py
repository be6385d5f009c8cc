"""``marginalia candidates``: the sentences of a document worth a claim (those
carrying figures, dates, direct quotations or a tag's keywords), as View >
Claim candidates shows them, and ``--accept N`` to make claims of some.

Sentences that are a live claim already are left out, as in the window (an
accepted candidate leaves the list). A candidate's number is its place among
all of the document's candidates: ``--tag`` and ``--limit`` hide some but
renumber none, so ``--accept N`` means the same sentence whatever they are.
Offsets are in code points of the text ``marginalia text DOC`` prints."""

from __future__ import annotations

import sys

from desktop_app.cli.common import one_line, open_store, print_json


def register(sub, common) -> None:
    c = sub.add_parser("candidates", parents=[common],
                       help="list sentences of a document worth a claim (figures, quotations, keywords)")
    c.add_argument("document", metavar="DOC", help="a document: its id, or a word of its title (see 'marginalia docs')")
    c.add_argument("--tag", action="append", metavar="TAG",
                   help="list only sentences with this tag's keywords (repeatable); "
                        "with --accept, tag the new claims with it instead")
    c.add_argument("--limit", type=int, metavar="N", help="list at most N candidates")
    c.add_argument("--accept", type=int, action="append", default=[], metavar="N",
                   help="make a claim of candidate N (repeatable), tagged as its keywords suggest, or with --tag")
    c.add_argument("--json", action="store_true", help="print the candidates as JSON")
    c.set_defaults(func=cmd_candidates)


_UNIT_WORDS = {"USD": "money", "percent": "percentage", "count": "count", "year": "year"}


def _reasons(c, tag_names: dict[int, str]) -> list[str]:
    """Why a sentence is a candidate: "money $900,000", "quotation", "keyword of tag salaries"."""
    out: list[str] = []
    for f in c.figures:
        out.append(f"{_UNIT_WORDS.get(f.unit, f.unit)} {f.text}")
    if "date" in c.kinds and not any(f.unit == "year" for f in c.figures):
        out.append("date")
    if "quote" in c.kinds:
        out.append("quotation")
    out.extend(f"keyword of tag {tag_names[t]}" for t in c.tag_ids if t in tag_names)
    return list(dict.fromkeys(out))


def _candidate_json(number: int, c, tag_names: dict[int, str]) -> dict:
    from desktop_app.core.figures import format_value

    return {"number": number, "start": c.start, "end": c.end, "text": c.text, "kinds": list(c.kinds),
            "figures": [{"text": f.text, "unit": f.unit, "value": format_value(f.value)} for f in c.figures],
            "tags": [tag_names[t] for t in c.tag_ids if t in tag_names],
            "reasons": _reasons(c, tag_names)}


def cmd_candidates(args) -> int:
    from desktop_app.core.errors import InvalidInput
    from desktop_app.core.suggest import claim_candidates

    if args.limit is not None and args.limit < 1:
        raise InvalidInput("--limit must be at least 1.")
    with open_store(args) as store:
        doc_id = store.resolve_document(args.document)
        tag_ids = list(dict.fromkeys(store.resolve_tag(t) for t in args.tag)) if args.tag else None
        tag_names = {t.id: t.name for t in store.list_tags()}
        claimed = {(c.start, c.end) for c in store.list_claims(document_ids=[doc_id], orphaned=False)}
        found = [c for c in claim_candidates(store, doc_id) if (c.start, c.end) not in claimed]
        if args.accept:
            for n in args.accept:
                if not 1 <= n <= len(found):
                    raise InvalidInput(f"There is no candidate {n}; the document has {len(found)}.")
            done = []
            with store.transaction():  # every accepted candidate, or none
                for n in dict.fromkeys(args.accept):
                    c = found[n - 1]
                    row = store.add_claim(doc_id, c.start, c.end, c.tag_ids if tag_ids is None else tag_ids)
                    done.append((n, row))
            if args.json:
                print_json([{"number": n, "claim": row.id, "start": row.start, "end": row.end, "quote": row.quote,
                              "tags": [tag_names[t] for t in row.tag_ids if t in tag_names]} for n, row in done])
            else:
                for n, row in done:
                    names = ", ".join(tag_names[t] for t in row.tag_ids if t in tag_names)
                    print(f"Accepted {n}: claim {row.id} ({row.start}-{row.end})"
                          + (f", tagged {names}." if names else ", no tag."))
            return 0
    shown = [(i, c) for i, c in enumerate(found, 1) if tag_ids is None or set(tag_ids) & set(c.tag_ids)]
    if args.limit is not None:
        shown = shown[: args.limit]
    if args.json:
        print_json([_candidate_json(i, c, tag_names) for i, c in shown])
    else:
        for i, c in shown:
            print(f"{i}\t{c.start}-{c.end}\t{'; '.join(_reasons(c, tag_names))}\t{one_line(c.text, 100)}")
        if not shown:
            print("No candidates in this document." if tag_ids is None
                  else "No candidates with these tags' keywords.", file=sys.stderr)
    return 0
