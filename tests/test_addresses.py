"""A password typed into a database address never reaches the terminal, the
window or the log, and an address of no supported kind is refused in one
sentence instead of being taken for a file path (which created a folder named
after the password and a new database in it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import fails, ok, run_cli

from desktop_app.core import addresses, paths
from desktop_app.core.errors import InvalidInput, MarginaliaError
from desktop_app.core.store import Store

SECRET = "Pw7xq9Zsecret"

# each is refused before any connection is tried
REFUSED = [
    f"postgresql://u:{SECRET}@127.0.0.1:abc/x",  # a port that is no number
    f"postgresql://u:{SECRET}@[::1/x",  # an unclosed IPv6 bracket
    f"pg://u:{SECRET}@h/x",
    f"postgresql+foo://u:{SECRET}@h/x",
    f"mysql://u:{SECRET}@h/x",
    f"sqlite:///u:{SECRET}@h/x",
    f"file://u:{SECRET}@h/x",
    f"  PG://u:{SECRET}@h/x  ",
    f"postgresql://u:{SECRET}@127.0.0.1:99999/x",  # no such port
    f"postgresql://u:{SECRET}@127.0.0.1:5432",  # no database named
    f"postgresql://u:{SECRET}@127.0.0.1:5432/",
    f"postgresql://u:pre@{SECRET}@127.0.0.1:5432/x",  # an @ in the password, not written %40
    f"postgresql://u:{SECRET}@127.0.0.1:abc",
]
# well formed, but nothing listens on port 1: refused at connection time
UNREACHABLE = [
    f"postgresql://u:{SECRET}@127.0.0.1:1/x",
    f"postgres://u:{SECRET}@127.0.0.1:1/x",
    f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/x",
    f"postgresql://u@127.0.0.1:1/x?password={SECRET}",
]


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def _log_text() -> str:
    log = paths.log_file()
    return log.read_text(encoding="utf-8") if log.exists() else ""


@pytest.mark.parametrize("address", REFUSED + UNREACHABLE)
def test_core_never_shows_a_password_nor_creates_anything(address, tmp_path, monkeypatch):
    from desktop_app.core.logs import setup_logging

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    log_path = setup_logging()
    assert log_path is not None and str(log_path).startswith(os.environ["XDG_STATE_HOME"])
    with pytest.raises(MarginaliaError) as caught:
        Store.open(address).close()
    message = str(caught.value)
    assert SECRET not in message and "\n" not in message
    assert not any(work.iterdir()), "nothing may be created for a refused address"
    assert SECRET not in _log_text()
    if address in REFUSED:
        assert isinstance(caught.value, InvalidInput)


def test_database_target_refuses_every_other_scheme():
    for address in REFUSED[2:8]:
        with pytest.raises(InvalidInput) as caught:
            addresses.database_target(address)
        assert SECRET not in str(caught.value) and "is not a database Marginalia can open" in str(caught.value)
    assert addresses.database_target("  postgresql://u@h/x ") == "postgresql://u@h/x"
    assert addresses.database_target("notes.db") == Path("notes.db")
    assert addresses.database_target("folder with: colon/db") == Path("folder with: colon/db")
    assert addresses.database_target(Path("a.db")) == Path("a.db")
    assert addresses.database_target("") is None and addresses.database_target(None) is None


def test_redacted_hides_the_password_of_any_address():
    for address in REFUSED + UNREACHABLE:
        shown = addresses.redacted(address)
        assert SECRET not in shown, shown
    assert addresses.redacted("postgresql://ann:pw@db.lan:5433/team") == "postgresql://ann:***@db.lan:5433/team"
    assert addresses.redacted("postgresql://ann@db.lan/team?password=x") == "postgresql://ann@db.lan/team"
    assert addresses.redacted("notes.db") == "notes.db"


def test_cli_sweep_of_malformed_addresses(tmp_path, user_dirs):
    """Every malformed address, through the commands that take a database: one
    sentence, non-zero, no password on stdout, stderr or in the log, nothing
    made on disk (in the working folder or the user's data folder)."""
    work = tmp_path / "work"
    work.mkdir()
    before = _files_under(user_dirs)
    runs = [("--db", address, "docs") for address in REFUSED + UNREACHABLE]
    for address in REFUSED[:4] + UNREACHABLE[:1]:
        runs.append(("copy", "--from", address, "--to", "new.db"))
        runs.append(("copy", "--from", str(tmp_path / "missing.db"), "--to", address))
    for args in runs:
        result = run_cli(*args, cwd=work)
        out, err = result.stdout.decode(), result.stderr.decode()
        assert SECRET not in out and SECRET not in err, (args, out, err)
        fails(result)
    assert not any(work.iterdir()), list(work.iterdir())
    made = {p for p in _files_under(user_dirs) - before if paths.log_dir() not in p.parents and p != paths.log_dir()}
    assert not {p for p in made if p.is_file()}, made
    assert paths.log_file().is_file(), "the commands log where the test looks"
    assert SECRET not in _log_text()


def test_window_refuses_another_scheme_in_one_sentence(tmp_path, user_dirs):
    """``marginalia --db pg://…`` (the window) stops before any window or file."""
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli("--db", f"pg://u:{SECRET}@h/x", cwd=work, env={"QT_QPA_PLATFORM": "offscreen"})
    err = fails(result, "pg://", "not supported")
    assert SECRET not in err
    assert not any(work.iterdir())


def test_a_password_given_to_a_real_server_is_never_logged(pg_url, tmp_path):
    """Trust authentication ignores the password: the database opens, and the
    log and output name it without the password."""
    from sqlalchemy.engine import make_url

    url = make_url(pg_url).set(password=SECRET).render_as_string(hide_password=False)
    assert SECRET in url
    out = ok(run_cli("--db", url, "docs"))
    assert SECRET not in out
    assert SECRET not in _log_text()
    assert "created the team database" in _log_text()
