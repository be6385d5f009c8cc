"""Claims as W3C Web Annotations (JSON-LD), out and back in.

Export writes one ``AnnotationCollection`` whose first page holds one
``Annotation`` per claim: its tags are TextualBody resources with the purpose
"tagging", its note one with "commenting", its status one with "assessing".
The target's source is the document: its ``id`` is its web address when it
has one, else ``urn:uuid:`` and the document's id; it also carries the
document's title (``dcterms:title``) and identifiers (``dcterms:identifier``:
``urn:uuid:`` and the document's id, and ``ni:///sha-256;…``, the SHA-256 of
its text in UTF-8 as a named-information URI, RFC 6920). The source is
narrowed by a TextQuoteSelector (the quote with its prefix and suffix) and,
unless the claim is orphaned, a TextPositionSelector (offsets in code points
of the document's text), and for a paged source a FragmentSelector with the
claim's first page ("page=3", as RFC 3778 names PDF pages). When the time the
source was read is known, the target carries it as a TimeState's
``sourceDate``.

Import reads such a file (a collection, a page, a list of annotations or one
annotation), finds each annotation's document, places it by its selectors
(re-anchoring by the quote when the text has changed) and adds the claims,
with their tags and notes, in one transaction. A file that is not what it
claims to be is refused whole: nothing is written.

An annotation's document is the one here with its address; else the one
with its document id (``urn:uuid:``); else the one whose text has its hash;
else the only one with its title (ignoring case). One that none of these
finds is skipped and reported, even when its quote is in a text here: a
common quote ("the") is in many texts. Only when asked
(``match_by_quote=True``, ``--match-by-quote``) is such an annotation placed
by its quote, and then only in the one document where the quote stands at
its position with its prefix before it and its suffix after it; when that
is no document or several, it is skipped. The summary counts the imported
annotations by the route that found their document.

An imported claim keeps the annotation's identity and dates, so that a round
trip between two databases gives back the same claims:

* its UUID is the annotation's id when that is ``urn:uuid:<uuid>`` (what the
  export writes); any other id (a web address, none) gets a new UUID;
* ``created`` and ``modified`` become the claim's creation and update times.
  They are ISO 8601 date-times (``xsd:dateTime``); one without a zone is read
  as UTC. One that cannot be read, or lies before 1970 or more than a day in
  the future, is ignored: the claim is created now. A missing ``modified``
  means never modified (the creation time); an update time before the
  creation time is raised to it;
* the creator's name (``creator.name``, what the export writes) becomes the
  claim's annotator; without one the claim is this database's annotator's.

An annotation whose UUID is already a claim's here (in the trash too) is not
imported again, whatever it says: the claim here is kept as it is, even when
it was edited since (nothing is overwritten). It counts as "already here",
unless the claim with that UUID is on another document than the one the
annotation names: then the id clashes with a different claim; the annotation
is skipped, counted as a clash and reported, and the file's others are
imported. An annotation without a known UUID that covers exactly the passage
of a claim already on its document also counts as already here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote as percent_quote, urlsplit


from desktop_app.core.anchoring import CONTEXT, anchor_at
from desktop_app.core.codebook import clean_name
from desktop_app.core.document import page_of
from desktop_app.core.errors import ImportRefused, InvalidInput
from desktop_app.core.exchange.claims_csv import ExportOptions, iso_utc
from desktop_app.core.reanchor import ORPHANED, OldAnchor, place
from desktop_app.core.rows import STATUSES

CONTEXT_IRI = "http://www.w3.org/ns/anno.jsonld"
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_ANNOTATIONS = 1_000_000
MAX_OFFSET = 2**31 - 1
MAX_TEXT = 1_000_000  # characters of one quote, note or tag name
MAX_FUZZY_QUOTE = 10_000  # longer quotes are found exactly or not at all
MAX_ANNOTATOR = 200  # characters, as the claims table keeps them
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)  # earlier dates are taken for mistakes
_URI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


# ------------------------------------------------------------------ export
def document_iri(doc) -> str:
    """The IRI an annotation's target names a document by: its http(s) address
    (percent-encoded where a URI needs it), else ``urn:uuid:`` and its id."""
    url = (doc.source_url or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            return percent_quote(url, safe=_URI_SAFE)
    return f"urn:uuid:{doc.uuid}"


def text_hash_iri(text: str) -> str:
    """The named-information URI (RFC 6920) of a text's SHA-256, in UTF-8."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def document_source(doc, text: str) -> dict:
    """The target's source: the document, with what finds it in another database."""
    source: dict[str, Any] = {"id": document_iri(doc), "type": "Text"}
    if doc.title:
        source["dcterms:title"] = doc.title
    source["dcterms:identifier"] = [f"urn:uuid:{doc.uuid}", text_hash_iri(text)]
    return source


def _body(value: str, purpose: str) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"  # "page=N" names a page of a PDF


def annotation_for(row: tuple, source: str | dict, tag_names: list[str], *, page: int = 0,
                   retrieved: str = "") -> dict:
    """One claim (a row of Store.iter_export_rows) as a Web Annotation. A
    claim on a paged source gets a FragmentSelector naming its (first) page;
    a source whose retrieval time is known gets a TimeState with it, the
    time the annotated text was read."""
    (_id, claim_uuid, _doc_id, quote, prefix, suffix, start, end, note, status, annotator, created, updated,
     orphaned, _tag_ids) = row
    body = [_body(name, "tagging") for name in tag_names]
    if note:
        body.append(_body(note, "commenting"))
    body.append(_body(status, "assessing"))
    motivation = "tagging" if tag_names else "commenting" if note else "highlighting"
    selectors: list[dict] = [{"type": "TextQuoteSelector", "exact": quote, "prefix": prefix, "suffix": suffix}]
    if not orphaned:
        selectors.append({"type": "TextPositionSelector", "start": int(start), "end": int(end)})
    annotation: dict[str, Any] = {
        "@context": CONTEXT_IRI,
        "id": f"urn:uuid:{claim_uuid}",
        "type": "Annotation",
        "motivation": motivation,
        "created": iso_utc(created),
        "modified": iso_utc(updated),
    }
    if annotator:
        annotation["creator"] = {"type": "Person", "name": annotator}
    annotation["body"] = body
    if page and not orphaned:
        selectors.append({"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": f"page={page}"})
    annotation["target"] = {"source": source, "selector": selectors}
    if retrieved:
        annotation["target"]["state"] = {"type": "TimeState", "sourceDate": retrieved}
    return annotation


def export_w3c(store, out: TextIO, options: ExportOptions | None = None) -> int:
    """Write the claims chosen by ``options`` to ``out`` as one JSON-LD
    AnnotationCollection; return how many annotations were written. The
    annotations are streamed: memory stays flat whatever their number."""
    options = options or ExportOptions()
    with store.snapshot():
        documents = {d.id: d for d in store.list_documents()}
        sources: dict[int, dict] = {}  # made when a claim of the document is first written
        tag_names = {t.id: t.name for t in store.list_tags()}
        pages = store.page_starts()
        retrieved = {doc_id: iso_utc(s.retrieved_at) for doc_id, s in store.document_sources().items()}
        out.write("{\n")
        out.write(f'  "@context": {json.dumps(CONTEXT_IRI)},\n')
        out.write(f'  "id": "urn:uuid:{uuid_module.uuid4()}",\n')
        out.write('  "type": "AnnotationCollection",\n')
        out.write('  "label": "Claims exported from Marginalia",\n')
        out.write('  "first": {\n    "type": "AnnotationPage",\n    "startIndex": 0,\n    "items": [')
        count = 0
        names_of: dict[tuple[int, ...], list[str]] = {}
        for row in store.iter_export_rows(
            document_ids=options.document_ids, tag_ids=options.tag_ids, statuses=options.statuses
        ):
            tag_ids = row[-1]
            names = names_of.get(tag_ids)
            if names is None:
                names = names_of[tag_ids] = sorted(
                    (tag_names[t] for t in tag_ids if t in tag_names), key=str.casefold
                )
            doc_id = row[2]
            if doc_id not in sources:
                sources[doc_id] = document_source(documents[doc_id], store.document_text(doc_id))
            page = page_of(pages[doc_id], row[6]) if doc_id in pages and not row[13] else 0
            item = json.dumps(
                annotation_for(row, sources[doc_id], names, page=page, retrieved=retrieved.get(doc_id, "")),
                ensure_ascii=False,
            )
            out.write(("\n      " if count == 0 else ",\n      ") + item)
            count += 1
        out.write("\n    ]\n  },\n" if count else "]\n  },\n")
        out.write(f'  "total": {count}\n}}\n')
    return count


# ------------------------------------------------------------------ import
ROUTES = ("address", "uuid", "hash", "title", "quote")
_ROUTE_WORDS = {"address": "by address", "uuid": "by document id", "hash": "by the hash of the text",
                "title": "by title", "quote": "by quote"}


@dataclass
class ImportSummary:
    imported: int = 0
    already_present: int = 0
    unplaced: int = 0  # the quote is not in the document: not imported
    unknown_documents: int = 0  # no document of this database matches the target
    ambiguous: int = 0  # several documents match (same title, or the quote in several): not imported
    id_clashes: int = 0  # the UUID is a claim's on another document here: not imported
    total: int = 0
    # imported annotations by what found their document: address, uuid, hash, title, quote
    routes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROUTES, 0))
    problems: list[str] = field(default_factory=list)  # one sentence per annotation not imported

    def as_dict(self) -> dict:
        return {
            "total": self.total, "imported": self.imported, "already_present": self.already_present,
            "unplaced": self.unplaced, "unknown_documents": self.unknown_documents, "ambiguous": self.ambiguous,
            "id_clashes": self.id_clashes, "skipped": self.skipped, "matched_by": dict(self.routes),
            "problems": list(self.problems),
        }

    @property
    def skipped(self) -> int:
        """Annotations not imported, for whatever reason."""
        return self.total - self.imported

    def summary(self) -> str:
        routes = ", ".join(f"{n} {_ROUTE_WORDS[r]}" for r, n in self.routes.items() if n)
        clashes = (
            f", {self.id_clashes} have the id of a different claim here" if self.id_clashes else ""
        )
        ambiguous = f", {self.ambiguous} match several documents here" if self.ambiguous else ""
        return (
            f"Imported {self.imported} of {self.total} annotations{f' ({routes})' if routes else ''}; "
            f"{self.already_present} were already here (skipped), {self.unplaced} could not be placed (quote "
            f"not found){clashes}{ambiguous} and {self.unknown_documents} name a document this database does "
            "not have."
        )


@dataclass
class _Planned:
    index: int
    annotation_id: str
    source: str
    exact: str | None
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    tags: list[str]
    note: str
    status: str
    creator: str | None
    uuid: str | None = None  # the claim's, from an id "urn:uuid:…"
    created: datetime | None = None
    modified: datetime | None = None
    modified_given: bool = False  # whether the annotation says when it was modified
    doc_uuids: list[str] = field(default_factory=list)  # the document's ids the source names
    doc_hashes: list[str] = field(default_factory=list)  # named-information URIs of its text's hash
    doc_title: str | None = None


def _refuse(where: str, problem: str) -> ImportRefused:
    return ImportRefused(f"{where}: {problem} Nothing was imported.")


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _load(path_or_data, label: str) -> Any:
    if isinstance(path_or_data, (str, Path)):
        path = Path(path_or_data)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _refuse(
                    label, f"the file is {size} bytes, more than the {MAX_FILE_BYTES} an annotation file may have."
                )
            raw = path.read_bytes()
        except OSError as exc:
            raise ImportRefused(f"{label} could not be read ({exc.strerror or exc}). Nothing was imported.") from None
        return _parse(raw, label)
    if isinstance(path_or_data, (bytes, bytearray)):
        return _parse(bytes(path_or_data), label)
    return path_or_data


def _parse(raw: bytes, label: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(label, "the file is not UTF-8 text, so it is not JSON.") from None
    if not text.strip():
        raise _refuse(label, "the file is empty.")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _refuse(label, "the JSON is nested too deeply.") from None
    except ValueError as exc:  # JSONDecodeError, integers too long to read
        raise _refuse(label, f"the file is not valid JSON ({_short(str(exc))}).") from None


def _short(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _annotations(data: Any, label: str) -> list[dict]:
    """The annotations of a collection, a page, a list or a single annotation."""
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        kinds = _types(data.get("type"))
        if "AnnotationCollection" in kinds:
            first = data.get("first")
            if first is None:
                items = []
            elif not isinstance(first, dict):
                raise _refuse(label, "the collection's first page is not included in the file (only pages "
                                     "written inside the file can be read).")
            else:
                items = _page_items(first, label)
        elif "AnnotationPage" in kinds:
            items = _page_items(data, label)
        elif "Annotation" in kinds or "target" in data:
            items = [data]
        else:
            raise _refuse(label, "it is neither a Web Annotation nor a collection or page of them.")
    else:
        raise _refuse(label, "it is neither a Web Annotation nor a collection or page of them.")
    if len(items) > MAX_ANNOTATIONS:
        raise _refuse(label, f"it holds more than {MAX_ANNOTATIONS} annotations.")
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise _refuse(label, f"item {n} is not an annotation (a JSON object).")
    return items


def _page_items(page: dict, label: str) -> list:
    items: list = []
    seen = 0
    while isinstance(page, dict):
        seen += 1
        if seen > 10_000:
            raise _refuse(label, "it has too many pages.")
        found = page.get("items", [])
        if not isinstance(found, list):
            raise _refuse(label, "a page's 'items' is not a list of annotations.")
        items.extend(found)
        if len(items) > MAX_ANNOTATIONS:
            break
        page = page.get("next")
    return items


def _string(value: Any, where: str, what: str, label: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise _refuse(label, f"{where} has no {what}.")
        return None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str):
        raise _refuse(label, f"{where} has a {what} that is not text.")
    if len(value) > MAX_TEXT:
        raise _refuse(label, f"{where} has a {what} longer than {MAX_TEXT} characters.")
    return value


def _offset(value: Any, where: str, what: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(label, f"{where} has a TextPositionSelector whose {what} is not a whole number.")
    if not 0 <= value <= MAX_OFFSET:
        shown = _short(str(value), 24)
        raise _refuse(label, f"{where} has a TextPositionSelector whose {what} ({shown}) is out of range.")
    return value


def _plan(n: int, a: dict, label: str) -> _Planned:
    where = f"annotation {n}"
    ident = a.get("id", a.get("@id"))
    ident = _string(ident, where, "id", label) or ""
    if ident:
        where = f"annotation {n} ({_short(ident, 60)})"
    target = a.get("target")
    if target is None:
        raise _refuse(label, f"{where} has no target.")
    if isinstance(target, list):
        if not target:
            raise _refuse(label, f"{where} has an empty target.")
        target = next((t for t in target if isinstance(t, dict)), target[0])
    about: dict = {}
    if isinstance(target, str):
        source, selectors = target, []
    elif isinstance(target, dict):
        value = target.get("source", target.get("id"))
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if isinstance(value, dict):  # the document described: its id, title and identifiers
            about = value
            value = value.get("id", value.get("@id"))
        source = _string(value, where, "target source", label, required=True)
        selectors = target.get("selector", [])
        if isinstance(selectors, dict):
            selectors = [selectors]
        if not isinstance(selectors, list):
            raise _refuse(label, f"{where} has a selector that is neither an object nor a list.")
    else:
        raise _refuse(label, f"{where} has a target that is neither a web address nor an object.")
    exact = prefix = suffix = None
    start = end = None
    for sel in selectors:
        if not isinstance(sel, dict):
            continue
        kinds = _types(sel.get("type"))
        if "TextQuoteSelector" in kinds and exact is None:
            exact = _string(sel.get("exact"), where, "TextQuoteSelector 'exact'", label, required=True)
            prefix = _string(sel.get("prefix"), where, "TextQuoteSelector 'prefix'", label)
            suffix = _string(sel.get("suffix"), where, "TextQuoteSelector 'suffix'", label)
        elif "TextPositionSelector" in kinds and start is None:
            if "start" not in sel or "end" not in sel:
                raise _refuse(label, f"{where} has a TextPositionSelector without start and end.")
            start = _offset(sel["start"], where, "start", label)
            end = _offset(sel["end"], where, "end", label)
            if end <= start:
                raise _refuse(label, f"{where} has a TextPositionSelector that ends before it starts.")
    if exact == "":
        raise _refuse(label, f"{where} has an empty quote.")
    motivations = _types(a.get("motivation"))
    bodies = a.get("body", [])
    if isinstance(bodies, (dict, str)):
        bodies = [bodies]
    if not isinstance(bodies, list):
        raise _refuse(label, f"{where} has a body that is neither an object nor a list.")
    tags: list[str] = []
    notes: list[str] = []
    status = "unverified"
    body_value = a.get("bodyValue")
    if body_value is not None:
        notes.append(_string(body_value, where, "bodyValue", label) or "")
    for body in bodies:
        if isinstance(body, str):
            continue  # a body elsewhere on the web: nothing to keep
        if not isinstance(body, dict):
            raise _refuse(label, f"{where} has a body that is not an object.")
        value = body.get("value", body.get("rdf:value"))
        if value is None:
            continue
        value = _string(value, where, "body value", label) or ""
        purposes = _types(body.get("purpose")) or motivations
        if "tagging" in purposes or "classifying" in purposes:
            if value.strip():
                try:
                    tags.append(clean_name(value))
                except InvalidInput as exc:
                    raise _refuse(label, f"{where} has a tag that cannot be used: {exc}") from None
        elif "assessing" in purposes and value.strip().lower() in STATUSES:
            status = value.strip().lower()
        elif value.strip():
            notes.append(value)
    creator = a.get("creator")
    if isinstance(creator, list) and creator:
        creator = creator[0]
    name = None
    if isinstance(creator, dict):
        name = creator.get("name", creator.get("nickname"))
        if isinstance(name, list) and name:
            name = name[0]
        name = name if isinstance(name, str) else None
    elif isinstance(creator, str) and not creator.startswith(("http:", "https:", "urn:", "mailto:")):
        name = creator
    if name is not None:
        name = name[:MAX_ANNOTATOR] if name.strip() else None
    identifiers = [source]
    for key in ("dcterms:identifier", "dc:identifier", "canonical"):
        value = about.get(key)
        identifiers.extend([value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)]
                           if isinstance(value, list) else [])
    doc_uuids = [u for u in (claim_uuid(i.strip()) for i in identifiers) if u]
    doc_hashes = [i.strip() for i in identifiers if i.strip().lower().startswith("ni:///sha-256;")]
    title = next((about[k] for k in ("dcterms:title", "dc:title", "title") if isinstance(about.get(k), str)), None)
    title = _string(title, where, "source title", label)
    return _Planned(n, ident, source, exact, prefix or "", suffix or "", start, end, tags,
                    "\n\n".join(n_ for n_ in notes if n_), status, name, uuid=claim_uuid(ident),
                    created=_date_time(a.get("created")), modified=_date_time(a.get("modified")),
                    modified_given=a.get("modified") is not None, doc_uuids=doc_uuids, doc_hashes=doc_hashes,
                    doc_title=title.strip() if title and title.strip() else None)


def claim_uuid(ident: str | None) -> str | None:
    """The UUID an annotation id ``urn:uuid:<uuid>`` names (in the canonical
    lower-case form claims keep), else None."""
    if not ident or len(ident) != 45 or ident[:9].lower() != "urn:uuid:":
        return None
    text = ident[9:]
    if text.count("-") != 4:
        return None
    try:
        return str(uuid_module.UUID(text))
    except ValueError:
        return None


def _date_time(value: Any, now: datetime | None = None) -> datetime | None:
    """An ``xsd:dateTime`` as an aware UTC datetime; None when it is missing,
    cannot be read, or is not a plausible time (before 1970, or more than a
    day from now)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict):  # JSON-LD value object: {"@value": ..., "@type": "xsd:dateTime"}
        value = value.get("@value")
    if not isinstance(value, str) or not 10 <= len(value.strip()) <= 64:
        return None
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    if len(text) < 19 or text[10:11] not in ("T", "t") or not text[:4].isdigit():
        return None  # a date alone, or another kind of text
    try:
        parsed = datetime.fromisoformat(text[:10] + "T" + text[11:])
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        parsed = parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
    now = now or datetime.now(timezone.utc)
    if not EARLIEST <= parsed <= now + timedelta(days=1):
        return None
    return parsed


def _dates(p: _Planned, now: datetime) -> tuple[datetime, datetime]:
    """The creation and update times of the claim an annotation becomes."""
    created = p.created or now
    if p.modified is not None:
        modified = p.modified
    elif p.modified_given or p.created is None:
        modified = now  # a time that could not be read, or no creation time either
    else:
        modified = created  # never modified
    return created, max(created, modified)


class _SameOffsets:
    """The position map for a text whose earlier version is not known."""

    def __init__(self, length: int) -> None:
        self._length = length

    def map(self, offset: int) -> int:
        return min(offset, self._length)


class _Finder:
    """Finds an annotation's document here, by the routes in their order."""

    def __init__(self, store, text_of) -> None:
        self.documents = store.list_documents()
        self.text_of = text_of
        self.by_address: dict[str, int] = {}
        self.by_uuid: dict[str, int] = {}
        self.by_title: dict[str, list[int]] = {}
        for d in self.documents:
            self.by_uuid[d.uuid.lower()] = d.id
            if d.source_url:
                self.by_address.setdefault(d.source_url.strip(), d.id)
                self.by_address.setdefault(document_iri(d), d.id)
            if d.title.strip():
                self.by_title.setdefault(d.title.strip().casefold(), []).append(d.id)
        self._by_hash: dict[str, list[int]] | None = None

    def by_hash(self) -> dict[str, list[int]]:
        if self._by_hash is None:  # the texts are read only when an annotation needs it
            self._by_hash = {}
            for d in self.documents:
                self._by_hash.setdefault(text_hash_iri(self.text_of(d.id)), []).append(d.id)
        return self._by_hash

    def find(self, p: _Planned) -> tuple[int | None, str | None, str]:
        """(document id, route, "") or (None, None, why not)."""
        source = p.source.strip()
        if not source.lower().startswith("urn:uuid:"):
            doc_id = self.by_address.get(source)
            if doc_id is not None:
                return doc_id, "address", ""
        for doc_uuid in p.doc_uuids:
            if doc_uuid in self.by_uuid:
                return self.by_uuid[doc_uuid], "uuid", ""
        for digest in p.doc_hashes:
            found = self.by_hash().get(_canonical_hash(digest), [])
            if found:  # the same text twice here is the same text: the first copy
                return found[0], "hash", ""
        if p.doc_title:
            found = self.by_title.get(p.doc_title.casefold(), [])
            if len(found) == 1:
                return found[0], "title", ""
            if len(found) > 1:
                return None, None, f"{len(found)} documents here have its title \"{_short(p.doc_title, 60)}\""
        return None, None, ""

    def find_by_quote(self, p: _Planned) -> tuple[list[int], str]:
        """The documents where the quote stands at its position, after its
        prefix and before its suffix."""
        if not p.exact:
            return [], "it has no quote"
        if p.start is None or p.end is None:
            return [], "it has no position to check its quote against"
        found = []
        for d in self.documents:
            text = self.text_of(d.id)
            if (text[p.start : p.end] == p.exact and text[: p.start].endswith(p.prefix)
                    and text[p.end :].startswith(p.suffix)):
                found.append(d.id)
        return found, ""


def _canonical_hash(iri: str) -> str:
    scheme, _, digest = iri.partition(";")
    return scheme.lower() + ";" + digest


def import_annotations(store, path_or_data, *, label: str | None = None,
                       match_by_quote: bool = False) -> ImportSummary:
    """Add the claims of a Web Annotation file (a path, bytes, or parsed JSON)
    to the database, in one transaction; see the module's description.
    ``match_by_quote`` lets an annotation whose document is not found
    otherwise go where its quote, prefix, suffix and position all agree."""
    if label is None:
        label = str(path_or_data) if isinstance(path_or_data, (str, Path)) else "The annotations"
    data = _load(path_or_data, label)
    plans = [_plan(n, a, label) for n, a in enumerate(_annotations(data, label), 1)]
    summary = ImportSummary(total=len(plans))
    if not plans:
        return summary
    with store.transaction():
        texts: dict[int, str] = {}
        existing: dict[int, set[tuple[int, int, str]]] = {}
        # UUID -> document of the claims here that annotations of the file name
        known_uuids = store.claim_documents_by_uuid([p.uuid for p in plans if p.uuid])
        now = datetime.now(timezone.utc)
        tag_ids = {t.name.casefold(): t.id for t in store.list_tags()}

        def text_of(doc_id: int) -> str:
            if doc_id not in texts:
                texts[doc_id] = store.document_text(doc_id)
            return texts[doc_id]

        def claims_of(doc_id: int) -> set[tuple[int, int, str]]:
            if doc_id not in existing:
                existing[doc_id] = {(c.start, c.end, c.quote) for c in store.claims_for_document(doc_id)}
            return existing[doc_id]

        finder = _Finder(store, text_of)

        def skip(p: _Planned, why: str) -> None:
            summary.problems.append(f"Annotation {p.index} ({_short(p.source, 80)}): {why}; it was not imported.")

        for p in plans:
            doc_id, route, why = finder.find(p)
            if p.uuid is not None and p.uuid in known_uuids:
                here = known_uuids[p.uuid]
                if doc_id is not None and doc_id != here:
                    summary.id_clashes += 1
                    summary.problems.append(
                        f"Annotation {p.index}: its id is already a different claim's here (on another "
                        "document); it was not imported."
                    )
                else:
                    summary.already_present += 1
                continue
            if doc_id is None and why:  # several documents have its title
                summary.ambiguous += 1
                skip(p, why)
                continue
            if doc_id is None and match_by_quote:
                found, why = finder.find_by_quote(p)
                if len(found) == 1:
                    doc_id, route = found[0], "quote"
                elif len(found) > 1:
                    summary.ambiguous += 1
                    skip(p, f"no document here has its address, id, text or title, and its quote stands at its "
                            f"position with its prefix and suffix in {len(found)} documents")
                    continue
                else:
                    summary.unknown_documents += 1
                    skip(p, "no document here has its address, id, text or title, nor its quote at its position "
                            f"with its prefix and suffix{f' ({why})' if why else ''}")
                    continue
            if doc_id is None:
                summary.unknown_documents += 1
                hint = " (--match-by-quote places such annotations by their quote where that is certain)" \
                    if p.exact else ""
                skip(p, f"no document here has its address, id, text or title{hint}")
                continue
            span = _place(p, text_of(doc_id))
            if span is None:
                summary.unplaced += 1
                summary.problems.append(f"Annotation {p.index}: its quote is not in the document any more.")
                continue
            start, end = span
            quote = text_of(doc_id)[start:end]
            if (start, end, quote) in claims_of(doc_id):
                summary.already_present += 1
                continue
            ids = []
            for name in p.tags:
                key = name.casefold()
                if key not in tag_ids:
                    tag_ids[key] = store.add_tag(name).id
                ids.append(tag_ids[key])
            added = store.add_claim(doc_id, start, end, ids, note=p.note, status=p.status, annotator=p.creator)
            created, updated = _dates(p, now)
            store.keep_claim_identity(added.id, p.uuid, created, updated)
            if p.uuid is not None:
                known_uuids[p.uuid] = doc_id  # the same id twice in the file: once
            claims_of(doc_id).add((start, end, quote))
            summary.imported += 1
            summary.routes[route] += 1
    return summary


def _place(p: _Planned, text: str) -> tuple[int, int] | None:
    """Where the annotation goes in ``text``: its position when the quote is
    still there, else wherever re-anchoring by the quote finds it."""
    if p.exact is None:
        if p.start is not None and p.end is not None and p.end <= len(text):
            return p.start, p.end
        return None
    start = p.start if p.start is not None else 0
    end = p.end if p.end is not None else start + len(p.exact)
    if p.start is not None and text[p.start : p.end] == p.exact:
        return p.start, p.end
    if len(p.exact) > MAX_FUZZY_QUOTE and p.exact not in text:
        return None  # too long to look for approximately in reasonable time
    old = OldAnchor(0, start, end, p.exact, p.prefix[-CONTEXT:], p.suffix[:CONTEXT])
    placed = place(old, text, _SameOffsets(len(text)))
    if placed.outcome == ORPHANED:
        return None
    anchor = anchor_at(text, placed.start, placed.end)
    return anchor.start, anchor.end

