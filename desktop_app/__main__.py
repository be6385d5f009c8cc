"""Entry point: ``marginalia`` and ``python -m desktop_app``."""

import sys

# The hidden argument that starts a reader child (desktop_app.core.importers.isolated):
# the same program, so that the standalone bundle needs no second executable.
_READER_CHILD = "--marginalia-read-file"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == [_READER_CHILD]:
        from desktop_app.core.importers.child import main as read_file

        return read_file()
    from desktop_app.cli.main import log_unraisable, run

    # What Python cannot raise (a finaliser failing at exit, after a full
    # disk) goes to the log: the command has said in one sentence what failed.
    sys.unraisablehook = log_unraisable
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
