"""No committed claim is ever lost: a writer killed with SIGKILL at random
moments leaves every claim it reported, and a healthy database."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from desktop_app.core.store import Store

WRITER = r"""
import json, random, sys
from desktop_app.core.store import Store
store = Store.open(sys.argv[1], annotator="writer")
doc = store.list_documents()[0]
text = store.document_text(doc.id)
tags = [t.id for t in store.list_tags()]
rng = random.Random(int(sys.argv[2]))
print("ready", flush=True)
while True:
    start = rng.randrange(0, len(text) - 40)
    end = start + rng.randrange(1, 40)
    claim = store.add_claim(doc.id, start, end, [rng.choice(tags)], note="n" * rng.randrange(0, 500))
    # reported only after the commit returned
    print(json.dumps([claim.id, claim.start, claim.end, claim.quote]), flush=True)
"""


def _run_and_kill(db, seed: int, rng: random.Random) -> list[list]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.25))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        out, _err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    reported = []
    for line in out.splitlines():
        try:
            reported.append(json.loads(line))
        except ValueError:  # a line cut by the kill was never fully reported
            pass
    return reported


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(tmp_path):
    db = tmp_path / "crash.db"
    Store.open(db).close()
    rng = random.Random(20231)
    everything = []
    for round_ in range(30):
        reported = _run_and_kill(db, round_, rng)
        everything.extend(reported)
        with Store.open(db) as store:  # opens normally after every kill
            assert store.integrity_check() == "ok"
            text = store.document_text(store.list_documents()[0].id)
            for claim_id, start, end, quote in reported:
                row = store.get_claim(claim_id)
                assert (row.start, row.end, row.quote) == (start, end, quote)
                assert text[start:end] == quote
    assert len(everything) > 30  # the writers did get work done between kills
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {r[0] for r in con.execute("SELECT id FROM claims")}
    finally:
        con.close()
    assert {c[0] for c in everything} <= ids
