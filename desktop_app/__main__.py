"""Entry point: ``marginalia`` and ``python -m desktop_app``."""

import sys


def main(argv: list[str] | None = None) -> int:
    from desktop_app.cli.main import log_unraisable, run

    # What Python cannot raise (a finaliser failing at exit, after a full
    # disk) goes to the log: the command has said in one sentence what failed.
    sys.unraisablehook = log_unraisable
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
