"""Checks that need files kept beside the checkout (../shared/interop) fail
in CI when the folder is missing, instead of skipping quietly."""

from __future__ import annotations

import pytest
from conftest import SHARED, require_shared


def test_missing_shared_files_fail_in_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not at"):
        require_shared(tmp_path / "interop" / "schema.xsd", "the schema")


def test_missing_shared_files_skip_elsewhere(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not at"):
        require_shared(tmp_path / "interop" / "schema.xsd", "the schema")


def test_present_shared_files_pass(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    (tmp_path / "schema.xsd").write_text("<schema/>", encoding="utf-8")
    require_shared(tmp_path / "schema.xsd", "the schema")  # returns: nothing to say
    assert SHARED.name == "shared"
