"""Copying a whole project between a file and a team database:
``marginalia copy --from DB --to DB``."""

from __future__ import annotations

import sys


def register(sub, _common) -> None:
    c = sub.add_parser(
        "copy",
        help="copy a whole project, ids and all, into a new file or an empty team database",
        description=(
            "Copy every document, tag, claim and link of a database into a new database file "
            "or an empty team database (postgresql://user@host:port/name), keeping their ids."
        ),
    )
    c.add_argument("--from", dest="source", required=True, metavar="DB",
                   help="the database to copy: a file or a team database address")
    c.add_argument("--to", dest="destination", required=True, metavar="DB",
                   help="a file that does not exist yet, or an empty team database")
    c.set_defaults(func=cmd_copy)


def cmd_copy(args) -> int:
    from desktop_app.cli.common import usage
    from desktop_app.core.addresses import database_target
    from desktop_app.core.store.copying import copy_database

    source = database_target(args.source)
    destination = database_target(args.destination)
    if source is None or destination is None:
        raise usage("--from and --to each need a database file or a team database address.")
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        result = copy_database(source, destination, progress=progress)
    finally:
        if progress:
            progress.clear()
    print(result.summary())
    return 0


class _Progress:
    """A line on a terminal's stderr that counts the rows of a big copy."""

    MIN_ROWS = 5000  # smaller tables copy in the blink of an eye

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, table: str, done: int, total: int) -> None:
        if total < self.MIN_ROWS:
            return
        sys.stderr.write(f"\rCopying {table.replace('_', ' ')}: {done}/{total}\033[K")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
