"""REFI-QDA export: schema validity, archive contents, positions (UTF-16 code units by default), GUIDs,
links, orphans, and what a REFI-QDA program keeps of them."""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import require_shared
from desktop_app.core.exchange.claims_csv import ExportOptions
from desktop_app.core.exchange.qdpx import LINKS_NOTE_NAME, NS, derived_guid, export_qdpx, user_guid
from desktop_app.core.exchange import run_export
from conftest import make_doc

ROOT = Path(__file__).resolve().parents[2]
XSD = ROOT.parent / "shared" / "interop" / "refi-qda-project-1.0.xsd"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
Q = "{%s}" % NS

TEXT_1 = (
    "Emoji first 🎬 then the claim: strikes went on 🧑🏽‍💻 for 118 days.\n"
    "Music 𝄞 and math 𝔸𝔹 (astral), then \"quoted\" & <angled> text.\n"
    "Combining: café, naïve; tab\there. Last line without newline"
)
TEXT_2 = "Another source 😀 says the strikes ended in November.\n\nA second paragraph."


def span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return i, i + len(quote)


@pytest.fixture
def library(empty_store):
    s = empty_store
    d1 = s.add_document(make_doc(TEXT_1, "Strikes & <AI>", author="A. Writer", published="2023-08-01",
                                 source_url="https://example.org/a"))
    d2 = s.add_document(make_doc(TEXT_2, "Second source"))
    d3 = s.add_document(make_doc("This sentence will vanish. This one stays.", "Changing"))
    labour = s.add_tag("labour", color="#112233", description="Work & pay")
    strikes = s.add_tag("walkouts", color="#aabbcc", parent_id=labour.id)
    s.add_tag("unused")
    t1, t2, t3 = s.document_text(d1.id), s.document_text(d2.id), s.document_text(d3.id)
    c1 = s.add_claim(d1.id, *span(t1, "strikes went on 🧑🏽‍💻 for 118 days"), [strikes.id, labour.id],
                     note="checked\nagainst <two> sources")
    c2 = s.add_claim(d1.id, *span(t1, "𝄞 and math 𝔸𝔹"), [labour.id])
    c3 = s.add_claim(d1.id, *span(t1, "café, naïve; tab\there"), [])
    c4 = s.add_claim(d2.id, *span(t2, "the strikes ended in November"), [strikes.id])
    c5 = s.add_claim(d3.id, *span(t3, "This sentence will vanish."), [strikes.id], note="orphan note")
    s.set_claim_status(c4.id, "disputed")
    s.add_claim(d2.id, *span(t2, "A second paragraph"), [], annotator="Zoë")
    link = s.add_link(c1.id, c4.id, "contradicts", note="dates differ")
    same = s.add_link(c2.id, c4.id, "same")
    s.replace_document(d3.id, make_doc("This one stays.", "Changing"))
    return dict(store=s, docs=(d1, d2, d3), tags=(labour, strikes), claims=(c1, c2, c3, c4, c5),
                links=(link, same))


def export(store, tmp_path, **options) -> tuple[zipfile.ZipFile, bytes, etree._Element, int]:
    target = tmp_path / "project.qdpx"
    count = run_export(store, "qdpx", target, ExportOptions(**options))
    zf = zipfile.ZipFile(target)
    data = zf.read("project.qde")
    return zf, data, etree.fromstring(data), count


def test_project_validates_against_the_schema(library, tmp_path):
    require_shared(XSD, "the REFI-QDA schema")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    _, _, root, _ = export(library["store"], tmp_path)
    assert schema.validate(root), schema.error_log
    # an empty library makes a valid project too, and so does a filtered one
    _, _, root, _ = export(library["store"], tmp_path, tag_ids=[library["tags"][1].id], statuses=["disputed"])
    assert schema.validate(root), schema.error_log


def test_empty_library_is_a_valid_project(empty_store, tmp_path):
    _, data, root, count = export(empty_store, tmp_path)
    assert count == 0 and root.tag == Q + "Project"
    if XSD.is_file():
        schema = etree.XMLSchema(etree.parse(str(XSD)))
        assert schema.validate(root), schema.error_log


def utf16_slice(text: str, start: int, end: int) -> str:
    """What a program built on UTF-16 strings (Qt, .NET, Java) selects from start to end."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def note_text(zf, note) -> str:
    return zf.read("sources/" + note.get("plainTextPath").removeprefix("internal://")).decode("utf-8")


def test_archive_contents_declaration_and_no_bom(library, tmp_path):
    zf, data, root, count = export(library["store"], tmp_path)
    assert count == 6
    docs = library["docs"]
    notes = [n.get("guid") for n in root.iterfind(f"{Q}Notes/{Q}Note")]
    assert len(notes) == 3  # the orphan, the link's note and the list of links
    assert sorted(zf.namelist()) == sorted(["project.qde", *(f"sources/{g}.txt" for g in
                                                             [*(d.uuid for d in docs), *notes])])
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    for d in docs:
        raw = zf.read(f"sources/{d.uuid}.txt")
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert raw.decode("utf-8") == library["store"].document_text(d.id)
    sources = root.findall(f"{Q}Sources/{Q}TextSource")
    assert [s.get("guid") for s in sources] == [d.uuid for d in docs]
    assert [s.get("plainTextPath") for s in sources] == [f"internal://{d.uuid}.txt" for d in docs]
    assert sources[0].get("name") == "Strikes & <AI>"
    assert "Published: 2023-08-01" in sources[0].findtext(f"{Q}Description")


def test_selection_positions_match_the_source_text(library, tmp_path):
    zf, _, root, _ = export(library["store"], tmp_path)
    store = library["store"]
    seen = 0
    for source in root.iter(Q + "TextSource"):
        path = source.get("plainTextPath")
        if path is None:
            continue
        text = zf.read("sources/" + path.removeprefix("internal://")).decode("utf-8")
        for sel in source.findall(Q + "PlainTextSelection"):
            claim = store.get_claim(store.resolve_claim(sel.get("guid")))
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert utf16_slice(text, start, end) == claim.quote
            seen += 1
    assert seen == 5  # every placed claim; the orphan has no selection
    c1 = library["claims"][0]
    assert any(ord(ch) > 0xFFFF for ch in c1.quote)  # astral characters count two positions


def test_codes_codings_users_and_notes(library, tmp_path):
    zf, _, root, _ = export(library["store"], tmp_path)
    labour, strikes = library["tags"]
    c1, c2, c3, c4, c5 = library["claims"]
    codes = root.find(f"{Q}CodeBook/{Q}Codes")
    top = codes.findall(Q + "Code")
    names = [c.get("name") for c in top]
    assert names == ["deepfakes", "labour", "salaries", "strikes", "unused"]
    assert top[1].get("color") == "#112233" and top[1].findtext(Q + "Description") == "Work & pay"
    child = top[1].find(Q + "Code")
    assert child.get("guid") == strikes.uuid and child.get("color") == "#AABBCC"
    sel = {s.get("guid"): s for s in root.iter(Q + "PlainTextSelection")}
    refs = sorted(r.get("targetGUID") for r in sel[c1.uuid].iterfind(f"{Q}Coding/{Q}CodeRef"))
    assert refs == sorted([labour.uuid, strikes.uuid])
    assert sel[c1.uuid].findtext(Q + "Description") == "checked\nagainst <two> sources"
    assert sel[c4.uuid].findtext(Q + "Description") == "Status: disputed"
    assert sel[c3.uuid].find(Q + "Coding") is None
    users = {u.get("name"): u.get("guid") for u in root.iterfind(f"{Q}Users/{Q}User")}
    assert users == {"tester": user_guid("tester"), "Zoë": user_guid("Zoë")}
    assert uuid.UUID(user_guid("Zoë")).version == 5  # name-based, so stable
    assert user_guid("Zoë") == user_guid("Zoë") != user_guid("Zoe")
    assert sel[c1.uuid].get("creatingUser") == users["tester"]
    # the orphan: a named, dated note with its quote in a file; no source refers to it (a note that only a
    # source refers to, without a selection, is dropped by QualCoder)
    notes = {n.get("guid"): n for n in root.iterfind(f"{Q}Notes/{Q}Note")}
    orphan = notes[c5.uuid]
    assert orphan.find(Q + "PlainTextContent") is None
    content = note_text(zf, orphan)
    assert "This sentence will vanish." in content and "orphan note" in content and "walkouts" in content
    assert '"Changing"' in content and orphan.get("name").startswith("Orphaned claim: This sentence")
    assert orphan.get("creationDateTime")
    assert not list(root.iter(Q + "NoteRef")) or all(
        r.getparent().tag == Q + "Link" for r in root.iter(Q + "NoteRef"))
    assert c5.uuid not in sel


def test_every_guid_is_full_and_unique(library, tmp_path):
    _, data, root, _ = export(library["store"], tmp_path)
    guids = []
    for el in root.iter():
        for name, value in el.attrib.items():
            if name in {"guid", "targetGUID", "originGUID", "creatingUser", "modifyingUser"}:
                assert GUID.fullmatch(value), (el.tag, name, value)
                if name == "guid":
                    guids.append(value)
    assert len(guids) == len(set(guids))
    # every reference points at something in the project
    known = set(guids)
    for el in root.iter():
        for name in ("targetGUID", "originGUID", "creatingUser", "modifyingUser"):
            if el.get(name):
                assert el.get(name) in known, (el.tag, name)
    # the same library exports the same GUIDs
    _, again, _, _ = export(library["store"], tmp_path)
    assert GUID.findall(again.decode()) == GUID.findall(data.decode())


def test_links_point_at_the_selections(library, tmp_path):
    zf, _, root, _ = export(library["store"], tmp_path)
    c1, c2, c3, c4, c5 = library["claims"]
    link, same = library["links"]
    links = {l.get("guid"): l for l in root.iterfind(f"{Q}Links/{Q}Link")}
    assert set(links) == {link.uuid, same.uuid}
    a = links[link.uuid]
    assert (a.get("originGUID"), a.get("targetGUID"), a.get("name"), a.get("direction")) == (
        c1.uuid, c4.uuid, "contradicts", "OneWay")
    note_guid = a.find(Q + "NoteRef").get("targetGUID")
    note = next(n for n in root.iterfind(f"{Q}Notes/{Q}Note") if n.get("guid") == note_guid)
    assert note_text(zf, note) == "dates differ" and note.get("name") == "Link (contradicts): dates differ"
    b = links[same.uuid]
    assert (b.get("originGUID"), b.get("targetGUID"), b.get("direction")) == (c2.uuid, c4.uuid, "Bidirectional")
    # a link whose other end is filtered out is left out
    _, _, root, count = export(library["store"], tmp_path, document_ids=[library["docs"][0].id])
    assert count == 3 and root.find(f"{Q}Links") is None and root.find(f"{Q}Notes") is None


def test_direct_call_writes_the_file(library, tmp_path):
    target = tmp_path / "direct.qdpx"
    assert export_qdpx(library["store"], target, None) == 6
    assert zipfile.is_zipfile(target)


ASTRAL_TEXT = "😀 before 🎬 then inside 𝄞 the 🧑🏽‍💻 span, and 𝔸 after 😀 the end 🎬"


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
def astral(empty_store):
    s = empty_store
    doc = s.add_document(make_doc(ASTRAL_TEXT, "Astral"))
    text = s.document_text(doc.id)
    spans = {
        "before": span(text, "before"),  # one astral character before it
        "inside": span(text, "inside 𝄞 the 🧑🏽‍💻 span"),  # astral characters before and inside
        "after": span(text, "after"),  # many before, some after
        "emoji": span(text, "🎬"),  # a selection that is one astral character
        "end": span(text, "the end 🎬"),  # ends with an astral character, at the end of the text
    }
    claims = {name: s.add_claim(doc.id, *where, []) for name, where in spans.items()}
    return dict(store=s, doc=doc, text=text, claims=claims)


@pytest.mark.parametrize("unit", ["utf16", "codepoints"])
def test_positions_with_astral_characters_before_inside_and_after(astral, tmp_path, unit):
    """Every position is checked character by character: in UTF-16 code units each character outside the
    Basic Multilingual Plane before a position counts two; in code points it counts one."""
    store, text = astral["store"], astral["text"]
    zf, _, root, _ = export(store, tmp_path, qdpx_positions=unit)
    assert zf.read(f"sources/{astral['doc'].uuid}.txt").decode("utf-8") == text
    selections = {s.get("guid"): s for s in root.iter(Q + "PlainTextSelection")}
    assert len(selections) == len(astral["claims"])
    for name, claim in astral["claims"].items():
        claim = store.get_claim(claim.id)
        sel = selections[claim.uuid]
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        # the position walked to one character at a time
        expected = {}
        position = 0
        for i, ch in enumerate(text + "\0"):
            expected[i] = position
            position += (2 if ord(ch) > 0xFFFF else 1) if unit == "utf16" else 1
        assert (start, end) == (expected[claim.start], expected[claim.end]), name
        if unit == "utf16":
            assert utf16_slice(text, start, end) == claim.quote, name
            assert (start, end) == (utf16_units(text[: claim.start]), utf16_units(text[: claim.end])), name
        else:
            assert text[start:end] == claim.quote, name
    # the shift is real: with astral characters before it, UTF-16 and code points differ
    before = store.get_claim(astral["claims"]["after"].id)
    assert utf16_units(text[: before.start]) > before.start


def test_positions_unit_is_checked(astral, tmp_path):
    from desktop_app.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="utf16"):
        export(astral["store"], tmp_path, qdpx_positions="bytes")
    assert not (tmp_path / "project.qdpx").exists()


def qualcoder_keeps(zf, root) -> dict:
    """What QualCoder's REFI-QDA import keeps of a project, by its rules: a PlainTextSelection becomes a coding
    (or an annotation); a Note becomes a journal entry only when it has a plainTextPath, a name and a date and
    no source refers to it; a Note that a source refers to needs a PlainTextSelection inside, or it is dropped;
    Links between selections are not imported."""
    referred = {r.get("targetGUID") for s in root.iter(Q + "TextSource") for r in s.findall(Q + "NoteRef")}
    journals, dropped = {}, []
    for note in root.iterfind(f"{Q}Notes/{Q}Note"):
        guid = note.get("guid")
        if guid in referred:
            if note.find(Q + "PlainTextSelection") is None:
                dropped.append(guid)
        elif note.get("plainTextPath") and note.get("name") and note.get("creationDateTime"):
            journals[guid] = note_text(zf, note)
        else:
            dropped.append(guid)
    selections = {s.get("guid") for s in root.iter(Q + "PlainTextSelection")}
    return dict(journals=journals, dropped=dropped, selections=selections)


def test_a_refi_qda_program_keeps_orphans_link_notes_and_links(library, tmp_path):
    zf, _, root, _ = export(library["store"], tmp_path)
    c1, c2, c3, c4, c5 = library["claims"]
    link, same = library["links"]
    kept = qualcoder_keeps(zf, root)
    assert kept["dropped"] == []
    placed = {c.uuid for c in library["store"].iter_claims() if not c.orphaned}
    assert kept["selections"] == placed and {c1.uuid, c2.uuid, c3.uuid, c4.uuid} <= placed
    journals = kept["journals"]
    assert "This sentence will vanish." in journals[c5.uuid]  # the orphaned claim
    assert journals[derived_guid(link.uuid, "note")] == "dates differ"  # the link's note
    (listing,) = [t for t in journals.values() if t.startswith(LINKS_NOTE_NAME)]
    assert "(2)" in listing.splitlines()[0]
    assert f'"{c1.quote}" (Strikes & <AI>) contradicts "{c4.quote}" (Second source)' in listing
    assert f'"{c2.quote}" (Strikes & <AI>) same "{c4.quote}" (Second source)' in listing
    assert "Note: dates differ" in listing


def test_the_export_says_what_a_refi_qda_file_cannot_carry(library, tmp_path):
    options = ExportOptions()
    run_export(library["store"], "qdpx", tmp_path / "p.qdpx", options)
    assert len(options.notices) == 2
    orphans, links = options.notices
    assert orphans.startswith("1 orphaned claim is in the REFI-QDA file as a note, not as a coded selection")
    assert links.startswith("2 links between claims are in the REFI-QDA file as Links, which some programs")
    assert LINKS_NOTE_NAME in links
    # nothing to say when everything is a coded selection
    options = ExportOptions(document_ids=[library["docs"][1].id])
    run_export(library["store"], "qdpx", tmp_path / "q.qdpx", options)
    assert options.notices == []
