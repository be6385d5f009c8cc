"""The command line, end to end, in subprocesses (each costs about half a second,
so several checks share one database and one call where they can)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import sqlite3
from pathlib import Path


from conftest import fails, ok, run_cli

from desktop_app import __version__
from desktop_app.core.exchange.claims_csv import HEADER
from desktop_app.core.store import Store


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dated_sample(store):
    """The sample article published 2023-08-01 (the one about deepfakes and strikes)."""
    return next(d for d in store.list_documents() if d.published == "2023-08-01")


def test_version_and_help(db_path):
    out = ok(run_cli("--version"))
    assert out.strip() == f"Marginalia {__version__}"
    out = ok(run_cli("--help"))
    for command in ("import", "docs", "text", "tags", "claim", "claims", "search", "export"):
        assert command in out
    out = ok(run_cli("export", "--help"))
    assert "--no-formula-guard" in out and "--excel" in out
    assert not db_path.exists()  # help touches no database


def test_listing_a_new_database(db_path):
    docs = json.loads(ok(run_cli("docs", "--json", db=db_path)))
    assert len(docs) == 2
    assert {d["published"] for d in docs} == {"", "2023-08-01"}
    assert all(d["title"].startswith("Netflix") and d["claims"] == 0 for d in docs)
    tags = json.loads(ok(run_cli("tags", "--json", db=db_path)))
    assert [(t["name"], t["key"]) for t in tags] == [("deepfakes", 1), ("salaries", 2), ("strikes", 3)]
    assert len({t["color"] for t in tags}) == 3
    header, *lines = ok(run_cli("docs", db=db_path)).splitlines()
    assert header.split("\t") == ["ID", "TITLE", "OUTLET", "PUBLISHED", "CLAIMS"]
    assert [line.split("\t")[0] for line in lines] == [str(d["id"]) for d in docs]
    assert lines[0].split("\t")[1] == docs[0]["title"]


def test_import_reports_bad_files_and_imports_the_good_ones(tmp_path, db_path, user_dirs):
    from desktop_app.core import paths

    settings = paths.settings_file()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"max_import_mb": 1}), encoding="utf-8")  # a whole number of megabytes

    files = tmp_path / "in"
    files.mkdir()
    (files / "good.md").write_text("---\ntitle: Good Markdown\n---\n\nA *fine* article.\n", encoding="utf-8")
    (files / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" + bytes(range(256)) * 8)
    (files / "empty.txt").write_bytes(b"")
    (files / "huge.txt").write_bytes(b"word " * 300_000)  # 1.5 MB, over the 1 MB limit
    (files / "nul.txt").write_bytes(b"some text\x00with a NUL byte in it")
    (files / "undecodable.txt").write_bytes(b"\xff\xfe" + "odd UTF-16".encode("utf-16-le") + b"\x00")
    (files / "plain.txt").write_text("Plain text: café ☕\n\nSecond paragraph.", encoding="utf-8")
    missing = files / "missing.md"

    with Store.open(db_path, annotator="x"):
        pass
    result = run_cli("import", str(files / "good.md"), str(files / "binary.txt"), str(files / "empty.txt"),
                     str(files / "huge.txt"), str(missing), str(files / "nul.txt"), str(files / "undecodable.txt"),
                     str(files / "plain.txt"), db=db_path)
    assert result.returncode != 0
    err = result.stderr.decode()
    assert "Traceback" not in err
    err_lines = err.splitlines()
    assert len(err_lines) == 6, err
    for line, name in zip(err_lines, ("binary.txt", "empty.txt", "huge.txt", "missing.md", "nul.txt",
                                      "undecodable.txt")):
        assert line.startswith("marginalia: ") and name in line
    assert "limit" in err_lines[2]
    out_lines = result.stdout.decode().splitlines()
    assert [line.split("\t")[1] for line in out_lines] == ["Good Markdown", "plain"]

    docs = json.loads(ok(run_cli("docs", "--json", db=db_path)))
    assert [d["title"] for d in docs[2:]] == ["Good Markdown", "plain"]
    assert [str(d["id"]) for d in docs[2:]] == [line.split("\t")[0] for line in out_lines]

    # Only bad files: nothing in the database changes, byte for byte.
    before = sha(db_path)
    fails(run_cli("import", str(files / "binary.txt"), db=db_path), "binary.txt")
    assert sha(db_path) == before

    imported = json.loads(ok(run_cli("import", "--json", str(files / "good.md"), db=db_path)))
    assert [d["title"] for d in imported] == ["Good Markdown"] and imported[0]["format"] == "markdown"


def test_text_prints_exactly_the_canonical_text(tmp_path, db_path):
    source = tmp_path / "emoji.md"
    source.write_text("# Emoji 👩🏽‍💻\r\n\r\nCafé e\u0301 — ½ 𝔘\tend   \n\n- item\n", encoding="utf-8")
    out = ok(run_cli("import", str(source), db=db_path))
    doc_id = out.split("\t")[0]
    result = run_cli("text", doc_id, db=db_path)
    ok(result)
    with Store.open(db_path, annotator="x") as store:
        text = store.document_text(int(doc_id))
        seed_text = store.document_text(1)
    assert "👩🏽‍💻" in text and "\r" not in text
    assert result.stdout == text.encode("utf-8")  # nothing added, not even a newline
    by_title = run_cli("text", "Emoji 👩🏽‍💻", db=db_path)
    assert by_title.stdout == result.stdout
    assert run_cli("text", "1", db=db_path).stdout == seed_text.encode("utf-8")
    fails(run_cli("text", "999", db=db_path), "999")
    fails(run_cli("text", "no such title", db=db_path), "no such title")


def test_tag_commands_and_their_errors(db_path):
    with Store.open(db_path, annotator="x") as store:
        doc = str(dated_sample(store).id)

    def tags():
        return {t["name"]: t for t in json.loads(ok(run_cli("tags", "--json", db=db_path)))}

    ok(run_cli("tags", "add", "Labour", "--color", "#12ab9f", "--key", "4", "--description", "work", db=db_path))
    ok(run_cli("tags", "add", "Pay gap", "--parent", "labour", db=db_path))
    ok(run_cli("tags", "rename", "pay gap", "Wage gap", db=db_path))
    ok(run_cli("tags", "recolor", "Wage gap", "blue", db=db_path))
    t = tags()
    assert t["Labour"]["color"] == "#12AB9F" and t["Labour"]["key"] == 4 and t["Labour"]["description"] == "work"
    assert t["Wage gap"]["parent"] == "Labour" and t["Wage gap"]["color"] == "#4C8FE8"
    before = sha(db_path)

    fails(run_cli("tags", "add", "LABOUR", db=db_path), "already", "Labour")
    fails(run_cli("tags", "add", "New", "--color", "#12345", db=db_path), "#12345")
    fails(run_cli("tags", "add", "New", "--key", "1", db=db_path), "deepfakes")
    fails(run_cli("tags", "rename", "nope", "x", db=db_path), "nope")
    fails(run_cli("tags", "rename", "labour", "Salaries", db=db_path), "salaries")
    fails(run_cli("tags", "recolor", "labour", "chartreuse-ish", db=db_path), "colour")
    fails(run_cli("tags", "merge", "labour", "labour", db=db_path), "itself")
    assert sha(db_path) == before  # every failure changed nothing

    ok(run_cli("claim", "add", doc, "--quote", "Emma Watson", "--tag", "Wage gap", db=db_path))
    before = sha(db_path)
    fails(run_cli("tags", "remove", "wage gap", db=db_path), "merge", "untag")
    assert sha(db_path) == before
    out = ok(run_cli("tags", "merge", "Wage gap", "salaries", db=db_path))
    assert "(1 claim)" in out
    t = tags()
    assert "Wage gap" not in t and t["salaries"]["claims"] == 1
    ok(run_cli("tags", "remove", "salaries", "--untag", db=db_path))
    ok(run_cli("tags", "remove", "labour", db=db_path))
    listing = ok(run_cli("tags", db=db_path)).splitlines()
    assert [line.split("\t")[0] for line in listing] == ["deepfakes", "strikes"]
    assert listing[0].split("\t")[:3] == ["deepfakes", "#8E6CEF", "key 1"]


def test_claim_commands_and_their_errors(db_path):
    with Store.open(db_path, annotator="x") as store:
        doc = dated_sample(store)
        text = store.document_text(doc.id)
    did = str(doc.id)

    added = json.loads(ok(run_cli(
        "claim", "add", did, "--quote", "Bruce Willis", "--tag", "deepfakes", "--tag", "STRIKES",
        "--note", "=check source", "--status", "supported", "--json", db=db_path)))
    assert added["quote"] == "Bruce Willis" and text[added["start"] : added["end"]] == "Bruce Willis"
    assert sorted(added["tags"]) == ["deepfakes", "strikes"] and added["status"] == "supported"
    assert added["prefix"] == text[max(0, added["start"] - 32) : added["start"]]

    count = text.count("machine learning")
    assert count > 1
    before = sha(db_path)
    fails(run_cli("claim", "add", did, "--quote", "machine learning", db=db_path), "--occurrence", str(count))
    fails(run_cli("claim", "add", did, "--quote", "not in this article", db=db_path), "not in the document")
    fails(run_cli("claim", "add", did, "--quote", "machine learning", "--occurrence", str(count + 1), db=db_path))
    r = run_cli("claim", "add", did, "--tag", "deepfakes", db=db_path)
    fails(r, "--quote")
    assert r.returncode == 2
    fails(run_cli("claim", "add", did, "--quote", "Bruce Willis", "--status", "true", db=db_path), "true")
    fails(run_cli("claim", "add", "999", "--quote", "Bruce Willis", db=db_path), "999")
    fails(run_cli("claim", "add", did, "--quote", "Bruce Willis", "--tag", "nope", db=db_path), "nope")
    fails(run_cli("claim", "add", did, "--quote", "", db=db_path), "empty")
    fails(run_cli("claim", "delete", "12345", db=db_path), "12345")
    assert sha(db_path) == before

    second = text.index("machine learning", text.index("machine learning") + 1)
    out = ok(run_cli("claim", "add", did, "--quote", "machine learning", "--occurrence", "2",
                     "--tag", "salaries", "--note", os.fsdecode(b"bytes \xff that are not UTF-8"), db=db_path))
    cid, _uuid, where = out.strip().split("\t")
    assert where == f"{second}-{second + len('machine learning')}"

    everything = json.loads(ok(run_cli("claims", "--json", db=db_path)))
    assert [c["id"] for c in everything] == [added["id"], int(cid)]
    assert "\ufffd" in everything[1]["note"]
    by_tag = json.loads(ok(run_cli("claims", "--json", "--tag", "salaries", "--tag", "strikes", db=db_path)))
    assert [c["id"] for c in by_tag] == [added["id"], int(cid)]
    header, *plain = ok(run_cli("claims", "--tag", "deepfakes", "--document", did, db=db_path)).splitlines()
    assert header.startswith("ID\t") and len(plain) == 1 and plain[0].split("\t")[0] == str(added["id"])
    fails(run_cli("claims", "--tag", "nope", db=db_path), "nope")
    fails(run_cli("claims", "--status", "maybe", db=db_path), "maybe")

    ok(run_cli("claim", "delete", added["uuid"], db=db_path))
    assert [c["id"] for c in json.loads(ok(run_cli("claims", "--json", db=db_path)))] == [int(cid)]


def test_search(db_path):
    with Store.open(db_path, annotator="x") as store:
        doc = dated_sample(store)
        text = store.document_text(doc.id)
        start = text.index("Scarlett Johansson")
        claim = store.add_claim(doc.id, start, start + 18, note="verify with the studio")
    hits = json.loads(ok(run_cli("search", "--json", "johanss*", db=db_path)))
    assert {(h["kind"], h["id"]) for h in hits} == {("document", doc.id), ("claim", claim.id)}
    hits = json.loads(ok(run_cli("search", "--json", "studio VERIFY", db=db_path)))
    assert [(h["kind"], h["id"], h["document_id"]) for h in hits] == [("claim", claim.id, doc.id)]
    assert ok(run_cli("search", '"(*', db=db_path)) == ""
    # Operators are searched as plain words: both articles contain "and", "or" and "not".
    out = ok(run_cli("search", "AND OR NOT (", db=db_path))
    assert sorted(line.split("\t")[:2][1] for line in out.splitlines()) == ["1", "2"]


def _csv_rows(data: bytes) -> list[dict]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(HEADER)
    return [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]


def test_export(tmp_path, db_path):
    with Store.open(db_path, annotator="=annotator") as store:
        doc = dated_sample(store)
        text = store.document_text(doc.id)
        tag = {t.name: t.id for t in store.list_tags()}
        spans = [text.index(q) for q in ("Bruce Willis", "Emma Watson", "Midjourney")]
        c1 = store.add_claim(doc.id, spans[0], spans[0] + 12, [tag["deepfakes"]], note="-1 point")
        c2 = store.add_claim(doc.id, spans[1], spans[1] + 11, [tag["strikes"], tag["deepfakes"]], status="refuted")
        c3 = store.add_claim(doc.id, spans[2], spans[2] + 10, [tag["salaries"]], note="a\nb, \"c\"")

    target = tmp_path / "claims.csv"
    r = run_cli("export", "-o", str(target), db=db_path)
    ok(r)
    assert r.stdout == b"" and b"Exported 3 claims" in r.stderr
    data = target.read_bytes()
    assert data.startswith(b"claim_id,document_id,") and not data.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(data)
    assert [row["claim_id"] for row in rows] == [c1.uuid, c2.uuid, c3.uuid]
    assert rows[0]["note"] == "'-1 point" and rows[0]["annotator"] == "'=annotator"
    assert rows[1]["tags"] == "deepfakes; strikes" and rows[2]["note"] == 'a\nb, "c"'
    assert rows[0]["document_title"] == doc.title and rows[0]["document_published"] == "2023-08-01"

    stdout = run_cli("export", "--format", "csv", "-o", "-", "--no-formula-guard", "--excel", db=db_path)
    ok(stdout)
    assert stdout.stdout.startswith(b"\xef\xbb\xbf") and b"\r\n" in stdout.stdout
    rows = _csv_rows(stdout.stdout)
    assert rows[0]["note"] == "-1 point" and rows[0]["annotator"] == "=annotator"

    filtered = run_cli("export", "--tag", "strikes", "--tag", "salaries", "--status", "refuted",
                       "--document", str(doc.id), db=db_path)
    assert [row["claim_id"] for row in _csv_rows(ok(filtered).encode())] == [c2.uuid]

    # A failed export leaves an earlier file as it was, and no temporary file.
    before = sha(target)
    listing = sorted(os.listdir(tmp_path))
    fails(run_cli("export", "-o", str(target), "--tag", "nope", db=db_path), "nope")
    fails(run_cli("export", "-o", str(target), "--status", "maybe", db=db_path), "maybe")
    fails(run_cli("export", "-o", str(tmp_path / "no" / "such" / "dir.csv"), db=db_path), "does not exist")
    assert sha(target) == before and sorted(os.listdir(tmp_path)) == listing
    assert (target.stat().st_mode & 0o777) == (0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_damaged_or_newer_database_is_refused_untouched(tmp_path, db_path):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + random.Random(1).randbytes(8000))
    before = sha(damaged)
    fails(run_cli("docs", db=damaged), str(damaged))
    fails(run_cli("import", str(damaged), db=damaged), str(damaged))
    assert sha(damaged) == before

    with Store.open(db_path, annotator="x"):
        pass
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    conn.commit()
    conn.close()
    before = sha(db_path)
    fails(run_cli("claims", "--json", db=db_path), "newer")
    assert sha(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.db", "library.db"]


def test_replace_re_anchors_claims_and_reports_what_happened(tmp_path, db_path):
    v1 = tmp_path / "v1.txt"
    v1.write_text("Opening line.\nThe claim sits here.\nA second claim is here too.", encoding="utf-8")
    doc_id = ok(run_cli("import", str(v1), db=db_path)).split("\t")[0]
    ok(run_cli("claim", "add", doc_id, "--quote", "claim sits", db=db_path))
    ok(run_cli("claim", "add", doc_id, "--quote", "A second claim is here", db=db_path))

    moved = tmp_path / "v2.txt"
    moved.write_text("A new opening line.\nThe claim sits here.", encoding="utf-8")
    result = run_cli("import", str(moved), "--replace", doc_id, db=db_path)
    assert result.returncode == 0
    assert result.stdout.decode().split("\t")[0] == doc_id
    summary = result.stderr.decode()
    assert "1 moved" in summary and "1 could not be found" in summary
    assert run_cli("text", doc_id, db=db_path).stdout == moved.read_bytes()
    claims = {c["quote"]: c for c in json.loads(ok(run_cli("claims", "--json", db=db_path)))}
    sits = claims["claim sits"]
    assert not sits["orphaned"]
    assert moved.read_text()[sits["start"] : sits["end"]] == "claim sits"
    assert claims["A second claim is here"]["orphaned"]
    assert "orphaned" in ok(run_cli("claims", "--orphaned", db=db_path))
    # An orphan exports with its quote and no position.
    rows = list(csv.DictReader(io.StringIO(ok(run_cli("export", db=db_path)))))
    orphan = next(r for r in rows if r["quote"] == "A second claim is here")
    assert (orphan["start"], orphan["end"]) == ("", "")
    # Re-attached by quote, it has a place again.
    ok(run_cli("claim", "reattach", str(claims["A second claim is here"]["id"]), "--quote", "new opening", db=db_path))
    again = {c["id"]: c for c in json.loads(ok(run_cli("claims", "--json", db=db_path)))}
    assert again[claims["A second claim is here"]["id"]]["quote"] == "new opening"

    kept = tmp_path / "v3.txt"
    fails(run_cli("import", str(kept), str(v1), "--replace", doc_id, db=db_path), "one file")


def _parallel(db: Path, calls: list[tuple[str, ...]]) -> list:
    """Several command lines at once (writers wait for each other's lock)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda args: run_cli(*args, db=db), calls))


UNICODE_ARTICLE = (
    "# Family 👩‍👩‍👧‍👦 emoji\n\n"
    "Flags 🇫🇷🇯🇵 side by side, a wave 👋🏽 with a skin tone, and 😀 plain.\n\n"
    "Math 𝐀𝑩𝒞 letters and CJK 𠀀𠀁 from extension B.\n\n"
    "Combining: cafe\u0301 and a\u0308\u0323 stacked.\n\n"
    "Arabic: مرحبا بالعالم. Hebrew: שלום עולם.\n\n"
    "Mixed: 👩‍👩‍👧‍👦🇫🇷𝐀e\u0301𠀀שלום😀end\n"
)


def test_unicode_offsets_agree_between_text_claims_and_csv(tmp_path, db_path):
    """Offsets are code points of the canonical text everywhere: what 'text'
    prints, what 'claim add' anchors, what 'claims --json' and 'export' give."""
    source = tmp_path / "unicode.md"
    source.write_text(UNICODE_ARTICLE, encoding="utf-8")
    doc_id = ok(run_cli("import", str(source), db=db_path)).split("\t")[0]
    text = run_cli("text", doc_id, db=db_path).stdout.decode("utf-8")
    assert "a\u0308\u0323" not in text and "\u1ea1\u0308" in text and "café" in text  # NFC

    quotes = [
        "👩\u200d👩", "👧\u200d👦 emoji",  # inside a ZWJ sequence, and from inside it to past it
        "🇷🇯🇵 side", "🏽 with",  # a flag cut apart; a skin tone modifier without its emoji
        "𝑩𝒞 letters and CJK 𠀀",  # mathematical letters, CJK extension B
        "é and \u1ea1", "\u0308 stacked",  # composed by NFC; a combining mark alone
        "بالعالم. Hebrew: ש",  # right to left
        "🇫🇷𝐀é𠀀ש", "😀end",  # everything packed together, up to the end of the text
    ]
    expected, calls = {}, []
    for quote in quotes:
        starts = [i for i in range(len(text)) if text.startswith(quote, i)]
        assert starts, quote
        occurrence = len(starts)  # the last one: the packed line when there are several
        expected[quote] = starts[-1]
        calls.append(("claim", "add", doc_id, f"--quote={quote}", "--occurrence", str(occurrence),
                      "--note", f"note {len(calls)}", "--json"))
    added = [json.loads(ok(r)) for r in _parallel(db_path, calls)]
    for quote, claim in zip(quotes, added):
        assert claim["quote"] == quote
        assert (claim["start"], claim["end"]) == (expected[quote], expected[quote] + len(quote))

    exported, listed, printed = _parallel(db_path, [("export", "--document", doc_id), ("claims", "--json"),
                                                    ("text", doc_id)])
    assert printed.stdout.decode("utf-8") == text
    rows = _csv_rows(ok(exported).encode("utf-8"))
    claims = json.loads(ok(listed))
    assert len(rows) == len(claims) == len(quotes)
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert text[start:end] == row["quote"] and row["quote"] in expected
        assert start == expected[row["quote"]]
        assert row["prefix"] == text[max(0, start - 32) : start]
        assert row["suffix"] == text[end : end + 32]
    for c in claims:
        assert text[c["start"] : c["end"]] == c["quote"] and c["start"] == expected[c["quote"]]
        assert c["prefix"] == text[max(0, c["start"] - 32) : c["start"]]
        assert c["suffix"] == text[c["end"] : c["end"] + 32]
    assert {c["uuid"] for c in claims} == {r["claim_id"] for r in rows} == {c["uuid"] for c in added}


def test_file_names_and_arguments_that_are_not_utf8(tmp_path, db_path):
    """On POSIX a file name or an argument can hold bytes that are not UTF-8;
    they arrive as lone surrogates and must give a result or a plain error."""
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9 notes.txt"), "wb") as fh:
        fh.write("Notes about the café.\n".encode())
    name = os.fsdecode(os.path.join(folder, b"caf\xe9 notes.txt"))
    imported = json.loads(ok(run_cli("import", "--json", name, db=db_path)))
    assert imported[0]["original_name"] == "caf\ufffd notes.txt" and imported[0]["title"] == "caf\ufffd notes"
    fails(run_cli("claims", "--tag", os.fsdecode(b"\xff"), db=db_path), "no tag")


def test_direction_controls_in_titles_are_shown_not_obeyed(tmp_path, db_path):
    """A file named "rtl\u202egpj.md" printed raw shows as "rtldm.jpg" reversed
    on a terminal: the command line shows each direction control as ⟨U+XXXX⟩
    (JSON keeps the exact title, for programs)."""
    spoofed = tmp_path / "rtl\u202egpj.md"
    spoofed.write_text("A strike with an override \u202e inside.\n", encoding="utf-8")
    imported = ok(run_cli("import", str(spoofed), db=db_path))
    assert "rtl⟨U+202E⟩gpj" in imported and "\u202e" not in imported
    docs = ok(run_cli("docs", db=db_path))
    assert "rtl⟨U+202E⟩gpj" in docs and "\u202e" not in docs
    found = ok(run_cli("search", "override", db=db_path))
    assert "rtl⟨U+202E⟩gpj" in found and "\u202e" not in found
    as_json = json.loads(ok(run_cli("docs", "--json", db=db_path)))
    assert any(d["title"] == "rtl\u202egpj" for d in as_json)
    with Store.open(db_path) as store:
        doc = next(d for d in store.list_documents() if d.title.startswith("rtl"))
        assert "\u202e" in store.document_text(doc.id)  # the text itself is as it was


def test_search_of_too_many_words_is_one_sentence(db_path):
    from desktop_app.core.store.search import MAX_TERMS

    words = " ".join(f"word{i}" for i in range(MAX_TERMS + 4))
    fails(run_cli("search", words, db=db_path), f"at most {MAX_TERMS}")
    fails(run_cli("search", "s*", db=db_path), "too short a prefix")
    assert ok(run_cli("search", " ".join(["netflix"] * 5000), db=db_path)).count("\n") >= 2  # repeats count once
