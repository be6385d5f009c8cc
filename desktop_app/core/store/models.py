"""The tables, declared with SQLModel.

The store reads and writes them through SQLAlchemy Core on ``Model.__table__``
(plain rows, no ORM objects on hot paths); migrations in ``migrations/`` create
them, and a test checks that the two agree.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _ts(nullable: bool = False):
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class Document(SQLModel, table=True):
    __tablename__ = "documents"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=sa.String(36), unique=True, nullable=False)
    title: str = Field(sa_type=sa.Text, nullable=False)
    author: str = Field(default="", sa_type=sa.Text, nullable=False)
    outlet: str = Field(default="", sa_type=sa.Text, nullable=False)
    source_url: str = Field(default="", sa_type=sa.Text, nullable=False)
    published: str = Field(default="", sa_type=sa.String(40), nullable=False)
    source_format: str = Field(sa_type=sa.String(20), nullable=False)
    encoding: str = Field(default="", sa_type=sa.String(40), nullable=False)
    original_name: str = Field(default="", sa_type=sa.Text, nullable=False)
    sha256: str = Field(sa_type=sa.String(64), nullable=False)
    text: str = Field(sa_type=sa.Text, nullable=False)
    structure: str = Field(sa_type=sa.Text, nullable=False)
    char_count: int = Field(nullable=False)
    imported_at: datetime | None = _ts()
    deleted_at: datetime | None = _ts(nullable=True)
    version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})


class DocumentVersion(SQLModel, table=True):
    """An earlier text of a document, kept when a new version replaced it."""

    __tablename__ = "document_versions"
    __table_args__ = (sa.UniqueConstraint("document_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(
        sa_column_args=[sa.ForeignKey("documents.id", ondelete="CASCADE")], nullable=False
    )
    version: int = Field(nullable=False)
    text: str = Field(sa_type=sa.Text, nullable=False)
    structure: str = Field(sa_type=sa.Text, nullable=False)
    sha256: str = Field(sa_type=sa.String(64), nullable=False)
    source_format: str = Field(sa_type=sa.String(20), nullable=False)
    encoding: str = Field(sa_type=sa.String(40), nullable=False)
    original_name: str = Field(sa_type=sa.Text, nullable=False)
    imported_at: datetime | None = _ts()
    replaced_at: datetime | None = _ts()


class DocumentSource(SQLModel, table=True):
    """The source of a version of a document exactly as it was read: its bytes,
    what they are, and where and when they were read from. A new version of
    the document brings its own (or none); the older ones stay with theirs."""

    __tablename__ = "document_sources"
    __table_args__ = (sa.UniqueConstraint("document_id", "version", name="uq_document_sources_version"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(
        sa_column_args=[sa.ForeignKey("documents.id", ondelete="CASCADE")], nullable=False
    )
    version: int = Field(nullable=False)  # the document's version these bytes were read for
    data: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    media_type: str = Field(default="", sa_type=sa.String(200), nullable=False)
    file_name: str = Field(default="", sa_type=sa.Text, nullable=False)
    address: str = Field(default="", sa_type=sa.Text, nullable=False)
    retrieved_at: datetime | None = _ts()


class Tag(SQLModel, table=True):
    __tablename__ = "tags"
    # a removed tag's id is never reused (migration 0009): undo brings it back under it
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=sa.String(36), unique=True, nullable=False)
    name: str = Field(sa_type=sa.String(200), nullable=False)
    name_key: str = Field(sa_type=sa.String(200), unique=True, nullable=False)
    color: str = Field(sa_type=sa.String(9), nullable=False)
    description: str = Field(default="", sa_type=sa.Text, nullable=False)
    key: int | None = Field(default=None, unique=True, nullable=True)
    parent_id: int | None = Field(
        default=None, sa_column_args=[sa.ForeignKey("tags.id", ondelete="SET NULL")], nullable=True
    )
    created_at: datetime | None = _ts()
    # words that suggest the tag, one per line
    keywords: str = Field(default="", sa_type=sa.Text, nullable=False, sa_column_kwargs={"server_default": ""})


SORT_KEY_LENGTH = 64  # room for claims_query.SORT_CHARS casefolded characters
# The claims table's sort indexes (each ends with the id), over live claims only.
SORT_INDEXES = (
    ("ix_claims_sort_document", ("sort_document",)),
    ("ix_claims_sort_tags", ("sort_tags",)),
    ("ix_claims_sort_quote", ("sort_quote",)),
    ("ix_claims_sort_page", ("sort_document", "document_id", "start_offset")),
    ("ix_claims_sort_note", ("sort_note",)),
    ("ix_claims_sort_status", ("sort_status",)),
    ("ix_claims_sort_annotator", ("annotator",)),
    ("ix_claims_sort_updated", ("updated_at",)),
)


class Claim(SQLModel, table=True):
    __tablename__ = "claims"
    # covers what a pane reads to paint a document's claims (Store.paint_rows);
    # the claims table reads its pages in the order of one of the sort indexes
    __table_args__ = (
        sa.Index("ix_claims_position", "document_id", "start_offset", "end_offset", "deleted_at", "orphaned"),
        *(sa.Index(name, *columns, "id", sqlite_where=sa.text("deleted_at IS NULL"),
                   postgresql_where=sa.text("deleted_at IS NULL"))
          for name, columns in SORT_INDEXES),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=sa.String(36), unique=True, nullable=False)
    document_id: int = Field(sa_column_args=[sa.ForeignKey("documents.id", ondelete="RESTRICT")], nullable=False)
    start_offset: int = Field(nullable=False)
    end_offset: int = Field(nullable=False)
    quote: str = Field(sa_type=sa.Text, nullable=False)
    prefix: str = Field(default="", sa_type=sa.Text, nullable=False)
    suffix: str = Field(default="", sa_type=sa.Text, nullable=False)
    note: str = Field(default="", sa_type=sa.Text, nullable=False)
    status: str = Field(default="unverified", sa_type=sa.String(20), nullable=False)
    annotator: str = Field(default="", sa_type=sa.String(200), nullable=False)
    version: int = Field(default=1, nullable=False)
    created_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()
    deleted_at: datetime | None = _ts(nullable=True)
    # True when a new version of the document no longer contains the quote:
    # the claim keeps its old quote and offsets until it is re-attached.
    orphaned: bool = Field(default=False, nullable=False, sa_column_kwargs={"server_default": sa.false()})
    # What the claims table sorts by (see store/claims_query.py), written with
    # what they are made of: casefolded prefixes of the document's title, the
    # tag names, the quote and the note, and the rank of the status.
    sort_document: str = Field(default="", sa_type=sa.String(SORT_KEY_LENGTH), nullable=False,
                               sa_column_kwargs={"server_default": ""})
    sort_tags: str = Field(default="", sa_type=sa.String(SORT_KEY_LENGTH), nullable=False,
                           sa_column_kwargs={"server_default": ""})
    sort_quote: str = Field(default="", sa_type=sa.String(SORT_KEY_LENGTH), nullable=False,
                            sa_column_kwargs={"server_default": ""})
    sort_note: str = Field(default="", sa_type=sa.String(SORT_KEY_LENGTH), nullable=False,
                           sa_column_kwargs={"server_default": ""})
    sort_status: int = Field(default=0, nullable=False, sa_column_kwargs={"server_default": "0"})


class ClaimTag(SQLModel, table=True):
    __tablename__ = "claim_tags"

    claim_id: int = Field(
        sa_column_args=[sa.ForeignKey("claims.id", ondelete="CASCADE")], primary_key=True
    )
    tag_id: int = Field(
        sa_column_args=[sa.ForeignKey("tags.id", ondelete="RESTRICT")], primary_key=True, index=True
    )


class ClaimLink(SQLModel, table=True):
    """A link from one claim to a claim of another document, with a relation."""

    __tablename__ = "claim_links"
    __table_args__ = (
        # one live link per pair and direction (a removed link stays, to be restored);
        # the store also refuses a live link the other way round (see links.py)
        sa.Index("uq_claim_links_live_pair", "source_id", "target_id", unique=True,
                 sqlite_where=sa.text("deleted_at IS NULL"), postgresql_where=sa.text("deleted_at IS NULL")),
        sa.Index("ix_claim_links_target", "target_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_type=sa.String(36), unique=True, nullable=False)
    source_id: int = Field(sa_column_args=[sa.ForeignKey("claims.id", ondelete="CASCADE")], nullable=False)
    target_id: int = Field(sa_column_args=[sa.ForeignKey("claims.id", ondelete="CASCADE")], nullable=False)
    relation: str = Field(sa_type=sa.String(20), nullable=False)
    note: str = Field(default="", sa_type=sa.Text, nullable=False)
    annotator: str = Field(default="", sa_type=sa.String(200), nullable=False)
    created_at: datetime | None = _ts()
    deleted_at: datetime | None = _ts(nullable=True)


class ChangeLog(SQLModel, table=True):
    """One row per committed write: who wrote (the store instance's origin)
    and what it touched, so that open windows pick up others' changes."""

    __tablename__ = "change_log"

    seq: int | None = Field(default=None, primary_key=True)
    origin: str = Field(sa_type=sa.String(40), nullable=False)
    at: datetime | None = _ts()
    # space-separated: "claims:<document id>", "documents", "tags", "links", or "*"
    scope: str = Field(sa_type=sa.Text, nullable=False)


documents = Document.__table__
document_versions = DocumentVersion.__table__
document_sources = DocumentSource.__table__
tags = Tag.__table__
claims = Claim.__table__
claim_tags = ClaimTag.__table__
claim_links = ClaimLink.__table__
change_log = ChangeLog.__table__
