"""The command line as a daily user reads it: every option explained in
--help, counts with their plurals, header lines over columns, and `text`
exact for scripts."""

from __future__ import annotations

import argparse
import json
import re

from conftest import run_cli

from desktop_app.cli.main import build_parser


def _subcommands(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, sub, helps.get(name)
                for deeper in _subcommands(sub):
                    yield (f"{name} {deeper[0]}", *deeper[1:])


def test_every_command_and_option_has_help():
    missing = []
    commands = list(_subcommands(build_parser()))
    assert len(commands) > 15
    for name, parser, summary in commands:
        if not summary:
            missing.append(f"{name}: no summary")
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, missing


def test_export_help_describes_its_filters():
    out = run_cli("export", "--help").stdout.decode()
    for option in ("--format", "--tag", "--document", "--status"):
        line = next(line for line in out.splitlines() if line.strip().startswith(option))
        rest = out[out.index(line):].split("\n  -", 1)[0]
        assert len(re.sub(r"\s+", " ", rest.replace(line.split()[0], "", 1))) > 25, rest


def _seed(db):
    from desktop_app.core.store import Store

    text = "One claim here 🎬. Another sentence."
    path = db.parent / "one.txt"
    path.write_text(text, encoding="utf-8")
    assert run_cli("import", str(path), db=db).returncode == 0
    with Store.open(db) as s:
        doc = next(d for d in s.list_documents() if d.original_name == "one.txt")
        s.add_claim(doc.id, 0, 9)
    return doc.id, text


def test_counts_take_their_plural(tmp_path):
    db = tmp_path / "lib.db"
    path = tmp_path / "a.txt"
    path.write_text("Text of one document.", encoding="utf-8")
    out = run_cli("import", str(path), db=db)
    assert out.returncode == 0, out.stderr
    said = out.stdout.decode() + out.stderr.decode()
    assert not re.search(r"\b1 (documents|claims|files|tags|links)\b", said), said
    from desktop_app.core.store import Store

    with Store.open(db) as s:
        doc = s.list_documents()[0]
        s.add_claim(doc.id, 0, 4)
    for args in (["docs"], ["claims"], ["tags"], ["export", "--format", "csv", "-o", str(tmp_path / "o.csv")]):
        result = run_cli(*args, db=db)
        said = result.stdout.decode() + result.stderr.decode()
        assert result.returncode == 0, said
        assert not re.search(r"\b1 (documents|claims|files|tags|links|passages|rows)\b", said), (args, said)


def test_docs_and_claims_have_a_header_line_and_json_is_unchanged(tmp_path):
    db = tmp_path / "lib.db"
    doc_id, text = _seed(db)
    docs = run_cli("docs", db=db).stdout.decode().splitlines()
    assert docs[0].split()[:2] == ["ID", "TITLE"] or docs[0].split()[0] == "ID", docs
    assert str(doc_id) in [line.split("\t")[0] for line in docs[1:]]
    claims = run_cli("claims", db=db).stdout.decode().splitlines()
    assert claims[0].split()[0] == "ID" and "QUOTE" in claims[0], claims
    assert len(claims) == 2
    as_json = json.loads(run_cli("claims", "--json", db=db).stdout)
    assert [c["quote"] for c in as_json] == [text[:9]]
    assert doc_id in [d["id"] for d in json.loads(run_cli("docs", "--json", db=db).stdout)]


def test_text_is_exact_for_scripts(tmp_path):
    db = tmp_path / "lib.db"
    doc_id, text = _seed(db)
    out = run_cli("text", str(doc_id), db=db).stdout
    assert out.decode("utf-8") == text  # piped: not one character added
    help_text = run_cli("text", "--help").stdout.decode()
    assert "newline" in help_text
    # On a terminal, one newline more, so that the prompt starts on its own line.
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "desktop_app", "--db", str(db), "text", str(doc_id)],
                              stdout=follower, stderr=subprocess.PIPE, timeout=120)
        assert proc.returncode == 0, proc.stderr
        os.close(follower)
        follower = None
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all was read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    assert seen.replace(b"\r\n", b"\n").decode("utf-8") == text + "\n"
