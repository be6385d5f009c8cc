"""The bundled program's entry point (see marginalia.spec): the same as the
``marginalia`` command of the installed package."""

import sys

from desktop_app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
