"""The command line. With no command, ``marginalia`` opens the window.

Every command takes ``--db PATH``; errors are one line on stderr and a
non-zero exit, and a command that fails changes nothing.
"""

from __future__ import annotations

import argparse
import errno
import io
import logging
import sys

from desktop_app import __version__
from desktop_app.cli import (
    candidates,
    claims,
    copy,
    documents,
    exchange,
    links,
    suggest,
    tags,
)
from desktop_app.cli.common import EXIT_ERROR, Parser

log = logging.getLogger(__name__)



# The groups of commands, in the order ``--help`` lists them. Each module has
# a ``register(subparsers, common)`` that adds its commands and sets ``func``
# on each parser; a module loads what its commands need only when they run.
GROUPS = (documents, tags, claims, exchange, links, suggest, copy, candidates)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="database file or team database address postgresql://user@host:port/name (default: the file in your user data folder)")

    p = Parser(prog="marginalia", description="Read sources side by side, highlight and tag claims, export them.")
    p.add_argument("--version", action="version", version=f"Marginalia {__version__}")
    p.add_argument("--self-test", action="store_true",
                   help="check this installation on a temporary database (never your own) and exit")
    p.add_argument("--db", metavar="PATH", help="database file or team database address postgresql://user@host:port/name (default: the file in your user data folder)")
    sub = p.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")

    for group in GROUPS:
        group.register(sub, common)
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
        return args.func(args)
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
