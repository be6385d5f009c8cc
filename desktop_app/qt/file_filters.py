"""The file-type filters of the window's file dialogs, in one place."""

IMPORT_FILTER = "Articles (*.md *.markdown *.txt *.text *.html *.htm *.xhtml *.pdf);;All files (*)"
DATABASE_FILTER = "Marginalia databases (*.db *.sqlite);;All files (*)"
