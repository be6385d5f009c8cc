"""Export to an Excel workbook (.xlsx), streamed row by row.

Three sheets:

* "Claims": the CSV columns, in the same order and with the same values, then
  one column per tag (in the order of the codebook) holding 1 when the claim
  has that tag and nothing otherwise;
* "Codebook": name, colour, key, description, parent and number of claims of
  every tag;
* "Links": the columns of the links CSV.

Every text is stored as a string cell, exactly as it is: a cell starting
with "=" is never written as a formula, and "#N/A" is never written as an
error value. A spreadsheet never evaluates a string cell of an xlsx file, so
the CSV's formula guard (a leading apostrophe) is not applied here: it would
only change the quote. ``options.formula_guard`` does not apply to this format.
"""

from __future__ import annotations

import errno
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.writer.excel import ExcelWriter

from desktop_app.core.document import page_label
from desktop_app.core.exchange.claims_csv import HEADER, TAG_SEPARATOR, ExportOptions, iso_utc
from desktop_app.core.exchange.links_csv import LINKS_HEADER

log = logging.getLogger(__name__)

CODEBOOK_HEADER = ("name", "colour", "key", "description", "parent", "claims")
_MAX_CELL = 32767  # characters Excel keeps in a cell


def export_xlsx(store, path: Path, options: ExportOptions | None = None) -> int:
    """Write the workbook to ``path``; return how many claims it lists."""
    options = options or ExportOptions()
    wb = Workbook(write_only=True)
    try:
        with store.snapshot():
            count = _claims_sheet(store, wb, options)
            _codebook_sheet(store, wb, options)
            _links_sheet(store, wb, options)
        _save(wb, path)
    except BaseException as exc:
        _discard(wb)
        if _disk_full(exc) and not isinstance(exc, OSError):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) from exc
        raise
    return count


def _save(wb: Workbook, path: Path) -> None:
    """Workbook.save, but closing the archive when writing fails (a full
    disk): left open, it would try again, and fail again, when collected."""
    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = datetime.now(tz=timezone.utc).replace(tzinfo=None)
    try:
        ExcelWriter(wb, archive).save()
    except BaseException:
        try:
            archive.close()
        except Exception:  # the first error is the one to report
            log.debug("closing the unfinished workbook %s failed too", path, exc_info=True)
        raise


def _discard(wb: Workbook) -> None:
    """After a failure: end each sheet's stream and remove its temporary file
    now, quietly. Left to the garbage collector, an unfinished stream tries
    to finish its file again and prints its error (dozens of lines on a full
    disk) on the terminal."""
    for sheet in wb.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        try:
            writer.close()
        except Exception:  # the export failed already; this is its echo
            log.debug("closing a sheet of an unfinished workbook failed", exc_info=True)
        writer.xf = None
        try:
            writer.cleanup()
        except (OSError, ValueError):
            pass


def _disk_full(exc: BaseException) -> bool:
    """An error that means the disk is full (lxml reports it as 'IO_ENOSPC')."""
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "ENOSPC" in str(exc)


class _Cells:
    """Turns values into what a write-only sheet appends, texts kept as texts."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet

    def text(self, value):
        if value is None or value == "":
            return None
        value = str(value)
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        value = value[:_MAX_CELL]
        if value.startswith("=") or value in ERROR_CODES:
            cell = WriteOnlyCell(self.sheet, value)
            cell.data_type = "s"  # openpyxl would make it a formula or an error value
            return cell
        return value

    def row(self, values) -> list:
        return [self.text(v) if isinstance(v, str) else v for v in values]


def _claims_sheet(store, wb: Workbook, options: ExportOptions) -> int:
    sheet = wb.create_sheet("Claims")
    cells = _Cells(sheet)
    tags = store.list_tags()
    tag_names = {t.id: t.name for t in tags}
    column = {t.id: i for i, t in enumerate(tags)}
    docs = {d.id: d for d in store.list_documents()}
    pages = store.page_starts()
    retrieved = {doc_id: iso_utc(s.retrieved_at) for doc_id, s in store.document_sources().items()}
    links = {
        claim_id: TAG_SEPARATOR.join(f"{uuid} ({relation})" for uuid, relation in pairs)
        for claim_id, pairs in store.linked_claims().items()
    }
    sheet.append(cells.row([*HEADER, *(t.name for t in tags)]))
    count = 0
    for (claim_id, uuid, doc_id, quote, prefix, suffix, start, end, note, status, annotator, created, updated,
         orphaned, tag_ids) in store.iter_export_rows(
        document_ids=options.document_ids, tag_ids=options.tag_ids, statuses=options.statuses
    ):
        doc = docs[doc_id]
        names = sorted((tag_names[t] for t in tag_ids if t in tag_names), key=str.casefold)
        flags: list = [None] * len(tags)
        for t in tag_ids:
            if t in column:
                flags[column[t]] = 1
        sheet.append(cells.row((
            uuid, doc.id, doc.title, doc.source_url or doc.original_name, doc.published,
            TAG_SEPARATOR.join(names), quote, prefix, suffix,
            None if orphaned else start, None if orphaned else end,
            note, status, annotator, iso_utc(created), iso_utc(updated), links.get(claim_id, ""),
            "" if orphaned or doc_id not in pages else page_label(pages[doc_id], start, end),
            retrieved.get(doc_id, ""),
            *flags,
        )))
        count += 1
    return count


def _codebook_sheet(store, wb: Workbook, options: ExportOptions) -> None:
    sheet = wb.create_sheet("Codebook")
    cells = _Cells(sheet)
    tags = store.list_tags()
    names = {t.id: t.name for t in tags}
    sheet.append(cells.row(CODEBOOK_HEADER))
    for tag in tags:
        sheet.append(cells.row((
            tag.name, tag.color, tag.key, tag.description, names.get(tag.parent_id, ""), tag.claim_count,
        )))


def _links_sheet(store, wb: Workbook, options: ExportOptions) -> None:
    """The rows of the links CSV: links whose two claims pass the filters."""
    sheet = wb.create_sheet("Links")
    cells = _Cells(sheet)
    sheet.append(cells.row(LINKS_HEADER))
    links = store.list_links()
    if not links:
        return
    titles = {d.id: d.title for d in store.list_documents()}
    claims = {c.id: c for c in store.iter_claims()}
    wanted = {c.id for c in store.iter_claims(tag_ids=options.tag_ids, statuses=options.statuses)}
    documents = set(options.document_ids) if options.document_ids is not None else None
    for link in links:
        a, b = claims.get(link.source_id), claims.get(link.target_id)
        if a is None or b is None or not ({a.id, b.id} & wanted):
            continue
        if documents is not None and not ({a.document_id, b.document_id} & documents):
            continue
        sheet.append(cells.row((
            link.uuid, link.relation, link.note,
            a.uuid, a.document_id, titles.get(a.document_id, ""), a.quote,
            b.uuid, b.document_id, titles.get(b.document_id, ""), b.quote,
            link.annotator, iso_utc(link.created_at),
        )))
