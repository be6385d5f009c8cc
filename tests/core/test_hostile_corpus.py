"""The hostile corpus (tests/hostile/, plus large files made at test time) through
the real command line: every file is imported safely or refused with one line
naming it and the reason; never a traceback, never a change for a refused file.

The whole corpus goes through one ``marginalia import`` call (a bad file is
reported and skipped), so the checks share one database."""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import re
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import run_cli
from conftest import sqlite_dump as dump
from desktop_app.core.errors import ImportRefused
from desktop_app.core.exchange.claims_csv import HEADER
from desktop_app.core.importers import import_file

CORPUS = Path(__file__).resolve().parents[1] / "hostile"
COMMITTED = sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md")

MB = 1024 * 1024


def _deep_lists() -> bytes:
    return ("- " * 5000 + "deepest item\n\nafter the lists\n").encode()


def _deep_quotes() -> bytes:
    return ("> " * 5000 + "deepest quote\n\nafter the quotes\n").encode()


def _deep_mixed() -> bytes:
    return ("".join("> " if i % 2 else "1. " for i in range(4000)) + "mixed\n\nafter the mix\n").encode()


def _deep_html() -> bytes:
    n = 3000
    return ("<blockquote>" * n + "<ul><li>" * n + "<div>" * n + "deep <b>html</b> text" + "</div>" * n
            + "</li></ul>" * n + "</blockquote>" * n + "<p>after the nesting</p>"
            + "<div><span><b><i><ol><li><blockquote>" * 2000 + "never closed").encode()


def _long_line_text() -> bytes:
    return ("word " * (2 * MB // 5 + 1)).encode()[: 2 * MB]


def _long_line_markdown() -> bytes:
    return ("Words on one line with *some* emphasis now and then. " * 40_000).encode()[: 2 * MB]


GENERATED = {
    "deep-lists.md": _deep_lists,
    "deep-quotes.md": _deep_quotes,
    "deep-mixed.md": _deep_mixed,
    "deep-html.html": _deep_html,
    "long-line.txt": _long_line_text,
    "long-line.md": _long_line_markdown,
    "huge-60mb.txt": None,  # sparse: made with truncate, nothing written
}
ALL = COMMITTED + list(GENERATED)

# What each refused file must be refused for (the rest must import).
REFUSED = {
    "random-bytes.bin": ("binary",),
    "nul-bytes.txt": ("binary",),
    "empty.txt": ("no text to annotate",),
    "utf16-no-bom.txt": ("binary",),
    "yaml-python-tag.md": ("front matter", "not valid YAML"),
    "huge-60mb.txt": ("60 MB", "50 MB import limit"),
    "zip-bomb.docx": ("Word document looks like a zip bomb", "word/document.xml would expand"),
    "truncated.docx": ("Word document is damaged or incomplete",),
    "billion-laughs.docx": ("word/document.xml declares XML entities",),
    "missing-chapter.epub": ("e-book is incomplete", "OEBPS/text/b-second.xhtml is missing"),
    "billion-laughs-opf.epub": ("OEBPS/content.opf declares XML entities",),
    "path-escape.epub": ("e-book is incomplete", "is missing"),
}

# Nothing of these may reach an imported document's text, links or metadata.
FORBIDDEN = re.compile(
    r"(?-i:[A-Z0-9]+_[A-Z0-9_]+)"  # the markers put in every dangerous place of the corpus
    r"|<\s*/?\s*(?:script|style|iframe|img|svg|form|object|embed|meta|base|link)\b"
    r"|(?:java|vb)script\s*:|data\s*:\s*text|\b(?:https?|ftp|file)://|evil\.example"
    r"|\bon(?:load|error|click|mouseover)\s*=|alert\(|document\.cookie|display\s*:\s*none|lollol|passwd",
    re.IGNORECASE,
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parallel(calls):
    """Run several read-only command lines at once (each costs about half a second)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda args: run_cli(*args[1:], db=args[0]), calls))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Import the whole corpus once; what every test below looks at."""
    from desktop_app.core.store import Store

    home = tmp_path_factory.mktemp("hostile-home")
    with pytest.MonkeyPatch.context() as mp:  # user folders of this module's own
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            (home / var).mkdir()
            mp.setenv(var, str(home / var))
        mp.setenv("HOME", str(home))
        folder = tmp_path_factory.mktemp("generated")
        paths = {name: CORPUS / name for name in COMMITTED}
        for name, make in GENERATED.items():
            paths[name] = folder / name
            if make is None:
                with open(paths[name], "wb") as fh:
                    fh.truncate(60 * MB)
            else:
                paths[name].write_bytes(make())
        db = folder / "hostile.db"
        Store.open(db, seed=False, annotator="tester").close()
        before = dump(db)

        first = run_cli("import", *(str(paths[n]) for n in ALL), db=db)

        # The refused files alone: a failure, and not a byte of the database changes.
        after_first = dump(db)
        refused_sha = sha(db)
        again = run_cli("import", *(str(paths[n]) for n in REFUSED), db=db)
        assert sha(db) == refused_sha and dump(db) == after_first

        docs = json.loads(run_cli("docs", "--json", db=db).stdout)
        by_name = {d["original_name"]: d for d in docs}
        texts = dict(zip(by_name, parallel([(db, "text", str(d["id"])) for d in by_name.values()])))
        with Store.open(db, annotator="tester") as store:
            loaded = {name: store.load_document(d["id"]) for name, d in by_name.items()}
        yield {
            "db": db, "paths": paths, "before": before, "first": first, "again": again, "docs": docs,
            "by_name": by_name, "texts": texts, "loaded": loaded,
        }


def _stderr_lines(result) -> list[str]:
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "unexpected error" not in err, err
    # what each web page's import kept is said on a line of its own; not a refusal
    return [line for line in err.splitlines()
            if ": Kept the article" not in line and "so the whole page was imported" not in line]


def test_the_import_call_reports_each_refused_file_once(corpus):
    first, again = corpus["first"], corpus["again"]
    assert first.returncode == 1 and again.returncode == 1
    for result in (first, again):
        lines = _stderr_lines(result)
        assert len(lines) == len(REFUSED), lines
        assert all(line.startswith("marginalia: ") for line in lines)
    assert again.stdout == b""
    out = first.stdout.decode("utf-8").splitlines()
    assert len(out) == len(ALL) - len(REFUSED) == len(corpus["docs"])
    assert [line.split("\t")[0] for line in out] == [str(d["id"]) for d in corpus["docs"]]
    assert sorted(corpus["by_name"]) == sorted(set(ALL) - set(REFUSED))


@pytest.mark.parametrize("name", ALL)
def test_each_hostile_file_is_imported_safely_or_refused_plainly(corpus, name):
    lines = [line for line in _stderr_lines(corpus["first"]) if name in line]
    if name in REFUSED:
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"marginalia: {name}: "), lines[0]
        for reason in REFUSED[name]:
            assert reason.lower() in lines[0].lower(), (reason, lines[0])
        assert name not in corpus["by_name"]  # nothing of it in the database
        again = [line for line in _stderr_lines(corpus["again"]) if name in line]
        assert again == lines
        return

    assert lines == []
    meta = corpus["by_name"][name]
    result = corpus["texts"][name]
    assert result.returncode == 0 and result.stderr == b""
    text = result.stdout.decode("utf-8")
    doc = corpus["loaded"][name]
    doc.check()
    assert text == doc.text and meta["characters"] == len(text) and text.strip()
    assert meta["sha256"] == hashlib.sha256(corpus["paths"][name].read_bytes()).hexdigest()
    everything = {
        "text": text,
        **{f"span {s.kind} {s.start}-{s.end}": s.href for s in doc.spans},
        **{f"block {i} language": b.language for i, b in enumerate(doc.blocks)},
        **{field: meta[field] for field in ("title", "author", "outlet", "source_url", "published")},
    }
    for where, value in everything.items():
        found = FORBIDDEN.search(value)
        assert found is None, f"{name}: {found.group(0)!r} in {where}: {value[max(0, found.start() - 60):found.end() + 60]!r}"


def test_what_the_hostile_documents_keep(corpus):
    """The readable text survives the hostile markup around it."""
    texts = {name: r.stdout.decode("utf-8") for name, r in corpus["texts"].items()}
    page = texts["hostile-page.html"].split("\n")
    # the article: the headline is its title, the image (and its alt text) is left out
    assert page == [
        "First paragraph stays.",
        "first link, second link, third link, fourth link, data link, vb link.", "Last paragraph.",
    ]
    assert corpus["by_name"]["hostile-page.html"]["title"] == "Readable headline"
    assert corpus["loaded"]["hostile-page.html"].spans == []  # every link target was unsafe
    md = texts["raw-html.md"]
    for kept in ("An opening paragraph.", "an HTML link and a Markdown link and a data link.",
                 "remote image alt text", "A div paragraph.", "Closing paragraph."):
        assert kept in md
    assert texts["sniffed-page"] == "Sniffed as HTML from its start."
    assert corpus["by_name"]["sniffed-page"]["format"] == "web"
    assert "&lol9; &xxe; end." in texts["billion-laughs.html"]
    # Word: unsafe links lose their target, hidden and deleted text and field codes never arrive.
    assert texts["hostile.docx"] == "Visible start. script link file link vb link Visible end.\nLast paragraph."
    assert corpus["loaded"]["hostile.docx"].spans == []
    assert corpus["by_name"]["hostile.docx"]["format"] == "docx"
    assert corpus["by_name"]["yaml-bomb.md"]["title"] == "yaml bomb"  # the aliased lists are no title
    assert len(texts["yaml-bomb.md"]) < 100
    assert texts["deep-lists.md"].endswith("deepest item\nafter the lists")
    assert texts["deep-quotes.md"].endswith("deepest quote\nafter the quotes")
    assert texts["deep-mixed.md"].endswith("mixed\nafter the mix")
    assert texts["deep-html.html"].split("\n") == ["deep html text", "after the nesting", "never closed"]
    assert "\n" not in texts["long-line.txt"] and len(texts["long-line.txt"]) == 2 * MB
    assert "\n" not in texts["long-line.md"] and len(texts["long-line.md"]) > 1.5 * MB
    # Not UTF-8: read through a legacy 8-bit encoding (garbled where the bytes were broken).
    assert corpus["by_name"]["invalid-utf8.md"]["encoding"] not in ("utf-8", "utf-8-sig")
    assert texts["invalid-utf8.md"].startswith("Broken bytes\n") and "overlong" in texts["invalid-utf8.md"]


def test_formula_metadata_is_kept_and_guarded_in_the_csv(corpus):
    db = corpus["db"]
    meta = corpus["by_name"]["formula-front-matter.md"]
    assert (meta["title"], meta["author"], meta["outlet"], meta["source_url"], meta["published"]) == (
        '=HYPERLINK(CONCATENATE(A1,B1),"Click for details")', "+cmd|' /C calc'!A0", "@SUM(1)",
        "-2+3+cmd|' /C calc'!A0", "=1+1",
    )
    added = run_cli("claim", "add", str(meta["id"]), "--quote", "Every metadata field", "--note", "@SUM(2)",
                    "--json", db=db)
    assert added.returncode == 0, added.stderr
    guarded, raw = parallel([
        (db, "export", "--document", str(meta["id"])),
        (db, "export", "--document", str(meta["id"]), "--no-formula-guard"),
    ])
    for result in (guarded, raw):
        assert result.returncode == 0 and b"Exported 1 claim." in result.stderr, result.stderr
    g = _one_row(guarded.stdout)
    r = _one_row(raw.stdout)
    for column, value in (("document_title", meta["title"]), ("document_source", meta["source_url"]),
                          ("document_published", meta["published"]), ("note", "@SUM(2)")):
        assert r[column] == value, column
        assert g[column] == "'" + value, column
    assert g["quote"] == r["quote"] == "Every metadata field"


def _one_row(data: bytes) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == list(HEADER) and len(rows) == 2
    return dict(zip(HEADER, rows[1], strict=True))


def test_a_huge_file_is_refused_without_being_read(tmp_path):
    huge = tmp_path / "huge-60mb.txt"
    with open(huge, "wb") as fh:
        fh.truncate(60 * MB)
    gc.collect()
    tracemalloc.start()
    try:
        with pytest.raises(ImportRefused) as info:
            import_file(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(info.value) == "huge-60mb.txt: the file is 60 MB, over the 50 MB import limit."
    assert peak < 256 * 1024, f"{peak} bytes were allocated to refuse the file"


def test_a_reader_that_runs_out_of_time_is_one_sentence_and_changes_nothing(tmp_path):
    """The reader child is stopped at the time limit (made tiny here through the
    settings file, so that reading any Word file takes longer)."""
    from desktop_app.core.store import Store

    config = tmp_path / "config"
    (config / "Marginalia").mkdir(parents=True)
    (config / "Marginalia" / "settings.json").write_text(json.dumps({"reader_time_limit_s": 0.01}))
    env = {"XDG_CONFIG_HOME": str(config), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    db = tmp_path / "slow.db"
    Store.open(db, seed=False, annotator="tester").close()
    before = dump(db)
    result = run_cli("import", str(CORPUS / "hostile.docx"), db=db, env=env)
    assert result.returncode == 1 and result.stdout == b""
    assert _stderr_lines(result) == [
        "marginalia: hostile.docx: the file could not be read: the reader took longer than 0.01 s and was stopped."
    ]
    assert dump(db) == before
