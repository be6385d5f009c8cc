"""An export to a full disk says so in one sentence: no echo of the failure
from finalisers ("Exception ignored …"), no lxml errors, no file left
half-written, no temporary file left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import fill_disk, run_cli
from desktop_app.core.store import Store


@pytest.fixture
def many_claims(tmp_path) -> Path:
    """A database whose workbook is a few hundred kilobytes."""
    db = tmp_path / "library.db"
    with Store.open(db, annotator="tester") as store, store.transaction():
        doc = store.list_documents()[0]
        tag = store.resolve_tag("salaries")
        for i in range(1500):
            store.add_claim(doc.id, i % 400, i % 400 + 60, [tag], note=f"note {i} 😀 " + "n" * 200)
    return db


def one_sentence(result) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, err
    assert err.count("\n") == 1 and err.startswith("marginalia: "), err
    assert "disk is full" in err.lower(), err
    return err


def test_an_xlsx_export_to_a_full_disk_is_one_sentence(small_disk, many_claims, tmp_path):
    out = small_disk / "claims.xlsx"
    filler = fill_disk(small_disk)
    os.truncate(filler, max(0, filler.stat().st_size - 150_000))  # room for part of the workbook only
    temp = small_disk / "tmp"  # openpyxl's sheets are written in the temporary folder: the full disk too
    temp.mkdir()
    result = run_cli("export", "--format", "xlsx", "-o", str(out), db=many_claims, env={"TMPDIR": str(temp)})
    one_sentence(result)
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "tmp"], "no half-written workbook"
    assert list(temp.iterdir()) == [], "no temporary sheet left behind"

    elsewhere = tmp_path / "claims.xlsx"  # the same export where there is room
    result = run_cli("export", "--format", "xlsx", "-o", str(elsewhere), db=many_claims)
    assert result.returncode == 0 and result.stderr.decode().startswith("Exported 1500 claims")
    assert elsewhere.stat().st_size > 150_000, "the workbook did need more room than the disk had"


# The disk fills while the workbook is written: every write of the export's
# (temporary) file beyond its first kilobytes fails with ENOSPC, as on a full disk.
FULL_DISK = r"""
import errno, io, os, sys, types, zipfile

class FullDisk(io.RawIOBase):
    def __init__(self, path):
        self._file = io.FileIO(path, "w")
        self._room = 4096
    def writable(self):
        return True
    def write(self, data):
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return self._file.write(data)
    def close(self):
        self._file.close()
        super().close()

real_open = io.open
def open_(file, mode="r", *args, **kwargs):
    if "w" in mode and str(file).endswith(".part"):
        return FullDisk(file)
    return real_open(file, mode, *args, **kwargs)

shim = types.ModuleType("io")
shim.__dict__.update(io.__dict__)
shim.open = open_
zipfile.io = shim

from desktop_app.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("fmt", ["xlsx", "qdpx"])
def test_an_export_whose_writes_fail_with_enospc_is_one_sentence(many_claims, tmp_path, fmt):
    out = tmp_path / "out" / f"claims.{fmt}"
    out.parent.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, "--db", str(many_claims), "export", "--format", fmt, "-o", str(out)],
        capture_output=True, timeout=120, env=dict(os.environ),
    )
    err = one_sentence(result)
    assert str(out) in err
    assert list(out.parent.iterdir()) == [], "no half-written file"
