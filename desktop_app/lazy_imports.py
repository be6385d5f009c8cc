"""Every import the app makes by name at run time (``LazyModule("…")``,
``importlib``), importer -> what it loads.

Such imports keep start-up fast, but the import contracts cannot see them:
the architecture test adds these edges to the import graph and checks the
same layers and the same rule against cycles, and fails on a by-name import
that is not listed here."""

LAZY_IMPORTS: dict[str, tuple[str, ...]] = {
    "desktop_app.core.exchange": (
        "desktop_app.core.exchange.claims_csv",
        "desktop_app.core.exchange.links_csv",
        "desktop_app.core.exchange.w3c",
        "desktop_app.core.exchange.qdpx",
        "desktop_app.core.exchange.xlsx",
        "desktop_app.core.exchange.report",
    ),
    # the reader of each format, loaded in the reader child (see isolated.PARSERS)
    "desktop_app.core.importers.isolated": (
        "desktop_app.core.importers.word",
        "desktop_app.core.importers.opendocument",
        "desktop_app.core.importers.epub",
        "desktop_app.core.importers.pdf",
    ),
    "desktop_app.qt.annotate": ("desktop_app.qt.commands", "desktop_app.qt.dialogs", "desktop_app.qt.item_models"),
    "desktop_app.qt.codebook_panel": ("desktop_app.qt.dialogs",),
    "desktop_app.qt.links": ("desktop_app.qt.commands", "desktop_app.qt.commands.links", "desktop_app.qt.dialogs"),
    "desktop_app.qt.team.copy_actions": ("desktop_app.qt.dialogs",),
    "desktop_app.qt.team.pending_edits": ("desktop_app.qt.commands",),
    "desktop_app.qt.versions": ("desktop_app.qt.commands", "desktop_app.qt.dialogs"),
    "desktop_app.qt.window_actions": (
        "desktop_app.qt.dialogs",
        "desktop_app.qt.team.copy_actions",
        "desktop_app.qt.analysis_view",
        "desktop_app.qt.agreement_view",
        "desktop_app.qt.suggestions_panel",
        "desktop_app.qt.legend",
        "desktop_app.qt.autocode_dialog",
        "desktop_app.qt.sources",
        "desktop_app.qt.corpus_search",
    ),
}
