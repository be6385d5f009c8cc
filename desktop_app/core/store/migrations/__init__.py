"""Schema migrations (Alembic scripts), run on open after a backup copy.

``REVISIONS`` lists every revision in order. Opening a database compares its
revision with this list without importing Alembic, so a current database
opens fast; a test checks that the list matches the scripts.
"""

REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009")
HEAD = REVISIONS[-1]
