"""W3C Web Annotation export and import: the MUST assertions of the W3C test
suite, round trips between databases, re-anchoring, hostile files."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_app.core.errors import ImportRefused, MarginaliaError
from desktop_app.core.exchange.claims_csv import ExportOptions
from desktop_app.core.exchange.w3c import export_w3c, import_annotations, text_hash_iri
from desktop_app.core.store import Store
from conftest import make_doc, require_shared

ROOT = Path(__file__).resolve().parents[2]
W3C_TESTS = ROOT.parent / "shared" / "interop" / "w3c-web-annotation-tests"

ARTICLE = (
    "Studio pays actors 🎬 a flat fee of $400 per day.\n"
    "The union says the deepfake clause is unacceptable.\n"
    "Strikes could begin in May, organisers said.\n"
    "Strikes could begin in May, organisers said.\n"
    "Café owners 😀 reported wages rising by 3%."
)


def claim_on(store: Store, doc_id: int, quote: str, tags=(), note="", status="unverified", nth=1):
    text = store.document_text(doc_id)
    start = -1
    for _ in range(nth):
        start = text.index(quote, start + 1)
    ids = [store.resolve_tag(t) for t in tags]
    return store.add_claim(doc_id, start, start + len(quote), ids, note=note, status=status)


def fill(store: Store) -> dict[str, int]:
    """Claims of every kind: on the sample articles, with emoji, several tags,
    notes, a repeated quote, an orphan, documents with and without web addresses."""
    docs = {}
    seeds = store.list_documents()
    for d in seeds[:2]:
        text = store.document_text(d.id)
        store.add_claim(d.id, 0, min(40, len(text)), [store.resolve_tag("strikes")])
        store.add_claim(d.id, len(text) // 2, len(text) // 2 + 25, [], note="Check this 🔎")
    docs["web"] = store.add_document(make_doc(ARTICLE, "Web article", source_url="https://example.org/news/1?a=b")).id
    docs["odd"] = store.add_document(make_doc(ARTICLE, "Odd address", source_url="https://exämple.org/a b")).id
    docs["local"] = store.add_document(make_doc("Alpha beta gamma delta.\nEpsilon zeta eta theta.", "Local")).id
    store.add_tag("Labour")
    claim_on(store, docs["web"], "actors 🎬 a flat fee", tags=["salaries", "deepfakes", "Labour"], note="Two tags\nand a line")
    claim_on(store, docs["web"], "Strikes could begin in May", tags=["strikes"], nth=2, status="supported")
    claim_on(store, docs["web"], "Café owners 😀", note="émoji 😀 note")
    claim_on(store, docs["odd"], "deepfake clause", tags=["deepfakes"], status="disputed")
    claim_on(store, docs["local"], "beta gamma")
    claim_on(store, docs["local"], "Epsilon zeta", tags=["strikes"])
    # an orphan: the new text no longer holds "Epsilon zeta"
    store.replace_document(docs["local"], make_doc("Alpha beta gamma delta.\nSomething else entirely now.", "Local"))
    return docs


def export_data(store: Store, options: ExportOptions | None = None) -> dict:
    out = io.StringIO()
    n = export_w3c(store, out, options or ExportOptions())
    data = json.loads(out.getvalue())
    assert data["total"] == n == len(data["first"]["items"])
    return data


# ------------------------------------------------------------ W3C schemas
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))  # raises if impossible
    return True


def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_URI.match(value)) and not re.search(r"%(?![0-9A-Fa-f]{2})", value)


def must_validators():
    """(name, validator) for every MUST assertion of the suite, with the $refs
    between its definition files resolved from the local folder."""
    require_shared(W3C_TESTS, "the W3C Web Annotation test suite")
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    resources = []
    for path in sorted((W3C_TESTS / "definitions").glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT4)))
    registry = Registry().with_resources(resources)
    checker = FormatChecker(formats=())
    checker.checks("date-time", raises=ValueError)(_date_time)
    checker.checks("uri")(_uri)
    found = []
    for path in sorted((W3C_TESTS / "annotations").rglob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if schema.get("assertionType") != "must":
            continue
        assert schema.get("expectedResult") == "valid", path
        found.append((str(path.relative_to(W3C_TESTS)), Draft4Validator(schema, registry=registry, format_checker=checker)))
    musts = json.loads((W3C_TESTS / "annotations" / "annotationMusts.test").read_text(encoding="utf-8"))
    assert {name for name, _ in found} >= set(musts["assertions"])
    return found


@pytest.fixture(scope="module")
def validators():
    return must_validators()


def failures(annotation: dict, validators) -> list[str]:
    return [
        f"{name}: {error.message[:200]}"
        for name, validator in validators
        for error in validator.iter_errors(annotation)
    ]


def test_every_exported_annotation_passes_every_must_assertion(store, validators):
    assert len(validators) >= 54
    fill(store)
    data = export_data(store)
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["first"]["type"] == "AnnotationPage"
    items = data["first"]["items"]
    assert len(items) == store.count_claims() >= 10
    for annotation in items:
        assert failures(annotation, validators) == [], annotation["id"]
    by_quote = {a["target"]["selector"][0]["exact"]: a for a in items}
    tagged = by_quote["actors 🎬 a flat fee"]
    assert tagged["motivation"] == "tagging"
    assert [b["value"] for b in tagged["body"] if b["purpose"] == "tagging"] == ["deepfakes", "Labour", "salaries"]
    assert [b["value"] for b in tagged["body"] if b["purpose"] == "commenting"] == ["Two tags\nand a line"]
    web = store.get_document(store.resolve_document("Web article"))
    assert tagged["target"]["source"] == {
        "id": "https://example.org/news/1?a=b", "type": "Text", "dcterms:title": "Web article",
        "dcterms:identifier": [f"urn:uuid:{web.uuid}", text_hash_iri(store.document_text(web.id))]}
    digest = hashlib.sha256(store.document_text(web.id).encode("utf-8")).digest()
    assert text_hash_iri(store.document_text(web.id)) == (
        "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode().rstrip("="))
    assert tagged["creator"] == {"type": "Person", "name": "tester"}
    odd = by_quote["deepfake clause"]["target"]["source"]["id"]
    assert odd == "https://ex%C3%A4mple.org/a%20b"
    orphan = by_quote["Epsilon zeta"]
    assert [s["type"] for s in orphan["target"]["selector"]] == ["TextQuoteSelector"]
    assert orphan["target"]["source"]["id"].startswith("urn:uuid:")
    placed = by_quote["beta gamma"]["target"]["selector"]
    assert placed[1] == {"type": "TextPositionSelector", "start": 6, "end": 16}


def test_the_assertions_do_catch_bad_annotations(store, validators):
    fill(store)
    good = export_data(store)["first"]["items"][0]
    for broken in (
        {k: v for k, v in good.items() if k != "@context"},
        {**good, "created": "yesterday"},
        {**good, "id": "not a uri"},
        {**good, "bodyValue": "both"},
        {**good, "target": {**good["target"], "selector": [{"type": "TextPositionSelector", "start": -1, "end": 2}]}},
    ):
        assert failures(broken, validators), broken


def test_export_follows_the_options(store):
    docs = fill(store)
    data = export_data(store, ExportOptions(document_ids=[docs["web"]]))
    assert data["total"] == 3
    data = export_data(store, ExportOptions(statuses=["disputed"]))
    assert [a["target"]["selector"][0]["exact"] for a in data["first"]["items"]] == ["deepfake clause"]
    empty = export_data(store, ExportOptions(statuses=["refuted"]))
    assert empty["total"] == 0 and empty["first"]["items"] == []


# ------------------------------------------------------------ round trips
def second_store(tmp_path, name="other.db") -> Store:
    other = Store.open(tmp_path / name, annotator="someone else")
    other.add_document(make_doc(ARTICLE, "Web article", source_url="https://example.org/news/1?a=b"))
    other.add_document(make_doc(ARTICLE, "Odd address", source_url="https://exämple.org/a b"))
    other.add_document(make_doc("Alpha beta gamma delta.\nSomething else entirely now.", "Local"))
    return other


def comparable(store: Store) -> list[tuple]:
    names = {t.id: t.name for t in store.list_tags()}
    titles = {d.id: d.title for d in store.list_documents()}
    return sorted(
        (titles[c.document_id], c.start, c.end, c.quote, tuple(sorted(names[t] for t in c.tag_ids)), c.note,
         c.status, c.annotator)
        for c in store.iter_claims(orphaned=False)
    )


def test_round_trip_into_a_second_database(store, tmp_path):
    fill(store)
    path = tmp_path / "claims.jsonld"
    path.write_text(json.dumps(export_data(store), ensure_ascii=False), encoding="utf-8")
    with second_store(tmp_path) as other:
        summary = import_annotations(other, path)
        # every placed claim comes back; the orphan's document is found (by the hash of its
        # current text, the same here) but its quote is not in it
        assert (summary.imported, summary.already_present, summary.unplaced, summary.unknown_documents) == (
            store.count_claims() - 1, 0, 1, 0)
        assert comparable(other) == comparable(store)
        assert {t.name for t in other.list_tags()} >= {"Labour", "salaries"}
        assert len([t for t in other.list_tags() if t.name.casefold() == "labour"]) == 1
        # importing again adds nothing
        again = import_annotations(other, path)
        assert again.imported == 0 and again.already_present == store.count_claims() - 1
        assert comparable(other) == comparable(store)


def test_reimport_into_the_same_database_is_recognised_by_id(store):
    fill(store)
    before = comparable(store)
    summary = import_annotations(store, export_data(store))
    assert summary.imported == 0 and summary.already_present == store.count_claims()
    assert comparable(store) == before


def test_existing_tags_are_matched_without_regard_to_case(store, tmp_path):
    docs = fill(store)
    data = export_data(store, ExportOptions(document_ids=[docs["web"]]))
    with second_store(tmp_path) as other:
        other.add_tag("LABOUR")
        import_annotations(other, data)
        assert [t.name for t in other.list_tags() if t.name.casefold() == "labour"] == ["LABOUR"]


def test_import_after_the_text_changed_reanchors(store, tmp_path):
    docs = fill(store)
    data = export_data(store, ExportOptions(document_ids=[docs["web"]]))
    changed = "A new first paragraph was added on top.\n\n" + ARTICLE.replace("a flat fee", "a flat  fee")
    with second_store(tmp_path) as other:
        web = other.resolve_document("Web article")
        other.replace_document(web, make_doc(changed, "Web article", source_url="https://example.org/news/1?a=b"))
        summary = import_annotations(other, data)
        assert summary.imported == 3 and summary.unplaced == 0
        text = other.document_text(web)
        quotes = {c.quote: c for c in other.claims_for_document(web)}
        assert "Café owners 😀" in quotes  # moved by the new paragraph
        assert quotes["Café owners 😀"].start == text.index("Café owners 😀")
        strikes = quotes["Strikes could begin in May"]
        assert strikes.start == text.index("Strikes could begin in May", text.index("Strikes") + 1)  # the second one
        assert "actors 🎬 a flat  fee" in quotes  # fuzzy: the quote itself changed a little


def test_a_quote_no_longer_in_the_document_is_counted_unplaced(store, tmp_path):
    docs = fill(store)
    data = export_data(store, ExportOptions(document_ids=[docs["web"]]))
    with second_store(tmp_path) as other:
        web = other.resolve_document("Web article")
        shorter = ARTICLE.replace("Café owners 😀 reported wages rising by 3%.", "Nothing about cafés.")
        other.replace_document(web, make_doc(shorter, "Web article", source_url="https://example.org/news/1?a=b"))
        summary = import_annotations(other, data)
        assert (summary.imported, summary.unplaced) == (2, 1)
        assert "Café owners 😀" not in {c.quote for c in other.claims_for_document(web)}


def test_documents_are_matched_by_uuid_and_unknown_ones_counted(store, tmp_path):
    docs = fill(store)
    local_uuid = store.get_document(docs["local"]).uuid
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
        "target": {"source": f"urn:uuid:{local_uuid}",
                   "selector": {"type": "TextQuoteSelector", "exact": "gamma delta"}},
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "Greek"},
    }
    unknown = {**annotation, "target": {"source": "https://nowhere.example/x",
                                        "selector": {"type": "TextQuoteSelector", "exact": "not in any text here"}}}
    summary = import_annotations(store, [annotation, unknown])
    assert (summary.imported, summary.unknown_documents) == (1, 1)
    claim = next(c for c in store.claims_for_document(docs["local"]) if c.quote == "gamma delta")
    assert store.tag_names(claim.tag_ids) == {store.resolve_tag("Greek"): "Greek"}


# ------------------------------------------------------------ hostile files
HOSTILE = [
    b"",
    b"not json at all",
    b"\xff\xfe\x00garbage",
    b"[" * 100000 + b"]" * 100000,
    b'{"type": "Something"}',
    b"42",
    b'["a string"]',
    b'{"type": "Annotation"}',
    b'{"type": "Annotation", "target": 7}',
    b'{"type": "Annotation", "target": {"selector": {"type": "TextQuoteSelector", "exact": "x"}}}',
    b'{"type": "Annotation", "target": {"source": "urn:x", "selector": {"type": "TextQuoteSelector", "exact": 5}}}',
    b'{"type": "Annotation", "target": {"source": "urn:x", "selector": {"type": "TextPositionSelector", "start": 1e999, "end": 2}}}',
    b'{"type": "Annotation", "target": {"source": "urn:x", "selector": {"type": "TextPositionSelector", "start": 1, "end": '
    + b"9" * 5000 + b"}}}",
    b'{"type": "Annotation", "target": {"source": "urn:x", "selector": {"type": "TextPositionSelector", "start": 0, "end": 99999999999999}}}',
    b'{"type": "Annotation", "target": {"source": "urn:x", "selector": {"type": "TextPositionSelector", "start": 5, "end": 2}}}',
    b'{"type": "Annotation", "target": {"source": "urn:x", "selector": {"type": "TextPositionSelector", "start": NaN, "end": 2}}}',
    b'{"type": "AnnotationCollection", "first": "https://example.org/page1"}',
    b'{"type": "AnnotationPage", "items": {"not": "a list"}}',
    b'{"type": "Annotation", "target": "urn:x", "body": 12}',
]


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_files_are_refused_and_change_nothing(store, tmp_path, raw):
    fill(store)
    before = (comparable(store), [t.name for t in store.list_tags()])
    path = tmp_path / "hostile.json"
    path.write_bytes(raw)
    with pytest.raises(ImportRefused) as caught:
        import_annotations(store, path)
    message = str(caught.value)
    assert message.endswith("Nothing was imported.") and "\n" not in message and len(message) < 400
    assert (comparable(store), [t.name for t in store.list_tags()]) == before


def test_a_refused_annotation_late_in_the_file_leaves_the_earlier_ones_out(store, another_target):
    docs = fill(store)
    data = export_data(store, ExportOptions(document_ids=[docs["web"]]))
    items = data["first"]["items"]
    items.append({**items[0], "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
                  "body": [{"type": "TextualBody", "purpose": "tagging", "value": "bad;name"}]})
    with Store.open(another_target()) as third:
        third.add_document(make_doc(ARTICLE, "Web article", source_url="https://example.org/news/1?a=b"))
        before = (comparable(third), [t.name for t in third.list_tags()])
        with pytest.raises(MarginaliaError):
            import_annotations(third, data)
        assert (comparable(third), [t.name for t in third.list_tags()]) == before


def test_a_missing_file_is_refused(tmp_path, store):
    with pytest.raises(ImportRefused, match="could not be read"):
        import_annotations(store, tmp_path / "nope.jsonld")


def test_an_empty_collection_imports_nothing(store):
    summary = import_annotations(store, {"type": "AnnotationCollection", "total": 0})
    assert summary.total == 0 and summary.imported == 0


# ------------------------------------------------------------ identity and dates
def _backdate(store: Store, claim_id: int, created: datetime, updated: datetime) -> None:
    from desktop_app.core.store.models import claims

    with store._tx() as conn:
        conn.execute(claims.update().where(claims.c.id == claim_id).values(created_at=created, updated_at=updated))


def _rows(store: Store) -> list[tuple]:
    """Everything about every claim (the trash too) and every tag."""
    claims = sorted(
        (c.id, c.uuid, c.document_id, c.start, c.end, c.quote, c.prefix, c.suffix, c.note, c.status, c.annotator,
         c.version, c.created_at, c.updated_at, c.tag_ids, c.deleted, c.orphaned)
        for c in store.iter_claims(include_deleted=True)
    )
    return [claims, sorted((t.id, t.name) for t in store.list_tags())]


def _same_documents(target) -> Store:
    other = Store.open(target, annotator="someone else")
    other.add_document(make_doc(ARTICLE, "Web article", source_url="https://example.org/news/1?a=b"))
    other.add_document(make_doc(ARTICLE, "Odd address", source_url="https://exämple.org/a b"))
    other.add_document(make_doc("Alpha beta gamma delta.\nSomething else entirely now.", "Local"))
    return other


def _annotation(source: str, exact: str, **extra) -> dict:
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
            "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": exact}}, **extra}


UTC = timezone.utc


def test_round_trip_keeps_uuids_dates_and_annotators(store, another_target):
    docs = fill(store)
    ana = store.add_claim(docs["web"], ARTICLE.index("union"), ARTICLE.index("union") + 5, [], annotator="Ana Lyst")
    edited = claim_on(store, docs["odd"], "Café owners")
    _backdate(store, edited.id, datetime(2021, 3, 4, 5, 6, 7, 891000, tzinfo=UTC),
              datetime(2023, 11, 12, 13, 14, 15, 161000, tzinfo=UTC))
    source = {c.uuid: c for c in store.iter_claims(orphaned=False)}
    data = export_data(store)
    with _same_documents(another_target()) as other:
        summary = import_annotations(other, data)
        assert summary.imported == len(source) and summary.id_clashes == 0
        copied = {c.uuid: c for c in other.iter_claims()}
        assert set(copied) == set(source)  # the same identities
        for claim_uuid, c in copied.items():
            s = source[claim_uuid]
            assert (c.quote, c.start, c.end, c.note, c.status, c.annotator) == (
                s.quote, s.start, s.end, s.note, s.status, s.annotator)
            for got, want in ((c.created_at, s.created_at), (c.updated_at, s.updated_at)):
                assert got.tzinfo is not None and got.utcoffset() == timedelta(0)
                assert got == want.replace(microsecond=0)  # the file keeps whole seconds
        assert copied[ana.uuid].annotator == "Ana Lyst"
        assert copied[edited.uuid].created_at == datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
        assert copied[edited.uuid].updated_at == datetime(2023, 11, 12, 13, 14, 15, tzinfo=UTC)
        assert other.resolve_claim(ana.uuid) == copied[ana.uuid].id

        # the same file again: everything is already here, nothing changes
        before = _rows(other)
        again = import_annotations(other, data)
        assert (again.imported, again.already_present, again.id_clashes) == (0, len(source), 0)
        assert again.skipped == again.total
        assert _rows(other) == before


def test_reimport_after_edits_here_keeps_the_claims_here(store, another_target):
    docs = fill(store)
    data = export_data(store, ExportOptions(document_ids=[docs["web"]]))
    with _same_documents(another_target()) as other:
        import_annotations(other, data)
        first = next(iter(other.iter_claims()))
        other.set_claim_note(first.id, "changed here")
        gone = [c for c in other.iter_claims() if c.id != first.id][0]
        other.delete_claim(gone.id)
        before = _rows(other)
        summary = import_annotations(other, data)
        # the edited claim is not overwritten, the deleted one not brought back
        assert (summary.imported, summary.already_present) == (0, 3)
        assert _rows(other) == before


def test_an_id_that_is_not_a_urn_uuid_gets_a_new_uuid(store):
    docs = fill(store)
    local = store.get_document(docs["local"])
    uuids = {c.uuid for c in store.iter_claims(include_deleted=True)}
    summary = import_annotations(store, [
        _annotation(f"urn:uuid:{local.uuid}", "gamma delta", id="https://example.org/annotations/17",
                    created="2020-01-02T03:04:05Z"),
        _annotation(f"urn:uuid:{local.uuid}", "Alpha", id="urn:uuid:not-a-uuid"),
        _annotation(f"urn:uuid:{local.uuid}", "Something"),
    ])
    assert summary.imported == 3
    new = [c for c in store.iter_claims() if c.uuid not in uuids]
    assert sorted(c.quote for c in new) == ["Alpha", "Something", "gamma delta"]
    for c in new:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", c.uuid)
    dated = next(c for c in new if c.quote == "gamma delta")
    assert dated.created_at == dated.updated_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_an_upper_case_urn_uuid_is_kept_in_lower_case(store):
    docs = fill(store)
    local = store.get_document(docs["local"])
    ident = "0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B"
    summary = import_annotations(store, _annotation(f"urn:uuid:{local.uuid}", "gamma", id=f"URN:UUID:{ident}"))
    assert summary.imported == 1
    assert store.get_claim(store.resolve_claim(ident.lower())).quote == "gamma"


@pytest.mark.parametrize("created, modified", [
    ("yesterday", None),
    ("2024-02-30T10:00:00Z", "2024-05-01T10:00:00Z"),
    ("1969-12-31T23:59:59Z", None),
    ("9999-12-31T23:59:59-05:00", "also not a date"),
    (12345, {"nested": True}),
    ("2024-05-01", None),
])
def test_a_malformed_date_falls_back_to_now(store, created, modified):
    docs = fill(store)
    local = store.get_document(docs["local"])
    extra = {"created": created} if modified is None else {"created": created, "modified": modified}
    start = datetime.now(UTC)
    summary = import_annotations(store, _annotation(f"urn:uuid:{local.uuid}", "gamma delta", **extra))
    end = datetime.now(UTC)
    assert summary.imported == 1
    claim = next(c for c in store.claims_for_document(local.id) if c.quote == "gamma delta")
    assert start - timedelta(seconds=1) <= claim.created_at <= end + timedelta(seconds=1)
    assert claim.created_at <= claim.updated_at <= end + timedelta(seconds=1)


def test_dates_with_zones_and_odd_pairs_are_read(store):
    docs = fill(store)
    local = store.get_document(docs["local"])
    src = f"urn:uuid:{local.uuid}"
    import_annotations(store, [
        _annotation(src, "Alpha", created="2022-06-01T12:00:00.250+02:00", modified="2022-06-02T00:00:00-03:30"),
        _annotation(src, "gamma", created="2022-06-01T12:00:00"),  # no zone: UTC
        _annotation(src, "delta", created="2022-06-01T12:00:00Z", modified="2021-01-01T00:00:00Z"),
        _annotation(src, "Something", created="garbage", modified="2022-06-01T12:00:00Z"),
    ])
    got = {c.quote: (c.created_at, c.updated_at) for c in store.claims_for_document(local.id)}
    assert got["Alpha"] == (datetime(2022, 6, 1, 10, 0, 0, 250000, tzinfo=UTC), datetime(2022, 6, 2, 3, 30, tzinfo=UTC))
    assert got["gamma"] == (datetime(2022, 6, 1, 12, tzinfo=UTC),) * 2
    assert got["delta"] == (datetime(2022, 6, 1, 12, tzinfo=UTC),) * 2  # not modified before it was made
    created, updated = got["Something"]
    assert created > datetime(2025, 1, 1, tzinfo=UTC) and updated == created  # created now, so modified now


def test_a_uuid_of_a_claim_on_another_document_is_skipped_and_reported(store):
    docs = fill(store)
    web_claim = next(c for c in store.claims_for_document(docs["web"]))
    local = store.get_document(docs["local"])
    before = _rows(store)
    summary = import_annotations(store, [
        _annotation(f"urn:uuid:{local.uuid}", "gamma delta", id=f"urn:uuid:{web_claim.uuid}"),
    ])
    assert (summary.imported, summary.already_present, summary.id_clashes) == (0, 0, 1)
    assert summary.skipped == 1
    assert summary.problems == [
        "Annotation 1: its id is already a different claim's here (on another document); it was not imported."]
    assert "1 have the id of a different claim here" in summary.summary()
    assert _rows(store) == before


def test_the_same_uuid_twice_in_one_file_is_imported_once(store):
    docs = fill(store)
    local = store.get_document(docs["local"])
    ident = "urn:uuid:0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"
    count = store.count_claims()
    summary = import_annotations(store, [
        _annotation(f"urn:uuid:{local.uuid}", "gamma delta", id=ident),
        _annotation(f"urn:uuid:{local.uuid}", "Alpha", id=ident),
    ])
    assert (summary.imported, summary.already_present) == (1, 1)
    assert store.count_claims() == count + 1


def test_a_long_creator_name_is_cut_to_what_a_claim_keeps(store):
    docs = fill(store)
    local = store.get_document(docs["local"])
    import_annotations(store, _annotation(f"urn:uuid:{local.uuid}", "gamma delta",
                                          creator={"type": "Person", "name": "Ö" * 500}))
    claim = next(c for c in store.claims_for_document(local.id) if c.quote == "gamma delta")
    assert claim.annotator == "Ö" * 200


# ------------------------------------------------------------ finding the document
def test_an_unknown_address_with_a_common_quote_is_skipped(store):
    """Before, the first document containing "the" got the claim, counted as imported."""
    assert all("the" in store.document_text(d.id) for d in store.list_documents())
    before = _rows(store)
    annotation = _annotation("https://other-site.example/article-123", "the")
    summary = import_annotations(store, [annotation])
    assert (summary.imported, summary.unknown_documents, summary.skipped) == (0, 1, 1)
    assert summary.routes == dict.fromkeys(("address", "uuid", "hash", "title", "quote"), 0)
    (problem,) = summary.problems
    assert "https://other-site.example/article-123" in problem and "not imported" in problem
    assert "1 name a document this database does not have" in summary.summary()
    assert _rows(store) == before


def second_of_the_seeds(store: Store):
    """A claim on the second sample article on a quote the first one has too."""
    first, second = store.list_documents()[:2]
    quote = "Netflix"
    assert quote in store.document_text(first.id)
    return second, claim_on(store, second.id, quote, nth=2)


def test_seeds_have_the_same_identity_in_every_new_database(store, another_target):
    with Store.open(another_target(), annotator="b") as other, Store.open(another_target(), annotator="c") as third:
        uuids = [d.uuid for d in store.list_documents()]
        assert len(uuids) == 2
        assert [d.uuid for d in other.list_documents()] == uuids == [d.uuid for d in third.list_documents()]
        # documents imported by hand still get new identities
        a = other.add_document(make_doc("Same text.", "One"))
        b = third.add_document(make_doc("Same text.", "One"))
        assert a.uuid != b.uuid


def test_seed_annotations_land_on_the_right_article_in_another_fresh_database(store, another_target):
    second, claim = second_of_the_seeds(store)
    data = export_data(store)
    with Store.open(another_target(), annotator="someone else") as other:
        summary = import_annotations(other, data)
        assert (summary.imported, summary.routes["uuid"], summary.skipped) == (1, 1, 0)
        (copy,) = list(other.iter_claims())
        assert other.get_document(copy.document_id).uuid == second.uuid
        assert (copy.uuid, copy.start, copy.end, copy.quote) == (claim.uuid, claim.start, claim.end, claim.quote)


def _forget_uuid(store: Store, doc_id: int) -> None:
    """What a database made before seeds had stable identities looks like: a random one."""
    import uuid as uuid_module

    from desktop_app.core.store.models import documents

    with store._tx() as conn:
        conn.execute(documents.update().where(documents.c.id == doc_id).values(uuid=str(uuid_module.uuid4())))


def test_older_databases_are_matched_by_the_hash_of_the_text_then_by_title(store, another_target):
    second, claim = second_of_the_seeds(store)
    data = export_data(store)
    with Store.open(another_target(), annotator="someone else") as other:
        docs = other.list_documents()
        for d in docs:
            _forget_uuid(other, d.id)
        summary = import_annotations(other, data)
        assert (summary.imported, summary.routes["hash"]) == (1, 1)
        (copy,) = list(other.iter_claims())
        assert copy.document_id == docs[1].id and copy.quote == claim.quote
        # the same title, another text: found by its title, placed by its quote
        other.delete_claim(copy.id)
        text = other.document_text(docs[1].id)
        other.replace_document(docs[1].id, make_doc("A new first line.\n" + text, docs[1].title))
        fresh = export_data(store)
        for item in fresh["first"]["items"]:
            item["id"] = "https://annotations.example/1"  # not the claim's id: no "already here"
        summary = import_annotations(other, fresh)
        assert (summary.imported, summary.routes["title"]) == (1, 1), summary.problems
        placed = [c for c in other.iter_claims() if c.document_id == docs[1].id]
        assert [c.quote for c in placed] == [claim.quote]


def test_two_documents_with_the_title_are_ambiguous(store, another_target):
    with Store.open(another_target(), annotator="x") as other:
        other.add_document(make_doc("Text one about strikes.", "Twin"))
        other.add_document(make_doc("Text two about strikes.", "twin"))
        annotation = _annotation("https://nowhere.example/twin", "strikes")
        annotation["target"]["source"] = {"id": "https://nowhere.example/twin", "dcterms:title": "TWIN"}
        summary = import_annotations(other, [annotation])
        assert (summary.imported, summary.ambiguous) == (0, 1)
        assert "2 documents here have its title" in summary.problems[0]
        assert list(other.iter_claims()) == []


def _quote_annotation(source: str, exact: str, prefix: str, suffix: str, start: int) -> dict:
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation",
            "target": {"source": source, "selector": [
                {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
                {"type": "TextPositionSelector", "start": start, "end": start + len(exact)}]}}


def test_match_by_quote_needs_prefix_suffix_and_position_and_refuses_ambiguity(empty_store):
    s = empty_store
    one = s.add_document(make_doc("Alpha said the strike would end soon.", "One"))
    s.add_document(make_doc("Beta said the strike would end soon.", "Two"))
    s.add_document(make_doc("Alpha said the strike would end soon.", "Three"))  # the same text as One
    text = s.document_text(one.id)
    at = text.index("the strike")
    source = "https://elsewhere.example/unknown"
    # the same quote, prefix, suffix and position in One and Three: refused, even when asked
    both = _quote_annotation(source, "the strike", "Alpha said ", " would", at)
    summary = import_annotations(s, [both], match_by_quote=True)
    assert (summary.imported, summary.ambiguous) == (0, 1) and "in 2 documents" in summary.problems[0]
    # never without being asked
    unique = _quote_annotation(source, "the strike", "Beta said ", " would", text.index("the strike") - 1)
    summary = import_annotations(s, [unique])
    assert (summary.imported, summary.unknown_documents) == (0, 1) and "--match-by-quote" in summary.problems[0]
    # a prefix, suffix or position that disagrees: not placed
    for wrong in (_quote_annotation(source, "the strike", "Gamma said ", " would", at - 1),
                  _quote_annotation(source, "the strike", "Beta said ", " could", at - 1),
                  _quote_annotation(source, "the strike", "Beta said ", " would", at + 3)):
        summary = import_annotations(s, [wrong], match_by_quote=True)
        assert (summary.imported, summary.unknown_documents) == (0, 1)
    assert list(s.iter_claims()) == []
    # only Two has "Beta said " before it: placed there, counted as found by quote
    summary = import_annotations(s, [unique], match_by_quote=True)
    assert (summary.imported, summary.routes["quote"]) == (1, 1)
    (claim,) = list(s.iter_claims())
    assert s.get_document(claim.document_id).title == "Two" and claim.quote == "the strike"
    assert "1 by quote" in summary.summary()
