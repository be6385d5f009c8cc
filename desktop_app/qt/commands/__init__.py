"""Every undoable edit of the window, one module per kind of data. A command
holds ids and values, never a live Qt object; see ``base`` for how a command
runs, is pushed, and reports a failed undo or redo."""

from __future__ import annotations

from desktop_app.qt.commands.base import command_from_record, RECORD_TYPES, short_quote, push_command, undo_step, redo_step, StoreCommand, NOTE_BURST_S, QUOTE_IN_TEXT
from desktop_app.qt.commands.claims import ClaimEdit, CreateClaim, DeleteClaim, SetClaimTags, SetClaimStatus, SetClaimNote, forced_copy, ReattachClaim, CHANGED_ELSEWHERE
from desktop_app.qt.commands.tags import AddTag, UpdateTag, MergeTags, RemoveTag
from desktop_app.qt.commands.documents import DeleteDocument, ImportedDocuments, ReplaceDocument
from desktop_app.qt.commands.links import AddLink, DeleteLink, UpdateLink
from desktop_app.qt.commands.autocode import AutoCode
from desktop_app.qt.commands.suggestions import AcceptMatch

__all__ = ['command_from_record', 'RECORD_TYPES', 'ClaimEdit', 'AutoCode', 'AcceptMatch', 'short_quote', 'push_command', 'undo_step', 'redo_step', 'StoreCommand', 'NOTE_BURST_S', 'QUOTE_IN_TEXT', 'CreateClaim', 'DeleteClaim', 'SetClaimTags', 'SetClaimStatus', 'SetClaimNote', 'forced_copy', 'ReattachClaim', 'CHANGED_ELSEWHERE', 'AddTag', 'UpdateTag', 'MergeTags', 'RemoveTag', 'DeleteDocument', 'ImportedDocuments', 'ReplaceDocument', 'AddLink', 'DeleteLink', 'UpdateLink']
