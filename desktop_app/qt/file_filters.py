"""The file-type filters of the window's file dialogs, in one place."""

IMPORT_FILTER = (
    "Sources (*.md *.markdown *.txt *.text *.html *.htm *.xhtml *.docx *.odt *.epub *.pdf);;"
    "Word and OpenDocument (*.docx *.odt);;E-books (*.epub);;PDF (*.pdf);;"
    "Articles (*.md *.markdown *.txt *.text *.html *.htm *.xhtml);;All files (*)"
)
DATABASE_FILTER = "Marginalia databases (*.db *.sqlite);;All files (*)"
