"""Links between claims on the command line: ``link``, ``links``, ``unlink``."""

from __future__ import annotations

from desktop_app.cli.common import (
    one_line,
    open_store,
    print_json,
    text_arg,
)


def register(sub, common) -> None:
    from desktop_app.core.rows import RELATIONS

    c = sub.add_parser("link", parents=[common], help="link two claims of different documents")
    c.set_defaults(func=cmd_link)
    c.add_argument("source", metavar="CLAIM", help="the first claim: its id or uuid")
    c.add_argument("target", metavar="CLAIM", help="the claim of another document it is linked with")
    c.add_argument("--relation", choices=RELATIONS, default="same",
                   help="how the first claim relates to the second (default same)")
    c.add_argument("--note", default="", help="a note on the link")
    c = sub.add_parser("links", parents=[common], help="list links between claims")
    c.set_defaults(func=cmd_links)
    c.add_argument("--json", action="store_true", help="print the links as JSON")
    c = sub.add_parser("unlink", parents=[common], help="delete a link between two claims")
    c.set_defaults(func=cmd_unlink)
    c.add_argument("link", metavar="LINK", type=int, help="the link's id (see 'marginalia links')")


def cmd_unlink(args) -> int:
    with open_store(args) as store:
        link = store.delete_link(args.link)
    print(f"Deleted link {link.id}.")
    return 0


def cmd_link(args) -> int:
    with open_store(args) as store:
        source, target = store.resolve_claim(args.source), store.resolve_claim(args.target)
        link = store.add_link(source, target, args.relation, note=text_arg(args.note))
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
