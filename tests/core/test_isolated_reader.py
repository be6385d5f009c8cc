"""The reader child: a parser that hangs, eats memory, crashes or fails is one
sentence in the parent, which keeps running; progress flows back; cancelling
kills the child. Also the zip package checks made before anything is unpacked."""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest
from office_files import BILLION_LAUGHS, docx_bytes, replace_member, simple_docx_bytes

from desktop_app.core.errors import ImportCancelled, ImportRefused, InvalidInput
from desktop_app.core.importers import import_bytes
from desktop_app.core.importers.archive import MAX_MEMBERS, open_archive
from desktop_app.core.importers.isolated import PARSERS, child_command, run_in_child
from desktop_app.core.importers.word import parse_docx

HERE = Path(__file__).resolve().parent


@pytest.fixture
def faults(monkeypatch):
    """Let the child import tests/core/reader_faults.py."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    return "reader_faults"


def _children() -> set[int]:
    """Ids of this process's live child processes (Linux)."""
    kids = set()
    task = Path(f"/proc/{os.getpid()}/task")
    for t in task.iterdir():
        try:
            kids |= {int(x) for x in (t / "children").read_text().split()}
        except OSError:
            pass
    return kids


def test_a_hanging_parser_is_stopped_at_the_time_limit(faults):
    before = _children()
    started = time.monotonic()
    seen = []
    with pytest.raises(ImportRefused) as info:
        run_in_child(faults, "hang", b"data", name="dir/stuck.docx", time_limit_s=1.5,
                     progress=lambda d, t: seen.append((d, t)))
    took = time.monotonic() - started
    assert str(info.value) == "stuck.docx: the file could not be read: the reader took longer than 1.5 s and was stopped."
    assert 1.5 <= took < 10
    assert seen == [(1, 3)]  # progress came back before it hung
    assert _children() <= before  # the child is gone


@pytest.mark.skipif(not hasattr(os, "getrlimit") and os.name != "posix", reason="memory limits need POSIX")
def test_a_parser_that_eats_memory_is_stopped_at_the_memory_limit(faults):
    with pytest.raises(ImportRefused) as info:
        run_in_child(faults, "eat_memory", b"data", name="greedy.epub", memory_limit_mb=300, time_limit_s=60)
    assert str(info.value) == "greedy.epub: the file could not be read: the reader used more than 300 MB of memory and was stopped."


def test_a_crashing_parser_is_one_sentence(faults):
    with pytest.raises(ImportRefused) as info:
        run_in_child(faults, "crash", b"data", name="boom.odt")
    assert str(info.value) == "boom.odt: the file could not be read: the reader crashed."


def test_a_failing_parser_is_one_sentence_and_logged(faults, caplog):
    with pytest.raises(ImportRefused) as info:
        run_in_child(faults, "fail", b"data", name="odd.docx")
    assert str(info.value) == "odd.docx: the file could not be read: the reader failed (KeyError)."
    assert "KeyError: 'missing'" in caplog.text  # the child's traceback is in the log, not the sentence


def test_the_readers_own_error_class_comes_back(faults):
    with pytest.raises(InvalidInput) as info:
        run_in_child(faults, "refuse", b"data", name="own.pdf")
    assert str(info.value) == "own.pdf: a reason of the reader's own."


def test_printing_libraries_do_not_spoil_the_result_and_progress_flows(faults):
    seen = []
    doc = run_in_child(faults, "chatty", simple_docx_bytes(), name="chatty.docx", progress=lambda d, t: seen.append((d, t)))
    assert doc.text == "A Word source\nA short Word file 🚀 for the claim."
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_result_that_would_run_code_in_the_parent_is_refused(faults, tmp_path):
    marker = tmp_path / "evil.docx"
    with pytest.raises(ImportRefused) as info:
        run_in_child(faults, "smuggle", b"data", name=str(marker))
    assert str(info.value) == "evil.docx: the file could not be read: the reader crashed."
    assert not marker.exists()


def test_cancel_kills_the_child_at_once(faults):
    before = _children()
    flag = threading.Event()
    threading.Timer(0.5, flag.set).start()
    started = time.monotonic()
    with pytest.raises(ImportCancelled) as info:
        run_in_child(faults, "hang", b"data", name="slow.docx", cancelled=flag.is_set, time_limit_s=60)
    assert time.monotonic() - started < 10
    assert str(info.value) == "slow.docx: the import was cancelled."
    assert _children() <= before


def test_progress_of_a_real_word_file_comes_from_the_child():
    seen = []
    import_bytes(docx_bytes(), name="release.docx", progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] > 0


def test_the_child_is_this_program():
    cmd = child_command()
    assert cmd[-1] == "--marginalia-read-file"
    assert set(PARSERS) >= {"docx", "odt", "epub", "pdf"}


# -- zip packages -------------------------------------------------------------


def _zip(members: dict[str, bytes], *, method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = replace_member(simple_docx_bytes(), "word/document.xml", b"<a>" + b"\0" * (40 * 1024 * 1024) + b"</a>")
    assert len(bomb) < 200_000
    with pytest.raises(ImportRefused) as info:
        parse_docx(bomb, name="bomb.docx")
    assert str(info.value).startswith("bomb.docx: the Word document looks like a zip bomb (word/document.xml would expand ")


def test_a_package_unpacking_past_the_import_limit_is_refused():
    data = _zip({f"part{i}.bin": os.urandom(300_000) for i in range(4)})
    with pytest.raises(ImportRefused) as info:
        open_archive(data, "big.epub", what="e-book", max_bytes=1024 * 1024)
    assert str(info.value) == "big.epub: the e-book unpacks to 1.1 MB, over the 1 MB import limit."


def test_too_many_members_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(MAX_MEMBERS + 1):
            z.writestr(f"{i}", b"")
    with pytest.raises(ImportRefused, match=r"holds 10,001 files, more than the 10,000 allowed"):
        open_archive(out.getvalue(), "many.odt", what="OpenDocument file")


def test_encrypted_members_are_refused():
    data = bytearray(_zip({"mimetype": b"application/epub+zip", "secret.xhtml": b"<p>x</p>"}))
    # set the "encrypted" flag of every member, in the local and central headers
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(signature)
        while pos >= 0:
            data[pos + offset] |= 1
            pos = data.find(signature, pos + 4)
    with pytest.raises(ImportRefused, match=r"^locked.epub: the e-book is encrypted \(mimetype is protected by a password\)\.$"):
        open_archive(bytes(data), "locked.epub", what="e-book")


def test_entities_in_a_word_part_are_refused():
    data = docx_bytes()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    laughs = replace_member(data, "word/document.xml", BILLION_LAUGHS + xml.split(b"?>", 1)[1])
    with pytest.raises(ImportRefused) as info:
        import_bytes(laughs, name="laughs.docx")
    assert str(info.value) == (
        "laughs.docx: the Word document was refused: word/document.xml declares XML entities, "
        "which could make it expand without end."
    )


def test_a_truncated_word_file_is_one_sentence():
    data = docx_bytes()
    with pytest.raises(ImportRefused) as info:
        import_bytes(data[: len(data) // 2], name="cut.docx")
    assert str(info.value) == "cut.docx: the Word document is damaged or incomplete (it is not a readable zip package)."


def test_a_corrupted_member_is_one_sentence():
    data = bytearray(simple_docx_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + 60):
        data[i] ^= 0x5A
    with pytest.raises(ImportRefused) as exc:
        import_bytes(bytes(data), name="flipped.docx")
    assert str(exc.value).startswith("flipped.docx: the Word document ")
    assert "\n" not in str(exc.value)
