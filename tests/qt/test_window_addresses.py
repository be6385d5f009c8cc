"""The window refuses an address of no supported kind in one sentence, keeps
its database, creates nothing, and shows no password."""

from __future__ import annotations

import os

from window_support import db_file, isolated_qsettings, modals, window  # noqa: F401 - fixtures

from desktop_app.core import paths

SECRET = "Pw7xq9Zsecret"


def test_window_refuses_other_schemes_and_malformed_addresses(window, modals, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    opened = window.store
    for address in (f"pg://u:{SECRET}@h/x", f"postgresql+foo://u:{SECRET}@h/x",
                    f"postgresql://u:{SECRET}@127.0.0.1:abc/x", f"postgresql://u:{SECRET}@[::1/x"):
        assert window.open_database(address) is False
        assert window.open_team_database(address) is False
        window.open_database_in_background(address)
    assert window.store is opened  # the open database stays
    assert len(modals.errors) == 12 and all(SECRET not in e for e in modals.errors), modals.errors
    assert "'pg://u:***@h/x' is not a database Marginalia can open" in modals.errors[0]
    assert SECRET not in window.statusBar().currentMessage()
    assert set(os.listdir(tmp_path)) == before
    log = paths.log_file()
    assert not log.exists() or SECRET not in log.read_text(encoding="utf-8")
