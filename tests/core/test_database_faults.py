"""A healthy database is never called damaged: not after the disk filled, not
while another program holds it, not after a disk error left a stub -shm file.
Only SQLite finding the file corrupt makes it "damaged"."""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import fails, fill_disk, make_doc, ok, run_cli
from desktop_app.core.store import database
from desktop_app.core.errors import DatabaseBusy
from desktop_app.core.store import Store


def header_pages(path: Path) -> tuple[int, int, bool]:
    """(page size, page count, whether the count is valid) from the file's header."""
    header = path.read_bytes()[:100]
    return int.from_bytes(header[16:18], "big"), int.from_bytes(header[28:32], "big"), header[24:28] == header[92:96]


def integrity(path: Path) -> tuple[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return check, [r[0] for r in conn.execute("SELECT title FROM documents ORDER BY id")]
    finally:
        conn.close()


def with_pages_only_in_the_wal(folder: Path, n: int = 20) -> tuple[Path, list[str]]:
    """The state a checkpoint interrupted by a full disk leaves: the main file
    has its new first page (its header counts every page) but not the pages
    after its old end, which only the -wal file holds. Built by copying a
    database while its newest pages are still in the -wal, then giving the
    copy the first page it has once they are checkpointed."""
    src = folder / "source" / "library.db"
    Store.open(src, seed=False, annotator="tester").close()
    keeper = sqlite3.connect(src, isolation_level=None)  # keeps the -wal from being checkpointed on close
    titles = [f"Document {i} 😀" for i in range(n)]
    with Store.open(src, annotator="tester") as store:
        for i, title in enumerate(titles):
            store.add_document(make_doc(f"Text {i} 🦋 " + "word " * 3000, title=title))
        target = folder / "library.db"
        shutil.copyfile(src, target)
        shutil.copyfile(str(src) + "-wal", str(target) + "-wal")
    keeper.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    keeper.close()
    page_size = header_pages(src)[0]
    data = bytearray(target.read_bytes())
    data[:page_size] = src.read_bytes()[:page_size]
    target.write_bytes(bytes(data))
    return target, titles


def test_a_main_file_shorter_than_its_header_while_the_wal_holds_the_pages_opens_whole(tmp_path):
    db, titles = with_pages_only_in_the_wal(tmp_path)
    page_size, pages, valid = header_pages(db)
    assert valid and db.stat().st_size < page_size * pages, "the state a full disk leaves"
    assert Path(str(db) + "-wal").stat().st_size > page_size * pages - db.stat().st_size

    assert database.inspect_file(db) == database.HEAD
    out = ok(run_cli("docs", db=db))
    assert all(title in out for title in titles)
    assert "damaged" not in out
    with Store.open(db, annotator="tester") as store:
        assert [d.title for d in store.list_documents()] == titles
        assert store.integrity_check() == "ok"
        store.add_tag("written afterwards")
    assert integrity(db) == ("ok", titles)


def test_a_truncated_file_without_its_pages_anywhere_is_still_damaged(tmp_path):
    """SQLite itself finds this one corrupt: the main file cut short and no -wal."""
    db, _titles = with_pages_only_in_the_wal(tmp_path)
    Path(str(db) + "-wal").unlink()
    before = db.read_bytes()
    fails(run_cli("docs", db=db), "damaged")
    assert db.read_bytes() == before


def test_an_import_that_fills_the_disk_says_so_and_everything_is_there_once_space_is_back(small_disk, tmp_path):
    db = small_disk / "library.db"
    ok(run_cli("docs", db=db))
    files = []
    for i in range(12):
        path = tmp_path / f"article {i}.txt"
        path.write_text(f"Article {i} 📰\n\n" + " ".join(f"w{i}x{j}" for j in range(40000)), encoding="utf-8")
        files.append(str(path))
    result = run_cli("import", *files, db=db)
    err = fails(result, "disk", "full")  # one sentence, not one per file
    assert "damaged" not in err
    imported = [line.split("\t")[1] for line in result.stdout.decode().splitlines()]
    assert imported, "some articles fit before the disk was full"

    out = ok(run_cli("docs", db=db))  # reading works while the disk is full
    assert all(title in out for title in imported)

    filler = fill_disk(small_disk)  # not a byte left
    for args in (("docs",), ("tags", "add", "while full")):
        result = run_cli(*args, db=db)
        text = (result.stdout + result.stderr).decode()
        assert "damaged" not in text and "Traceback" not in text, text
        if result.returncode:
            fails(result, "disk", "full")

    filler.unlink()  # space is back: it opens with everything
    out = ok(run_cli("docs", db=db))
    assert all(title in out for title in imported)
    ok(run_cli("tags", "add", "after the disk was full", db=db))
    check, titles = integrity(db)
    assert check == "ok" and set(imported) <= set(titles)


# ------------------------------------------------------------ another program
HOLDER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("COMMIT")  # the exclusive lock stays until the connection closes
print("holding", flush=True)
sys.stdin.readline()
conn.close()
"""


def test_a_database_another_program_holds_exclusively_is_in_use_not_damaged(db_path, monkeypatch):
    Store.open(db_path, annotator="tester").close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        result = run_cli("docs", db=db_path, env={"MARGINALIA_BUSY_TIMEOUT": "1"})
        waited = time.monotonic() - started
        err = fails(result, "in use by another program")
        assert "damaged" not in err
        assert 1.0 <= waited < 4.5, "the configured wait, not SQLite's default five seconds"

        monkeypatch.setenv("MARGINALIA_BUSY_TIMEOUT", "0.3")
        with pytest.raises(DatabaseBusy, match="in use by another program"):
            Store.open(db_path, annotator="tester")
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert "Netflix" in ok(run_cli("docs", db=db_path))


# ------------------------------------------------------------- a stub -shm file
def with_a_stub_shm(folder: Path) -> Path:
    """A database whose newest change is only in its -wal file, with the
    3-byte -shm file that SQLite leaves when it could not grow it."""
    src = folder / "source.db"
    target = folder / "library.db"
    with Store.open(src, annotator="tester") as store:
        store.add_tag("only in the wal")
        shutil.copyfile(src, target)
        shutil.copyfile(str(src) + "-wal", str(target) + "-wal")
    Path(str(target) + "-shm").write_bytes(b"\0\0\0")
    return target


def _small_file_limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))  # the -shm cannot grow to its 32 KiB


def test_a_disk_error_with_a_stub_shm_file_is_not_called_damage(tmp_path):
    db = with_a_stub_shm(tmp_path)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-m", "desktop_app", "--db", str(db), "tags"], capture_output=True,
                            env=env, timeout=120, preexec_fn=_small_file_limit)
    err = fails(result, "disk", "error")
    assert "damaged" not in err

    out = ok(run_cli("tags", db=db))  # the disk behaves again: it opens with everything
    assert "only in the wal" in out
    assert integrity(db)[0] == "ok"


def test_a_stub_shm_file_on_a_full_disk_says_the_disk_is_full(small_disk):
    db = with_a_stub_shm(small_disk)
    Path(small_disk / "source.db").unlink()
    filler = fill_disk(small_disk)
    err = fails(run_cli("tags", db=db), "disk", "full")
    assert "damaged" not in err
    filler.unlink()
    assert "only in the wal" in ok(run_cli("tags", db=db))
