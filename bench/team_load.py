"""A team database under load: many annotators adding claims at the same moment.

    python bench/team_load.py                      # 10 annotators x 1,000 claims
    python bench/team_load.py --annotators 4 --claims 200
    python bench/team_load.py --json FILE          # also write the figures as JSON

Starts a throwaway PostgreSQL server on 127.0.0.1 (tests/pgserver.py; its
programs come from `bash packaging/setup.sh --test`), creates a team
database with the default codebook and the two sample articles, then starts
one process per annotator, each with its own Store. They wait for one go
signal and then each adds its claims one at a time (one transaction each, as
the app does when someone presses a tag key) on both articles at varied
offsets, with a tag and a note. Afterwards it checks that nothing was lost or
duplicated (the count per annotator, unique ids and UUIDs, every claim a
writer was given back present with its annotator, offsets and quote, one
change_log entry per write) and prints the wall time from the first claim to
the last, claims per second, and each writer's per-claim latency (median,
p95). For comparison, one annotator alone first adds the same number of
claims as each writer, in another database. Exits 1 if a check fails.
The server and its folder are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

READY_TIMEOUT_S = 180  # the writers' interpreters starting, importing SQLAlchemy
RUN_TIMEOUT_S = 1800


# ------------------------------------------------------------------ a writer
def worker(url: str, who: str, n: int, seed: int, folder: Path) -> int:
    """One annotator (runs in its own process): open, say ready, wait for
    go, add ``n`` claims, write what came back to <folder>/<who>.json."""
    from desktop_app.core.errors import DatabaseBusy
    from desktop_app.core.store import Store

    store = Store.open(url, annotator=who)
    docs = [(d.id, len(store.document_text(d.id))) for d in store.list_documents()]
    tags = [t.id for t in store.list_tags()]
    (folder / f"{who}.ready").touch()
    deadline = time.monotonic() + READY_TIMEOUT_S + 60
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            print(f"{who}: never told to go", file=sys.stderr)
            return 2
        time.sleep(0.002)
    claims, latencies, busy = [], [], 0
    began = time.time()
    for i in range(n):
        doc, length = docs[(i + seed) % len(docs)]
        start = (seed * 7919 + i * 104729) % (length - 80)
        end = start + 1 + (i * 37 + seed * 11) % 79
        tag = tags[(i + seed) % len(tags)]
        t0 = time.perf_counter()
        while True:
            try:
                row = store.add_claim(doc, start, end, [tag], note=f"claim {i} by {who}: loadw{seed}x{i}")
                break
            except DatabaseBusy:  # nothing was written; save again, as the user would
                busy += 1
        latencies.append(time.perf_counter() - t0)
        claims.append([row.id, row.uuid, row.annotator, doc, start, end])
    ended = time.time()
    store.close()
    tmp = folder / f"{who}.json.tmp"
    tmp.write_text(json.dumps({"annotator": who, "origin": store.origin, "claims": claims, "busy": busy,
                               "latencies": latencies, "began": began, "ended": ended}))
    os.replace(tmp, folder / f"{who}.json")
    return 0


# ------------------------------------------------------------------- the run
def run_at_once(url: str, names: list[str], claims: int, folder: Path) -> list[dict]:
    """One process per annotator, all released at the same moment; their
    reports. Writers still running on the way out are killed (only these)."""
    folder.mkdir(parents=True)
    procs = []
    try:
        for seed, who in enumerate(names, 1):
            with open(folder / f"{who}.log", "wb") as log:
                procs.append((who, subprocess.Popen(
                    [sys.executable, __file__, "--worker", url, who, str(claims), str(seed), str(folder)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                )))
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not all((folder / f"{who}.ready").exists() for who, _ in procs):
            for who, p in procs:
                if p.poll() is not None:
                    raise RuntimeError(f"{who} exited {p.returncode} before the start:\n"
                                       f"{(folder / f'{who}.log').read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the writers were not ready within {READY_TIMEOUT_S} s")
            time.sleep(0.02)
        (folder / "go").touch()
        deadline = time.monotonic() + RUN_TIMEOUT_S
        for who, p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"{who} did not finish within {RUN_TIMEOUT_S} s") from None
            if p.returncode != 0:
                raise RuntimeError(f"{who} exited {p.returncode}:\n{(folder / f'{who}.log').read_text()[-3000:]}")
    finally:
        for _, p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
    return [json.loads((folder / f"{who}.json").read_text()) for who, _ in procs]


def check(url: str, reports: list[dict], claims: int, mark: int) -> list[str]:
    """What went wrong: lost, duplicated or altered claims; [] if nothing."""
    import psycopg

    problems = []
    names = [r["annotator"] for r in reports]
    total = len(names) * claims
    reported = [c for r in reports for c in r["claims"]]
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        texts = dict(conn.execute("SELECT id, text FROM documents").fetchall())
        rows = {r[0]: r for r in conn.execute(
            "SELECT id, uuid, annotator, document_id, start_offset, end_offset, quote FROM claims"
        ).fetchall()}
        tagged = conn.execute("SELECT count(DISTINCT claim_id) FROM claim_tags").fetchone()[0]
        seqs = [r[0] for r in conn.execute("SELECT seq FROM change_log WHERE seq > %s ORDER BY seq", (mark,))]
    if len(rows) != total:
        problems.append(f"the database holds {len(rows)} claims, not {total}")
    per = Counter(r[2] for r in rows.values())
    if per != {who: claims for who in names}:
        problems.append(f"claims per annotator: {dict(per)}")
    if len({r[1] for r in rows.values()}) != len(rows):
        problems.append("duplicate UUIDs in the database")
    if len(reported) != total or len({c[0] for c in reported}) != total or len({c[1] for c in reported}) != total:
        problems.append("the writers were given back duplicate or missing ids or UUIDs")
    if tagged != total:
        problems.append(f"{tagged} claims have their tag, not {total}")
    wrong = 0
    for r in reports:
        for id_, uuid, annotator, doc, start, end in r["claims"]:
            row = rows.get(id_)
            if (row is None or row[1:6] != (uuid, r["annotator"], doc, start, end) or annotator != r["annotator"]
                    or row[6] != texts[doc][start:end]):
                wrong += 1
    if wrong:
        problems.append(f"{wrong} claims the writers were given back are missing or differ in the database")
    if not seqs or seqs[-1] - mark != total or seqs != list(range(seqs[0], seqs[-1] + 1)):
        problems.append("change_log does not have one entry per claim written")
    return problems


def solo(url: str, claims: int, folder: Path) -> dict:
    """The baseline: one annotator alone adding the same number of claims."""
    return run_at_once(url, ["solo"], claims, folder)[0]


def quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def machine(url: str) -> str:
    import psycopg
    import sqlalchemy

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return (f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, PostgreSQL {pg}, "
            f"SQLAlchemy {sqlalchemy.__version__}, psycopg {psycopg.__version__}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        url, who, n, seed, folder = argv[1:6]
        return worker(url, who, int(n), int(seed), Path(folder))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotators", type=int, default=10, help="writers at once (default 10)")
    parser.add_argument("--claims", type=int, default=1000, help="claims each writer adds (default 1,000)")
    parser.add_argument("--json", metavar="FILE", help="write the figures to FILE as JSON")
    args = parser.parse_args(argv)
    if args.annotators < 1 or args.claims < 1:
        parser.error("--annotators and --claims must be at least 1")

    from pgserver import PostgresServer

    from desktop_app.core.store import Store

    with tempfile.TemporaryDirectory(prefix="marginalia-team-load-") as tmpdir:
        tmp = Path(tmpdir)
        for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"),
                         ("XDG_CACHE_HOME", "cache")):  # no user settings read or written; the writers inherit it
            (tmp / sub).mkdir()
            os.environ[var] = str(tmp / sub)
        server = PostgresServer()
        try:
            t0 = time.perf_counter()
            server.start()
            for name in ("solo", "team"):
                server.create_database(name)
                Store.open(server.url(name), annotator="setup").close()
            print(f"# server and databases ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            where = machine(server.url("team"))

            alone = solo(server.url("solo"), args.claims, tmp / "solo")
            print("# one annotator alone done", file=sys.stderr, flush=True)

            with Store.open(server.url("team"), annotator="bench") as store:
                mark = store.change_mark()
            names = [f"annotator-{n}" for n in range(1, args.annotators + 1)]
            reports = run_at_once(server.url("team"), names, args.claims, tmp / "team")
            problems = check(server.url("team"), reports, args.claims, mark)
        finally:
            server.cleanup()

    total = args.annotators * args.claims
    wall = max(r["ended"] for r in reports) - min(r["began"] for r in reports)
    overlap = max(r["began"] for r in reports) < min(r["ended"] for r in reports)
    every = [x for r in reports for x in r["latencies"]]
    alone_wall = alone["ended"] - alone["began"]
    figures = {
        "annotators": args.annotators,
        "claims_each": args.claims,
        "claims_total": total,
        "wall_s": wall,
        "claims_per_s": total / wall,
        "latency_median_ms": statistics.median(every) * 1000,
        "latency_p95_ms": quantile(every, 0.95) * 1000,
        "latency_max_ms": max(every) * 1000,
        "busy_retries": sum(r["busy"] for r in reports),
        "alone_claims_per_s": args.claims / alone_wall,
        "alone_latency_median_ms": statistics.median(alone["latencies"]) * 1000,
        "alone_latency_p95_ms": quantile(alone["latencies"], 0.95) * 1000,
    }
    per_writer = {
        r["annotator"]: {
            "wall_s": r["ended"] - r["began"],
            "median_ms": statistics.median(r["latencies"]) * 1000,
            "p95_ms": quantile(r["latencies"], 0.95) * 1000,
            "busy_retries": r["busy"],
        }
        for r in reports
    }

    print(f"Marginalia team database load on {where}")
    print(f"{args.annotators} annotators x {args.claims:,} claims at once = {total:,} claims "
          f"({'all writing at the same time' if overlap else 'WRITERS DID NOT OVERLAP'})")
    print(f"wall time (first claim to last)  {wall:8.2f} s")
    print(f"claims per second                {total / wall:8.0f}")
    print(f"per-claim latency, all writers   median {figures['latency_median_ms']:.1f} ms, "
          f"p95 {figures['latency_p95_ms']:.1f} ms, max {figures['latency_max_ms']:.1f} ms")
    print(f"one annotator alone              {figures['alone_claims_per_s']:8.0f} claims/s, "
          f"median {figures['alone_latency_median_ms']:.1f} ms, p95 {figures['alone_latency_p95_ms']:.1f} ms")
    print(f"'database is busy' retries       {figures['busy_retries']:8d}")
    print()
    print(f"{'writer':<14} {'wall s':>8} {'median ms':>10} {'p95 ms':>8} {'retries':>8}")
    for who, w in per_writer.items():
        print(f"{who:<14} {w['wall_s']:8.2f} {w['median_ms']:10.1f} {w['p95_ms']:8.1f} {w['busy_retries']:8d}")
    print()
    if problems:
        for p in problems:
            print(f"FAILED: {p}")
    else:
        print(f"checks: ok ({total:,} claims, {args.claims:,} per annotator, no id or UUID twice, every claim "
              f"returned is stored with its annotator, offsets and quote, one change_log entry per write)")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"machine": where, "figures": figures, "writers": per_writer, "problems": problems,
             "overlap": overlap}, indent=2), encoding="utf-8")
    return 1 if problems or not overlap else 0


if __name__ == "__main__":
    sys.exit(main())
