"""Plain rows the store returns: immutable, no database behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from desktop_app.core.wording import plural

STATUSES = ("unverified", "supported", "disputed", "refuted")
# How a claim relates to a claim of another source; "same" is symmetric.
RELATIONS = ("same", "corroborates", "contradicts", "qualifies", "cites")
# A relation read from the other end of the link.
INVERSE = {
    "same": "same",
    "corroborates": "corroborated by",
    "contradicts": "contradicts",
    "qualifies": "qualified by",
    "cites": "cited by",
}


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    uuid: str
    title: str
    author: str
    outlet: str
    source_url: str
    published: str
    source_format: str
    encoding: str
    original_name: str
    sha256: str
    char_count: int
    imported_at: datetime
    claim_count: int = 0
    deleted: bool = False
    version: int = 1


@dataclass(frozen=True, slots=True)
class TagRow:
    id: int
    uuid: str
    name: str
    color: str
    description: str = ""
    key: int | None = None
    parent_id: int | None = None
    claim_count: int = 0
    keywords: tuple[str, ...] = ()  # words that suggest the tag


@dataclass(frozen=True, slots=True)
class ClaimRow:
    id: int
    uuid: str
    document_id: int
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    note: str
    status: str
    annotator: str
    version: int
    created_at: datetime
    updated_at: datetime
    tag_ids: tuple[int, ...] = field(default_factory=tuple)
    deleted: bool = False
    orphaned: bool = False  # not placed in the current text of its document
    page: str = ""  # "3" or "3–4" in a paged source (PDF), "" otherwise or when orphaned


@dataclass(frozen=True, slots=True)
class SourceRow:
    """The source of a document's current version as it was read."""

    document_id: int
    version: int
    media_type: str
    file_name: str  # the name it was imported from ("" for an address)
    address: str  # the final address it was read from ("" for a file)
    retrieved_at: datetime  # UTC
    size: int  # bytes
    data: bytes | None = None  # the bytes themselves, when asked for


@dataclass(frozen=True, slots=True)
class OfferedResult:
    """Claims made from highlights found in a file, so that they can be undone."""

    document_id: int
    tag_id: int
    tag_created: bool  # the tag did not exist before
    claim_ids: tuple[int, ...]
    skipped: int  # highlights that could not be placed on the text


class PaintRow(NamedTuple):
    """The little a view needs to paint a claim (see Store.paint_rows)."""

    id: int
    start: int
    end: int
    tag_ids: tuple[int, ...]
    status: str = "unverified"


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str  # "document" or "claim"
    id: int  # document id or claim id
    document_id: int
    title: str
    snippet: str
    rank: float
    page: str = ""  # "3" or "3–4" in a document with pages (the hit's first match), else ""


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """What merging one tag into another changed, so that it can be undone."""

    source: TagRow
    target_id: int
    moved_claim_ids: tuple[int, ...]  # claims that had the source but not the target
    both_claim_ids: tuple[int, ...]  # claims that had both
    child_tag_ids: tuple[int, ...]  # tags whose parent was the source


@dataclass(frozen=True, slots=True)
class RemovedTag:
    """A removed tag and the claims it was taken from, so that it can be undone."""

    tag: TagRow
    claim_ids: tuple[int, ...]
    child_tag_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ReplaceResult:
    """What replacing a document's text did to its claims, so that it can be
    reported and undone."""

    document: DocumentRow
    previous_version: int  # the version number the old text is kept under
    before: tuple[ClaimRow, ...]  # every claim of the document as it was
    unchanged: int
    moved: int
    changed: int
    orphaned: int
    after: tuple[ClaimRow, ...] = ()  # every claim of the document as the replacement left it

    def summary(self) -> str:
        total = self.unchanged + self.moved + self.changed + self.orphaned
        if not total:
            return f"Replaced the text of '{self.document.title}' (it has no claims)."
        return (
            f"Replaced the text of '{self.document.title}': of its {plural(total, 'claim')}, "
            f"{self.unchanged} kept their place, {self.moved} moved, {self.changed} changed "
            f"and {self.orphaned} could not be found (orphaned, kept for re-attaching)."
        )


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A link from the claim ``source_id`` to the claim ``target_id``."""

    id: int
    uuid: str
    source_id: int
    target_id: int
    relation: str
    note: str
    annotator: str
    created_at: datetime
    deleted: bool = False
