"""write_atomically: the one way the app replaces a file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop_app.core import files
from desktop_app.core.errors import InvalidInput
from desktop_app.core.files import write_atomically


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.mark.parametrize("kind", ["text", "binary", "path"])
def test_each_kind_writes_the_file_and_returns_what_write_returns(tmp_path, kind):
    target = tmp_path / "out.txt"
    text = "tweet 🐦 café\r\nline two\n"

    def write(out):
        if kind == "text":
            out.write(text)
        elif kind == "binary":
            out.write(text.encode("utf-8"))
        else:
            assert out.exists() and out.stat().st_size == 0 and out.parent == tmp_path
            out.write_bytes(text.encode("utf-8"))
        return 42

    assert write_atomically(target, write, kind) == 42
    assert target.read_bytes() == text.encode("utf-8")  # newlines as given, UTF-8
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["text", "binary", "path"])
def test_a_failed_write_leaves_the_earlier_file_and_no_temporary_one(tmp_path, kind):
    target = tmp_path / "out.csv"
    target.write_text("earlier\n", encoding="utf-8")

    def write(out):
        if kind == "path":
            out.write_bytes(b"half")
        else:
            out.write("half" if kind == "text" else b"half")
        raise RuntimeError("disk on fire")

    before = _open_fds()
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_atomically(target, write, kind)
    assert target.read_text(encoding="utf-8") == "earlier\n"
    assert _leftovers(tmp_path) == []
    assert _open_fds() <= before


def test_a_failing_chmod_leaks_no_descriptor_and_no_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("earlier\n", encoding="utf-8")
    target.chmod(0o640)  # an existing file: its mode is copied, so chmod runs

    def refuse(*_args, **_kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchmod", refuse, raising=False)
    monkeypatch.setattr(os, "chmod", refuse)
    before = _open_fds()
    for _ in range(20):  # a leak of one descriptor per call would show
        with pytest.raises(PermissionError):
            write_atomically(target, lambda fh: fh.write("new"))
    assert _open_fds() == before
    assert _leftovers(tmp_path) == []
    assert target.read_text(encoding="utf-8") == "earlier\n"


def test_the_umask_is_never_changed(tmp_path, monkeypatch):
    """os.umask sets a process-wide value: changing it, even for a moment,
    races with worker threads creating files."""
    def no_umask(*_args):
        raise AssertionError("os.umask called")

    monkeypatch.setattr(os, "umask", no_umask)
    for kind in ("text", "binary", "path"):
        write_atomically(tmp_path / f"new-{kind}", lambda out: None, kind)
        write_atomically(tmp_path / f"new-{kind}", lambda out: None, kind)  # replacing one


def test_a_new_file_gets_the_umask_an_existing_one_keeps_its_mode(tmp_path):
    """In a fresh process with umask 027, as a user's shell may set it."""
    code = (
        "import os, sys, stat\n"
        "from pathlib import Path\n"
        "os.umask(0o027)\n"
        "from desktop_app.core.files import write_atomically\n"
        "folder = Path(sys.argv[1])\n"
        "write_atomically(folder / 'new.csv', lambda fh: fh.write('x'))\n"
        "write_atomically(folder / 'new.xlsx', lambda p: p.write_bytes(b'x'), 'path')\n"
        "old = folder / 'old.csv'; old.write_text('a'); old.chmod(0o604)\n"
        "write_atomically(old, lambda fh: fh.write('b'))\n"
        "write_atomically(folder / 'secret.json', lambda fh: fh.write('{}'), private=True)\n"
        "for name in ('new.csv', 'new.xlsx', 'old.csv', 'secret.json'):\n"
        "    print(name, oct(stat.S_IMODE((folder / name).stat().st_mode)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    modes = dict(line.split() for line in out.stdout.splitlines())
    assert modes == {"new.csv": "0o640", "new.xlsx": "0o640", "old.csv": "0o604", "secret.json": "0o600"}
    assert (tmp_path / "old.csv").read_text() == "b"


def test_bad_targets_are_one_clear_sentence(tmp_path, monkeypatch):
    with pytest.raises(InvalidInput, match="is a folder"):
        write_atomically(tmp_path, lambda fh: None)
    with pytest.raises(InvalidInput, match="does not exist"):
        write_atomically(tmp_path / "nowhere" / "out.csv", lambda fh: None)

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)  # a folder the user may not write in
    with pytest.raises(InvalidInput, match="Cannot write in .*Permission denied"):
        write_atomically(tmp_path / "out.csv", lambda fh: None)


def test_threads_writing_at_once_each_get_their_own_file(tmp_path):
    errors = []

    def work(i: int) -> None:
        try:
            for n in range(20):
                write_atomically(tmp_path / f"t{i}.txt", lambda fh, n=n: fh.write(f"{i}:{n}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t0.txt", "t1.txt", "t2.txt", "t3.txt"]
    assert (tmp_path / "t3.txt").read_text() == "3:19"


def test_there_is_only_one_atomic_writer():
    """Exports, settings and the waiting edits go through write_atomically; no
    other module makes its own temporary file to rename into place, and none
    touches the umask. (Database files are made by SQLite in a file of their
    own and moved into place without replacing anything: core/store/database.py.)"""
    root = Path(files.__file__).resolve().parents[1]
    allowed = {Path(files.__file__).resolve(), root / "core" / "store" / "database.py"}
    offenders = []
    for path in root.rglob("*.py"):
        if path.resolve() in allowed:
            continue
        source = path.read_text(encoding="utf-8")
        if ("os.replace(" in source and "mkstemp" in source) or "os.umask(" in source:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
