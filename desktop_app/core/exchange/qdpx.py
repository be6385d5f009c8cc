"""Export to a REFI-QDA project (.qdpx), the exchange format that QualCoder,
MAXQDA, ATLAS.ti and NVivo import.

A .qdpx file is a ZIP archive holding ``project.qde`` (XML, namespace
``urn:QDA-XML:project:1.0``) and a ``sources/`` folder. What goes where:

* ``Users``: one ``User`` per annotator of an exported claim or link; its GUID
  is a name-based UUID (version 5) of the annotator's name, so that it is the
  same in every export.
* ``CodeBook``: every tag as a ``Code`` (GUID = the tag's UUID, its colour, its
  description as ``Description``), nested under its parent tag.
* ``Sources``: every exported document as a ``TextSource`` (GUID = the
  document's UUID) whose plain text is ``sources/<uuid>.txt`` in UTF-8, exactly
  the document's text (line ends as stored, no byte-order mark), so that
  positions count the same characters (code points) as the store does. Its
  ``Description`` carries the title, author, outlet, publication date and
  address. Each placed claim is a ``PlainTextSelection`` (GUID = the claim's
  UUID, name = the start of its quote) with ``startPosition``/``endPosition``,
  its note (and its status, when not "unverified") as ``Description``, and a
  ``Coding`` (with a ``CodeRef``) per tag.
* ``Notes``: an orphaned claim (no longer found in the current text of its
  document) has no place to select, so it is exported as a ``Note`` with the
  claim's UUID as GUID, holding its quote, tags, status and note as text, and
  the document's ``TextSource`` refers to it with a ``NoteRef``. A link's note
  is a ``Note`` too.
* ``Links``: each link whose two claims are exported is a ``Link`` from the
  source claim (``originGUID``) to the target claim (``targetGUID``), named by
  its relation; "same" is ``Bidirectional``, every other relation ``OneWay``.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from bisect import bisect_left
from pathlib import Path

from lxml import etree

from desktop_app.core.exchange.claims_csv import ExportOptions, iso_utc
from desktop_app.core.wording import plural

NS = "urn:QDA-XML:project:1.0"
_Q = "{%s}" % NS
_USER_NAMESPACE = uuid.UUID("6f1c6a52-3e59-5b8e-9d27-4b1f2d0a9c10")
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAME_LENGTH = 60
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
POSITION_UNITS = ("utf16", "codepoints")


def _element(tag: str, attrs: dict | None = None, **more) -> etree._Element:
    return etree.Element(_Q + tag, attrs or {}, nsmap={None: NS}, **more)


def user_guid(name: str) -> str:
    """The stable GUID of an annotator, from their name."""
    return str(uuid.uuid5(_USER_NAMESPACE, name))


def derived_guid(base: str, what: str) -> str:
    """A stable GUID for something that belongs to ``base`` (a UUID)."""
    return str(uuid.uuid5(uuid.UUID(base), what))


def _x(value) -> str:
    """Text XML 1.0 can carry."""
    return _NOT_XML.sub("", str(value or ""))


def _short(text: str) -> str:
    text = " ".join(_x(text).split())
    return text if len(text) <= _NAME_LENGTH else text[: _NAME_LENGTH - 1] + "…"


def source_path(doc_uuid: str) -> str:
    return f"sources/{doc_uuid}.txt"


class Positions:
    """Turns code point offsets into a text into the unit the file uses."""

    def __init__(self, text: str, unit: str) -> None:
        # the code point offset of each character that takes two UTF-16 code units
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] if unit == "utf16" else []

    def __call__(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset)


def export_qdpx(store, path: Path, options: ExportOptions | None = None) -> int:
    """Write a REFI-QDA project with the claims chosen by ``options`` to
    ``path``; return how many claims were exported (placed or orphaned)."""
    options = options or ExportOptions()
    if options.qdpx_positions not in POSITION_UNITS:
        from desktop_app.core.errors import InvalidInput

        raise InvalidInput(f"REFI-QDA positions count 'utf16' or 'codepoints', not '{options.qdpx_positions}'.")
    with store.snapshot(), zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        return _write(store, zf, options)


def _write(store, zf: zipfile.ZipFile, options: ExportOptions) -> int:
    filters = dict(document_ids=options.document_ids, tag_ids=options.tag_ids, statuses=options.statuses)
    chosen = None if options.document_ids is None else set(options.document_ids)
    docs = sorted((d for d in store.list_documents() if chosen is None or d.id in chosen), key=lambda d: d.id)
    tags = store.list_tags()
    tag_by_id = {t.id: t for t in tags}

    # the texts first, one document at a time
    for doc in docs:
        zf.writestr(source_path(doc.uuid), store.document_text(doc.id).encode("utf-8"))
    notes: list[tuple[str, str]] = []  # (guid, text) of each note's file, written after project.qde

    # who annotated what is exported (Users come first in the project)
    exported: dict[int, str] = {}  # claim id -> uuid
    annotators: set[str] = set()
    for row in store.iter_export_rows(**filters):
        exported[row[0]] = row[1]
        if row[10]:
            annotators.add(row[10])
    links = [link for link in store.list_links() if link.source_id in exported and link.target_id in exported]
    annotators.update(link.annotator for link in links if link.annotator)
    users = {name: user_guid(name) for name in sorted(annotators)}

    orphans: list = []
    with zf.open("project.qde", "w") as raw:
        raw.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        with etree.xmlfile(raw, encoding="utf-8") as xf:
            with xf.element(_Q + "Project", nsmap={None: NS}, name="Marginalia", origin="Marginalia"):
                if users:
                    users_el = _element("Users")
                    for name, guid in users.items():
                        etree.SubElement(users_el, _Q + "User", guid=guid, name=_x(name))
                    xf.write(users_el)
                if tags:
                    xf.write(_codebook(tags))
                if docs:
                    with xf.element(_Q + "Sources"):
                        claims = store.iter_claims(order_by_position=True, **filters)
                        pending = next(claims, None)
                        for doc in docs:
                            source = _text_source(doc)
                            positions = None
                            doc_orphans = []
                            while pending is not None and pending.document_id < doc.id:
                                pending = next(claims, None)
                            while pending is not None and pending.document_id == doc.id:
                                if pending.orphaned:
                                    doc_orphans.append(pending)
                                else:
                                    if positions is None:
                                        positions = Positions(store.document_text(doc.id), options.qdpx_positions)
                                    source.append(_selection(pending, tag_by_id, users, positions))
                                pending = next(claims, None)
                            orphans.extend((doc, o) for o in doc_orphans)
                            xf.write(source)
                            source.clear()
                link_notes = [link for link in links if link.note]
                if orphans or links:
                    quotes = {c.id: (c.quote, c.document_id) for c in store.iter_claims(**filters)
                              if c.id in exported} if links else {}
                    titles = {d.id: d.title for d in docs}
                    with xf.element(_Q + "Notes"):
                        for doc, claim in orphans:
                            xf.write(_orphan_note(doc, claim, tag_by_id, users, notes))
                        for link in link_notes:
                            xf.write(_link_note(link, users, notes))
                        if links:
                            xf.write(_links_note(links, quotes, titles, users, notes))
                if links:
                    with xf.element(_Q + "Links"):
                        for link in links:
                            xf.write(_link(link, exported))
                description = _element("Description")
                description.text = f"Claims exported from Marginalia: {plural(len(exported), 'claim')}, {plural(len(docs), 'document')}."
                xf.write(description)
    for guid, text in notes:
        zf.writestr(source_path(guid), _x(text).encode("utf-8"))
    options.notices.extend(_notices(len(orphans), len(links)))
    return len(exported)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _notices(orphans: int, links: int) -> list[str]:
    """What a REFI-QDA program cannot take as Marginalia has it."""
    said = []
    if orphans:
        said.append(
            f"{_plural(orphans, 'orphaned claim is', 'orphaned claims are')} in the REFI-QDA file as "
            f"{'a note, not as a coded selection' if orphans == 1 else 'notes, not as coded selections'}: "
            f"{'it has' if orphans == 1 else 'they have'} no place in the current text, so "
            f"{'its' if orphans == 1 else 'their'} tags are text in the note."
        )
    if links:
        said.append(
            f"{_plural(links, 'link', 'links')} between claims {'is' if links == 1 else 'are'} in the REFI-QDA "
            "file as Links, which some programs (QualCoder) do not import, and as the note \"Links between "
            "claims\"."
        )
    return said


def _codebook(tags) -> etree._Element:
    book = _element("CodeBook")
    codes = etree.SubElement(book, _Q + "Codes")
    ids = {t.id for t in tags}
    children: dict[int | None, list] = {}
    for tag in tags:  # in name order; a tag whose parent is missing goes to the top
        parent = tag.parent_id if tag.parent_id in ids else None
        children.setdefault(parent, []).append(tag)

    def add(into, tag, seen: set[int]) -> None:
        code = etree.SubElement(into, _Q + "Code", guid=tag.uuid, name=_x(tag.name) or "?", isCodable="true")
        if re.fullmatch(r"#[0-9A-Fa-f]{6}", tag.color or ""):
            code.set("color", tag.color.upper())
        if tag.description:
            etree.SubElement(code, _Q + "Description").text = _x(tag.description)
        seen.add(tag.id)
        for child in children.get(tag.id, ()):
            if child.id not in seen:
                add(code, child, seen)

    seen: set[int] = set()
    for tag in children.get(None, ()):
        add(codes, tag, seen)
    for tag in tags:  # a cycle would leave tags unreached: keep them at the top
        if tag.id not in seen:
            add(codes, tag, seen)
    return book


def _text_source(doc) -> etree._Element:
    source = _element("TextSource", guid=doc.uuid, name=_x(doc.title or doc.original_name or "Untitled"),
        plainTextPath=f"internal://{doc.uuid}.txt", creationDateTime=iso_utc(doc.imported_at),
    )
    about = [
        (label, value) for label, value in (
            ("Title", doc.title), ("Author", doc.author), ("Outlet", doc.outlet), ("Published", doc.published),
            ("Source", doc.source_url or doc.original_name),
        ) if value
    ]
    if about:
        etree.SubElement(source, _Q + "Description").text = _x("\n".join(f"{k}: {v}" for k, v in about))
    return source


def _described(note: str, status: str) -> str:
    parts = [note] if note else []
    if status and status != "unverified":
        parts.append(f"Status: {status}")
    return _x("\n\n".join(parts))


def _who(attrs: dict, key: str, name: str, users: dict[str, str]) -> None:
    if name in users:
        attrs[key] = users[name]


def _selection(claim, tag_by_id, users, positions: Positions) -> etree._Element:
    attrs = {"guid": claim.uuid, "name": _short(claim.quote), "startPosition": str(positions(claim.start)),
             "endPosition": str(positions(claim.end))}
    _who(attrs, "creatingUser", claim.annotator, users)
    attrs["creationDateTime"] = iso_utc(claim.created_at)
    _who(attrs, "modifyingUser", claim.annotator, users)
    attrs["modifiedDateTime"] = iso_utc(claim.updated_at)
    sel = _element("PlainTextSelection", attrs)
    description = _described(claim.note, claim.status)
    if description:
        etree.SubElement(sel, _Q + "Description").text = description
    for tag_id in claim.tag_ids:
        tag = tag_by_id.get(tag_id)
        if tag is None:
            continue
        coding_attrs = {"guid": derived_guid(claim.uuid, tag.uuid)}
        _who(coding_attrs, "creatingUser", claim.annotator, users)
        coding_attrs["creationDateTime"] = iso_utc(claim.created_at)
        coding = etree.SubElement(sel, _Q + "Coding", coding_attrs)
        etree.SubElement(coding, _Q + "CodeRef", targetGUID=tag.uuid)
    return sel


def _file_note(guid: str, name: str, text: str, annotator: str | None, created, users,
               notes: list[tuple[str, str]]) -> etree._Element:
    """A note whose text is the file sources/<guid>.txt, named and dated."""
    attrs = {"guid": guid, "name": _short(name) or "Note", "plainTextPath": f"internal://{guid}.txt"}
    _who(attrs, "creatingUser", annotator, users)
    attrs["creationDateTime"] = iso_utc(created)
    notes.append((guid, text))
    return _element("Note", attrs)


def _orphan_note(doc, claim, tag_by_id, users, notes) -> etree._Element:
    tags = sorted((tag_by_id[t].name for t in claim.tag_ids if t in tag_by_id), key=str.casefold)
    lines = [
        f"Orphaned claim: no longer found in the current text of \"{doc.title}\".",
        f"Quote: {claim.quote}",
        f"Tags: {'; '.join(tags)}",
        f"Status: {claim.status}",
    ]
    if claim.note:
        lines.append(f"Note: {claim.note}")
    return _file_note(claim.uuid, "Orphaned claim: " + claim.quote, "\n".join(lines), claim.annotator,
                      claim.created_at, users, notes)


def _link_note(link, users, notes) -> etree._Element:
    return _file_note(derived_guid(link.uuid, "note"), f"Link ({link.relation}): {link.note}", link.note,
                      link.annotator, link.created_at, users, notes)


LINKS_NOTE_NAME = "Links between claims"
_LINKS_NOTE_NAMESPACE = uuid.UUID("0b9e3c1e-6a4f-5d21-8c7e-2f4a9d6b1e37")


def _links_note(links, quotes: dict, titles: dict, users, notes) -> etree._Element:
    """Every link as text, for programs that do not import Links."""
    lines = [f"{LINKS_NOTE_NAME} ({len(links)}), exported from Marginalia:"]
    for link in links:
        (a, a_doc), (b, b_doc) = quotes[link.source_id], quotes[link.target_id]
        lines.append("")
        lines.append(f"\"{a}\" ({titles.get(a_doc, '')}) {link.relation} \"{b}\" ({titles.get(b_doc, '')})")
        if link.note:
            lines.append(f"Note: {link.note}")
    guid = str(uuid.uuid5(_LINKS_NOTE_NAMESPACE, " ".join(sorted(link.uuid for link in links))))
    latest = max(links, key=lambda link: iso_utc(link.created_at))
    return _file_note(guid, f"{LINKS_NOTE_NAME} ({len(links)})", "\n".join(lines), None, latest.created_at,
                      users, notes)


def _link(link, exported: dict[int, str]) -> etree._Element:
    el = _element("Link", guid=link.uuid, name=link.relation,
        direction="Bidirectional" if link.relation == "same" else "OneWay",
        originGUID=exported[link.source_id], targetGUID=exported[link.target_id],
    )
    if link.note:
        etree.SubElement(el, _Q + "NoteRef", targetGUID=derived_guid(link.uuid, "note"))
    return el
