"""``marginalia --self-test``: the check the packaged program is run with."""

from __future__ import annotations

import io

from conftest import run_cli


def _files_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_self_test_passes_and_leaves_the_user_folders_alone(user_dirs, tmp_path):
    before = _files_under(user_dirs)
    result = run_cli("--self-test", env={"QT_QPA_PLATFORM": "offscreen"}, cwd=tmp_path)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, out + result.stderr.decode("utf-8", "replace")
    lines = out.splitlines()
    for expected in ("sample articles found", "created a temporary database", "loaded the 2 sample documents",
                     "default codebook has", "added a claim by its quote", "exported to csv and read it back",
                     "exported to qdpx", "exported to xlsx",
                     "search finds documents and the claim", "team databases: the PostgreSQL driver loads",
                     "imported a Word file in the reader process and claimed a quote: 'Self-test press release'",
                     "main window built on the offscreen platform"):
        assert any(line.startswith("ok    ") and expected in line for line in lines), (expected, out)
    assert lines[-1].startswith("self-test passed")
    pdf = next(line for line in lines if "PDF" in line)
    from desktop_app.core.importers.isolated import available

    if available("pdf"):
        assert pdf.startswith("ok    imported a PDF in the reader process and claimed a quote"), pdf
    else:
        assert pdf == "ok    PDF reader not part of this copy: skipped"
    assert "FAIL" not in out
    assert "Traceback" not in result.stderr.decode("utf-8", "replace")
    # no database, log, settings or window layout of the user's was created
    assert _files_under(user_dirs) == before
    assert list(tmp_path.iterdir()) == []


def test_self_test_reports_the_failing_check_and_exits_1(monkeypatch, tmp_path):
    from desktop_app.cli import selftest
    from desktop_app.core import paths

    empty = tmp_path / "no-seeds"
    empty.mkdir()
    monkeypatch.setattr(paths, "seeds_dir", lambda: empty)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    text = out.getvalue()
    assert text.splitlines()[-1].startswith("FAIL  sample articles: expected 2 sample articles")
    assert "ok    Marginalia" in text
    import platformdirs

    assert isinstance(paths._DIRS, platformdirs.PlatformDirs)  # the user folders are the platform's again
