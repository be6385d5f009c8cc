"""Zip containers (Word, OpenDocument and EPUB files) checked before anything
is unpacked.

Only the archive's central directory is read to decide: the number of
members, their declared sizes (the standard library never unpacks more than
a member declares, and checks its CRC), encryption, and how much each member
claims to expand. XML parts are refused when they declare entities (the
"billion laughs" expansion): no Word, OpenDocument or EPUB package needs them.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from desktop_app.core.importers._common import refused

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 10_000
# Deflate cannot do better than about 1,000:1; real documents stay far below
# 100:1. A large member past this ratio is a zip bomb.
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # small members may be as compressible as they like

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


def _mb(n: int) -> str:
    value = n / (1024 * 1024)
    text = f"{value:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + " MB"


def open_archive(data: bytes, name: str, *, what: str, max_bytes: int = DEFAULT_MAX_BYTES) -> zipfile.ZipFile:
    """The zip archive in ``data``, or ImportRefused naming why it is not safe to unpack.

    ``what`` names the kind of file in messages ("Word document", "e-book", …).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise refused(name, f"the {what} is damaged or incomplete (it is not a readable zip package).") from None
    if len(members) > MAX_MEMBERS:
        raise refused(name, f"the {what} holds {len(members):,} files, more than the {MAX_MEMBERS:,} allowed.")
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise refused(name, f"the {what} is encrypted ({info.filename} is protected by a password).")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refused(name, f"the {what} uses a kind of compression that is not supported.")
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refused(
                name,
                f"the {what} looks like a zip bomb ({info.filename} would expand "
                f"{info.file_size // max(info.compress_size, 1):,} times, to {_mb(info.file_size)}).",
            )
    if total > max_bytes:
        raise refused(name, f"the {what} unpacks to {_mb(total)}, over the {_mb(max_bytes)} import limit.")
    return archive


def read_member(archive: zipfile.ZipFile, member: str, name: str, *, what: str) -> bytes:
    """The bytes of one member; a damaged member is ImportRefused."""
    try:
        return archive.read(member)
    except KeyError:
        raise refused(name, f"the {what} is incomplete: {member} is missing.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise refused(name, f"the {what} is damaged ({member} cannot be unpacked).") from None


def refuse_xml_entities(archive: zipfile.ZipFile, name: str, *, what: str) -> None:
    """Refuse the package if any XML part declares entities or an internal DTD subset."""
    for info in archive.infolist():
        lower = info.filename.lower()
        if not lower.endswith((".xml", ".rels", ".opf", ".ncx", ".xhtml", ".htm", ".html")):
            continue
        try:
            with archive.open(info) as fh:
                head = fh.read(64 * 1024)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
            raise refused(name, f"the {what} is damaged ({info.filename} cannot be unpacked).") from None
        if _ENTITY.search(head) or _DOCTYPE_SUBSET.search(head):
            raise refused(
                name, f"the {what} was refused: {info.filename} declares XML entities, which could make it expand without end."
            )


def xml_entities_declared(data: bytes) -> bool:
    """True if the XML in ``data`` declares entities (checked before it is parsed)."""
    head = data[: 64 * 1024]
    return bool(_ENTITY.search(head) or _DOCTYPE_SUBSET.search(head))
