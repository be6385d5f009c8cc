"""`marginalia import` of web pages: by address (a server on 127.0.0.1), the
whole page on request, failures in one line, and the summary of what was kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_cli
from webserver import web_server  # noqa: F401 - fixture

WEB = Path(__file__).resolve().parent / "fixtures" / "web"
TITLE = "Port authority delays dredging after survey finds contaminated silt"


def test_import_by_address_prints_the_document_and_what_was_kept(tmp_path, web_server):
    db = tmp_path / "lib.db"
    result = run_cli("import", web_server.url("/redirect/2"), db=db)
    assert result.returncode == 0, result.stderr
    doc_id, title = result.stdout.decode().strip().split("\t")
    assert title == TITLE
    err = result.stderr.decode().strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(web_server.url("/news/harbour") + ": Kept the article: ")
    assert err[0].endswith("of the page (navigation, footers…).")
    docs = json.loads(run_cli("docs", "--json", db=db).stdout)
    doc = next(d for d in docs if str(d["id"]) == doc_id)
    assert doc["source_url"] == "https://harbourherald.example/news/2026/11/port-dredging-delayed"
    assert doc["format"] == "web"
    text = run_cli("text", doc_id, db=db).stdout.decode()
    assert "cadmium at 2.4 milligrams" in text and "Related stories" not in text
    assert [r["headers"]["User-Agent"].split(" ")[0] for r in web_server.requests][-1].startswith("Marginalia/")


def test_whole_page_flag(tmp_path, web_server):
    db = tmp_path / "lib.db"
    saved = tmp_path / "saved.html"
    shutil.copy(WEB / "harbour-herald.html", saved)
    result = run_cli("import", "--whole-page", web_server.url("/news/harbour"), str(saved), db=db)
    assert result.returncode == 0 and result.stderr == b""
    ids = [line.split("\t")[0] for line in result.stdout.decode().splitlines()]
    for doc_id in ids:
        text = run_cli("text", doc_id, db=db).stdout.decode()
        assert "Related stories" in text and "harbourwatcher" in text


def test_a_failed_address_is_one_line_and_the_rest_still_imports(tmp_path, web_server):
    db = tmp_path / "lib.db"
    saved = tmp_path / "valley.html"
    shutil.copy(WEB / "valley-courier.html", saved)
    result = run_cli("import", web_server.url("/missing"), web_server.url("/file.zip"), "ftp://127.0.0.1/page.html",
                     str(saved), db=db)
    assert result.returncode == 1
    err = [line for line in result.stderr.decode().splitlines() if line.startswith("marginalia: ")]
    assert err == [
        f"marginalia: {web_server.url('/missing')} was not found on the server (404 Not Found).",
        f"marginalia: {web_server.url('/file.zip')} is not a web page but “application/zip”; "
        "download it and import the file instead.",
        "marginalia: “ftp://127.0.0.1/page.html” is not a web address; only http:// and https:// addresses can be "
        "imported.",
    ]
    assert "Traceback" not in result.stderr.decode()
    out = result.stdout.decode().splitlines()
    assert [line.split("\t")[1] for line in out] == ["Rail line to reopen in 2028 as funding is confirmed 🚆"]
