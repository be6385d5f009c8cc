"""A database that cannot be changed here (a read-only folder, a read-only
file, a read-only disk) opens for reading: the commands that only read work,
the commands that write say in one sentence that changes cannot be saved,
and nothing is written beside it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import fails, ok, run_cli
from desktop_app.cli import main as cli
from desktop_app.core.store import Store

READS = (("docs",), ("tags",), ("claims",), ("search", "Netflix"), ("links",), ("text", "1"))
WRITES = (("tags", "add", "new tag"), ("claim", "add", "1", "--quote", "Netflix", "--occurrence", "2"), ("claim", "delete", "1"))


def make_library(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "library.db"
    with Store.open(db, annotator="owner") as store:
        doc = store.list_documents()[0]
        text = store.document_text(doc.id)
        start = text.index("Netflix")
        store.add_claim(doc.id, start, start + 7, [store.resolve_tag("salaries")], note="a note 😀")
    return db


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def run_in_process(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    code = cli.run(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def warm_up(capsys, tmp_path: Path) -> None:
    """Run every command once as ourselves on a scratch copy, so that every
    module they load is loaded before acting as a user who may not be able
    to read this Python's own files."""
    scratch = make_library(tmp_path / "scratch")
    for args in (*READS, ("export", "--format", "csv", "-o", str(tmp_path / "scratch" / "x.csv")), *WRITES):
        run_in_process(capsys, scratch, *args)
    (tmp_path / "scratch" / "x.csv").unlink()


def check_read_only(capsys, db: Path, export_to: Path) -> None:
    for args in READS:
        code, out, err = run_in_process(capsys, db, *args)
        assert code == 0 and err == "", (args, err)
        assert out or args == ("links",)
    code, out, err = run_in_process(capsys, db, "docs")
    counts = [line.split("\t")[-1] for line in out.splitlines()[1:]]  # the CLAIMS column, under the header
    assert "1" in counts, out
    code, out, err = run_in_process(capsys, db, "export", "--format", "csv", "-o", str(export_to))
    assert code == 0 and export_to.read_text(encoding="utf-8").count("a note 😀") == 1, err
    for args in WRITES:
        code, out, err = run_in_process(capsys, db, *args)
        assert code == 1 and out == "", (args, out)
        assert err.count("\n") == 1 and err.startswith("marginalia: Changes cannot be saved to "), err
        assert str(db) in err and "read-only" in err and "Traceback" not in err


def test_a_database_in_a_read_only_folder_is_read_and_changes_are_refused(tmp_path, capsys, as_normal_user):
    folder = tmp_path / "shared"
    db = make_library(folder)
    out_dir = tmp_path / "out"
    out_dir.mkdir(mode=0o777)
    out_dir.chmod(0o777)
    before = snapshot(folder)
    warm_up(capsys, tmp_path)
    folder.chmod(0o555)
    try:
        with as_normal_user():
            check_read_only(capsys, db, out_dir / "claims.csv")
    finally:
        folder.chmod(0o755)
    assert snapshot(folder) == before, "nothing written to or beside the file"


def test_a_read_only_file_in_a_writable_folder_is_read_and_changes_are_refused(tmp_path, capsys, as_normal_user):
    folder = tmp_path / "shared"
    db = make_library(folder)
    folder.chmod(0o777)  # anyone may add files here, but the file itself is not theirs to change
    db.chmod(0o444)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    warm_up(capsys, tmp_path)
    with as_normal_user():
        check_read_only(capsys, db, folder / "claims.csv")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in folder.iterdir()) == ["claims.csv", "library.db"]


def test_an_older_database_in_a_read_only_folder_says_it_cannot_be_updated_there(tmp_path, capsys, as_normal_user,
                                                                                 monkeypatch):
    from desktop_app.core.store import database, migrations

    folder = tmp_path / "shared"
    db = make_library(folder)
    warm_up(capsys, tmp_path)
    monkeypatch.setattr(database, "REVISIONS", (*migrations.REVISIONS, "9999"))
    monkeypatch.setattr(database, "HEAD", "9999")
    folder.chmod(0o555)
    try:
        with as_normal_user():
            code, out, err = run_in_process(capsys, db, "docs")
    finally:
        folder.chmod(0o755)
    assert code == 1 and err.count("\n") == 1 and "cannot be saved there" in err, err
    assert sorted(p.name for p in folder.iterdir()) == ["library.db"], "no backup was attempted"


@pytest.fixture
def read_only_mount(tmp_path):
    """A folder of tmp_path made read-only for everyone, root too (a read-only
    bind mount of itself); skipped, saying why, where mounting is not permitted."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only bind mount needs root and mount(8)")
    done = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"a bind mount is not permitted here ({done.stderr.strip() or done.returncode})")
    mounted = {"ro": False}

    def make_read_only():
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True, check=True)
        mounted["ro"] = True

    try:
        yield folder, make_read_only
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, check=True)


def test_a_database_on_a_read_only_disk_in_real_commands(read_only_mount, tmp_path):
    folder, make_read_only = read_only_mount
    db = make_library(folder)
    before = snapshot(folder)
    make_read_only()
    for args in READS:
        ok(run_cli(*args, db=db))
    out = tmp_path / "claims.xlsx"
    ok(run_cli("export", "--format", "xlsx", "-o", str(out), db=db))
    assert out.stat().st_size > 0
    for args in WRITES:
        err = fails(run_cli(*args, db=db), "changes cannot be saved", str(db))
        assert "damaged" not in err
    assert snapshot(folder) == before


def test_a_read_only_folder_shows_what_its_owner_is_writing(tmp_path, as_normal_user):
    """The owner has the database open (its -wal and -shm files exist): a
    reader who cannot change the folder sees the owner's newest changes."""
    folder = tmp_path / "shared"
    db = make_library(folder)
    owner = Store.open(db, annotator="owner")
    try:
        owner.add_tag("added by the owner")
        assert Path(str(db) + "-wal").exists() and Path(str(db) + "-shm").exists()
        with as_normal_user(), Store.open(db, annotator="reader") as reader:
            assert reader.read_only
            assert "added by the owner" in {t.name for t in reader.list_tags()}
    finally:
        owner.close()


def test_a_leftover_wal_in_a_read_only_folder_is_explained_not_called_damaged(tmp_path, as_normal_user):
    from desktop_app.core.errors import DatabaseReadOnly

    folder = tmp_path / "shared"
    source = make_library(tmp_path / "source")
    folder.mkdir()
    db = folder / "library.db"
    with Store.open(source, annotator="owner") as store:  # a copy taken while a change was only in the -wal
        store.add_tag("only in the wal")
        shutil.copyfile(source, db)
        shutil.copyfile(str(source) + "-wal", str(db) + "-wal")
    folder.chmod(0o555)
    try:
        with as_normal_user(), pytest.raises(DatabaseReadOnly) as info:
            Store.open(db, annotator="reader")
    finally:
        folder.chmod(0o755)
    message = str(info.value)
    assert "library.db-wal" in message and "damaged" not in message and "\n" not in message
    with Store.open(db, annotator="owner") as store:  # where it can be changed, it opens with everything
        assert "only in the wal" in {t.name for t in store.list_tags()}
