"""What a user does with a claim, offered where the claim is: the context
menu of a highlight and of a row of the claims table.

Every entry goes through the window's undoable commands (via the
Annotator), so each is one undo step, and several claims tagged at once
(keys 1–9 in the claims table) are one step too."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from desktop_app.core.rows import STATUSES


def quote_with_source(quote: str, title: str, page: str | int | None = None) -> str:
    """A quote as it is pasted elsewhere: the quote, then its source (and
    page, "3" or "3–4", in a paged source)."""
    source = title or "untitled document"
    if page not in (None, ""):
        source = f"{source}, p. {page}"
    return f"“{quote}” — {source}"


def add_claim_entries(menu: QMenu, annotator, claim_id: int) -> None:
    """Add the claim's entries to ``menu``: tags (checkable), status, note,
    link, matching passages, copy with source, delete."""
    claim = annotator.held_claim(claim_id, read=True)  # the user asked for this claim's menu
    if claim is None:
        return
    menu.setObjectName(menu.objectName() or "claimMenu")
    tags_menu = menu.addMenu("&Tags")
    tags_menu.setObjectName("claimTagsMenu")
    for tag in sorted(annotator.tags.values(), key=lambda t: t.name.casefold()):
        label = f"{tag.name}\t{tag.key}" if tag.key else tag.name
        # No colour swatch here: with an icon, styles show "checked" as a faint frame around it
        action = tags_menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(tag.id in claim.tag_ids)
        action.setData(tag.id)
        action.triggered.connect(lambda _on=False, tid=tag.id: annotator.toggle_tag([claim_id], tid))
    tags_menu.setEnabled(bool(annotator.tags))
    status_menu = menu.addMenu("&Status")
    status_menu.setObjectName("claimStatusMenu")
    for status in STATUSES:
        action = status_menu.addAction(status.capitalize())
        action.setCheckable(True)
        action.setChecked(status == claim.status)
        action.setData(status)
        action.triggered.connect(lambda _on=False, s=status: annotator.set_status(claim_id, s))
    menu.addAction("Edit &note…", lambda: annotator.edit_note(claim_id)).setObjectName("claimNote")
    menu.addAction("&Link…\tCtrl+L", lambda: annotator.link_claim(claim_id)).setObjectName("claimLink")
    menu.addAction("Go to &matching passages", lambda: annotator.matching_passages(claim_id)).setObjectName(
        "claimMatches")
    menu.addAction("&Copy quote with source", lambda: annotator.copy_quote(claim_id)).setObjectName("claimCopy")
    menu.addSeparator()
    menu.addAction("&Delete claim", lambda: annotator.delete_claim(claim_id)).setObjectName("claimDelete")


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def action_named(menu: QMenu, name: str):
    """The action of ``menu`` (or of one of its submenus) whose object name
    or text (without & and shortcut) is ``name``."""
    for action in menu.actions():
        label = action.text().replace("&", "").split("\t")[0]
        if action.objectName() == name or label == name:
            return action
        sub = action.menu()
        if sub is not None and sub.objectName() == name:
            return action
    return None
