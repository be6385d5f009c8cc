"""The benchmark suite keeps running (its quick version); no test asserts a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURES = {
    "first_paint_ratio", "startup_ratio", "open_3mb_s", "open_3mb_ratio", "open_3mb_10k_claims_ratio",
    "add_claim_ms_10k", "add_claim_scaling", "scroll_frame_ms", "export_100k_ratio", "export_peak_mb",
    "import_mb_s", "import_ratio", "web_import_ratio", "search_ms", "search_worst_ms", "bulk_claims_ratio", "rss_mb",
    "pdf_import_ratio", "open_pdf_300_ratio", "claims_sort_ms_1m", "claims_filter_ms_1m",
    "ready_100k_ratio", "ready_1m_s", "library_filter_ms_10k", "rss_mb_1m", "export_1m_ratio",
}


@pytest.mark.slow
def test_quick_benchmarks_run_and_report_every_figure(tmp_path):
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
        env=dict(os.environ, MARGINALIA_BENCH_CACHE=str(tmp_path / "projects")),  # generated projects stay here
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["quick"] is True
    missing = FIGURES - set(data["figures"])
    assert not missing, missing
    assert all(value > 0 for value in data["figures"].values())
    for name in FIGURES:
        assert name in result.stdout
