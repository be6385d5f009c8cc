"""The auto-code dialog: accents ignored unless "Match accents" is ticked,
and the preview, the button and the run agree with the core's plan (matches
inside claims that already have the tag are counted apart and not tagged)."""

from __future__ import annotations

from window_support import (  # noqa: F401 - fixtures
    db_file,
    fresh_claims,
    isolated_qsettings,
    modals,
    tag_id,
    window,
)

from desktop_app.core.autocode import plan_autocode
from tests.conftest import make_doc

TEXT = "Le Café 🦜 de Zoë: un café crème, un CAFE noir et des cafés."


def open_dialog(window, qtbot, pattern, **checks):
    window.active_pane = window.panes[0]
    window.menu_actions["autocode"].trigger()
    dialog = window.autocode_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    dialog.all_docs.setChecked(True)
    for name, on in checks.items():
        getattr(dialog, name).setChecked(on)
    dialog.pattern.setText(pattern)
    qtbot.waitUntil(lambda: not dialog._timer.isActive(), timeout=3000)
    return dialog


def test_accents_checkbox_and_the_plan(window, qtbot, db_file, tmp_path):
    doc = window.store.add_document(make_doc(TEXT, "Café")).id
    dialog = open_dialog(window, qtbot, "cafe")
    dialog.tag.setCurrentIndex(dialog.tag.findText("strikes"))
    qtbot.waitUntil(lambda: not dialog._timer.isActive(), timeout=3000)
    assert not dialog.accents.isChecked()  # off by default, as search ignores accents
    texts = [TEXT[s:e] for _, s, e in dialog.matches]
    assert texts == ["Café", "café", "CAFE"] and {d for d, _, _ in dialog.matches} == {doc}
    assert dialog.commit_button.text() == "Tag 3 passages" and dialog.commit_button.isEnabled()
    dialog.grab().save(str(tmp_path / "autocode.png"))

    dialog.accents.setChecked(True)  # now "cafe" is only the unaccented CAFE
    qtbot.waitUntil(lambda: dialog.commit_button.text() == "Tag 1 passage", timeout=3000)
    assert [TEXT[s:e] for _, s, e in dialog.matches] == ["CAFE"]
    dialog.pattern.setText("cafe\u0301")  # typed decomposed: still found in the composed text
    qtbot.waitUntil(lambda: dialog.commit_button.text() == "Tag 2 passages", timeout=3000)
    assert [TEXT[s:e] for _, s, e in dialog.matches] == ["Café", "café"]

    dialog.commit_button.click()
    claims = fresh_claims(db_file)
    assert sorted((c.start, c.end) for c in claims) == [(s, e) for _, s, e in dialog.matches]

    again = open_dialog(window, qtbot, "cafe")  # accents ignored again in a new dialog
    again.tag.setCurrentIndex(again.tag.findText("strikes"))
    qtbot.waitUntil(lambda: again.commit_button.text() == "Tag 1 passage", timeout=3000)
    plan = plan_autocode(window.store, "cafe", tag_id(window, "strikes"), document_ids=None)
    assert len(plan.matches) == 3 and len(plan.new) == 1 and plan.already_tagged == 2
    assert "3 matches in 1 document (2 inside claims that have this tag already)." == again.count.text()
    items = [again.preview.item(i).text() for i in range(again.preview.count())]
    assert sum(item.endswith("(has this tag already)") for item in items) == 2
    again.grab().save(str(tmp_path / "autocode-tagged.png"))
    again.resize(480, 360)  # small: the options wrap or stay readable
    again.grab().save(str(tmp_path / "autocode-small.png"))
    again.commit_button.click()
    assert len(fresh_claims(db_file)) == 3
