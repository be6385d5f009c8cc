"""What the reader child loads to read a PDF: the PDF reader and the
document model, nothing of the other formats or of the web. Each of those
costs the child's start-up on every import (Markdown's parser, the article
extractor, the HTTP client), so a module-level import in the importers'
package would slow every PDF import; this test names the one that crept in."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pdfsamples
import pytest

from desktop_app.core.importers import isolated

ROOT = Path(__file__).resolve().parents[2]

# run as the child runs (``python -m desktop_app --marginalia-read-file``), then list what it loaded
PROBE = """
import json, os, sys
sys.argv = ["desktop_app", "--marginalia-read-file"]
from desktop_app.__main__ import main
code = main(sys.argv[1:])
with open(os.environ["LOADED_OUT"], "w") as out:
    json.dump(sorted(sys.modules), out)
sys.exit(code)
"""

NOT_FOR_A_PDF = (
    "desktop_app.core.importers.markdown",
    "desktop_app.core.importers.html",
    "desktop_app.core.importers.text",
    "desktop_app.core.importers.web",
    "desktop_app.core.importers.decoding",
    "desktop_app.core.importers.word",
    "desktop_app.core.importers.opendocument",
    "desktop_app.core.importers.epub",
    "desktop_app.core.importers.archive",
    "markdown_it",
    "trafilatura",
    "lxml",
    "httpx",
    "socket",
    "email.message",
    "http.client",
    "html.parser",
    "docx",
    "odf",
    "ebooklib",
    "sqlalchemy",
    "PySide6",
)


def loaded_by_child(tmp_path, data: bytes, module: str, function: str) -> set[str]:
    request = pickle.dumps({"module": module, "function": function, "data": data, "name": "report 🦜.pdf",
                            "kwargs": {}, "memory_limit_mb": 0, "time_limit_s": 60})
    out = tmp_path / "loaded.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               LOADED_OUT=str(out))
    done = subprocess.run([sys.executable, "-c", PROBE], input=request, capture_output=True, env=env,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    kind = pickle.loads(done.stdout)[0]
    assert kind == "ok", pickle.loads(done.stdout)
    return set(json.loads(out.read_text()))


def test_a_pdf_is_read_without_the_other_formats_or_the_web(tmp_path):
    pytest.importorskip("pypdfium2")
    parser = isolated.PARSERS["pdf"]
    loaded = loaded_by_child(tmp_path, pdfsamples.article(pages=2, columns=2).data, parser.module, parser.function)
    assert parser.module in loaded and "pypdfium2" in loaded
    assert sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_FOR_A_PDF)) == []


def test_the_importers_package_alone_loads_no_format(tmp_path):
    """What a window or a command pays to reach ``import_bytes``: the formats
    load when a file of theirs is read."""
    code = ("import json, sys; import desktop_app.core.importers as i; "
            "print(json.dumps(sorted(sys.modules)))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, cwd=tmp_path, timeout=120,
                          check=True)
    loaded = set(json.loads(done.stdout))
    assert sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_FOR_A_PDF)) == []
