"""The codebook on the command line: ``tags`` and its actions."""

from __future__ import annotations

from desktop_app.cli.common import (
    Parser,
    open_store,
    print_json,
)
from desktop_app.core.visible import show_controls
from desktop_app.core.wording import plural


def register(sub, common) -> None:
    tags = sub.add_parser("tags", parents=[common], help="list or change the codebook")
    tags.set_defaults(func=cmd_tags)
    tags.add_argument("--json", action="store_true", help="print the codebook as JSON")
    tsub = tags.add_subparsers(dest="tag_command", parser_class=Parser, metavar="ACTION")
    t = tsub.add_parser("add", parents=[common], help="add a tag")
    t.add_argument("name", help="the new tag's name")
    t.add_argument("--color", help="#RRGGBB or a colour name")
    t.add_argument("--key", help="shortcut key 1-9")
    t.add_argument("--description", default="", help="what the tag is for")
    t.add_argument("--parent", metavar="TAG", help="put the tag under this tag")
    t.add_argument("--keywords", default="", help="words that suggest the tag, separated by commas")
    t = tsub.add_parser("keywords", parents=[common], help="set the words that suggest a tag")
    t.add_argument("tag", help="a tag: its name or id (see 'marginalia tags')")
    t.add_argument("keywords", nargs="*", help="the keywords (none: clear them)")
    t = tsub.add_parser("rename", parents=[common], help="rename a tag")
    t.add_argument("tag", help="a tag: its name or id (see 'marginalia tags')")
    t.add_argument("new_name", help="its new name")
    t = tsub.add_parser("recolor", parents=[common], help="change a tag's colour")
    t.add_argument("tag", help="a tag: its name or id (see 'marginalia tags')")
    t.add_argument("color", help="#RRGGBB or a colour name")
    t = tsub.add_parser("merge", parents=[common], help="merge a tag into another")
    t.add_argument("source", help="the tag that goes: its claims take the other tag")
    t.add_argument("target", help="the tag that stays")
    t = tsub.add_parser("remove", parents=[common], help="remove a tag")
    t.add_argument("tag", help="a tag: its name or id (see 'marginalia tags')")
    t.add_argument("--untag", action="store_true", help="also take it off the claims that use it")


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
                    print(show_controls(f"{t.name}\t{t.color}\tkey {key}\t{plural(t.claim_count, 'claim')}{parent}"))
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
            print(f"Merged '{record.source.name}' into '{target_name}' ({plural(n, 'claim')}).")
        elif action == "remove":
            removed = store.remove_tag(store.resolve_tag(args.tag), untag=args.untag)
            extra = f", taken off {plural(len(removed.claim_ids), 'claim')}" if removed.claim_ids else ""
            print(f"Removed tag '{removed.tag.name}'{extra}.")
    return 0
