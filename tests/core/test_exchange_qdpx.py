"""REFI-QDA export: schema validity, archive contents, positions, GUIDs, links, orphans."""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from desktop_app.core.exchange.claims_csv import ExportOptions
from desktop_app.core.exchange.qdpx import NS, export_qdpx, user_guid
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
    if not XSD.is_file():
        pytest.skip(f"the REFI-QDA schema is not at {XSD}")
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


def test_archive_contents_declaration_and_no_bom(library, tmp_path):
    zf, data, root, count = export(library["store"], tmp_path)
    assert count == 6
    docs = library["docs"]
    assert sorted(zf.namelist()) == sorted(["project.qde", *(f"sources/{d.uuid}.txt" for d in docs)])
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
            assert text[start:end] == claim.quote
            seen += 1
    assert seen == 5  # every placed claim; the orphan has no selection
    c1 = library["claims"][0]
    assert any(ord(ch) > 0xFFFF for ch in c1.quote)  # astral characters count as one position


def test_codes_codings_users_and_notes(library, tmp_path):
    _, _, root, _ = export(library["store"], tmp_path)
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
    # the orphan: a note with its quote, referred to by its document
    notes = {n.get("guid"): n for n in root.iterfind(f"{Q}Notes/{Q}Note")}
    orphan = notes[c5.uuid]
    content = orphan.findtext(Q + "PlainTextContent")
    assert "This sentence will vanish." in content and "orphan note" in content and "walkouts" in content
    d3 = root.findall(f"{Q}Sources/{Q}TextSource")[2]
    assert [r.get("targetGUID") for r in d3.findall(Q + "NoteRef")] == [c5.uuid]
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
    _, _, root, _ = export(library["store"], tmp_path)
    c1, c2, c3, c4, c5 = library["claims"]
    link, same = library["links"]
    links = {l.get("guid"): l for l in root.iterfind(f"{Q}Links/{Q}Link")}
    assert set(links) == {link.uuid, same.uuid}
    a = links[link.uuid]
    assert (a.get("originGUID"), a.get("targetGUID"), a.get("name"), a.get("direction")) == (
        c1.uuid, c4.uuid, "contradicts", "OneWay")
    note_guid = a.find(Q + "NoteRef").get("targetGUID")
    note = next(n for n in root.iterfind(f"{Q}Notes/{Q}Note") if n.get("guid") == note_guid)
    assert note.findtext(Q + "PlainTextContent") == "dates differ"
    b = links[same.uuid]
    assert (b.get("originGUID"), b.get("targetGUID"), b.get("direction")) == (c2.uuid, c4.uuid, "Bidirectional")
    # a link whose other end is filtered out is left out
    _, _, root, count = export(library["store"], tmp_path, document_ids=[library["docs"][0].id])
    assert count == 3 and root.find(f"{Q}Links") is None


def test_direct_call_writes_the_file(library, tmp_path):
    target = tmp_path / "direct.qdpx"
    assert export_qdpx(library["store"], target, None) == 6
    assert zipfile.is_zipfile(target)
