"""What every group of commands shares: opening the store, printing JSON,
one-line text, and the error for a wrong argument."""

from __future__ import annotations

import argparse
import json
import sys

EXIT_ERROR = 1
EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse that says a usage error in one line, without the usage dump."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"marginalia: {message} (see 'marginalia {self._cmd()}--help')\n")

    def _cmd(self) -> str:
        words = self.prog.split()[1:]
        return " ".join(words) + " " if words else ""


def text_arg(value) -> str:
    """An option's text as typed. Python 3.11's argparse turns the value
    ``--`` (as in ``--quote=--``) into an empty list; it meant "--"."""
    return "--" if isinstance(value, list) else value


def open_store(args):
    from desktop_app.core import paths
    from desktop_app.core.addresses import database_target
    from desktop_app.core.store import Store

    return Store.open(database_target(getattr(args, "db", None)) or paths.default_database())


def print_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def one_line(text: str, limit: int = 80) -> str:
    """A text on one line, shortened, with its direction controls visible."""
    from desktop_app.core.visible import show_controls

    flat = " ".join(text.split())
    return show_controls(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def usage(message: str):
    from desktop_app.core.errors import InvalidInput

    return InvalidInput(message)
