"""Errors the user sees. Each carries one plain sentence naming the problem."""

from __future__ import annotations


class MarginaliaError(Exception):
    """Base of every error whose message can be shown to a user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ImportRefused(MarginaliaError):
    """A file could not be imported; nothing was written."""


class DatabaseUnusable(MarginaliaError):
    """The database file cannot be opened (damaged, foreign or newer); it was not modified."""


class DatabaseBusy(MarginaliaError):
    """Another program holds the database lock for too long."""


class DiskFull(MarginaliaError):
    """The disk holding the database (or the file being written) has no space left; nothing was changed."""


class DatabaseReadOnly(MarginaliaError):
    """The database can be read but not changed here (a read-only file or folder)."""


class NotFound(MarginaliaError):
    """A document, tag or claim named by the user does not exist."""


class InvalidInput(MarginaliaError):
    """An argument or a value given by the user is not acceptable."""


class Conflict(MarginaliaError):
    """The change collides with existing data (a duplicate name, a claim changed elsewhere)."""


class DatabaseUnreachable(MarginaliaError):
    """The team database's server cannot be reached (down, refused, network lost)."""


class PasswordRequired(ImportRefused):
    """An encrypted file (a PDF) needs its password: none was given, or
    ``wrong`` is True when the one given does not open it. The window asks
    for the password and tries again."""

    def __init__(self, message: str, wrong: bool = False) -> None:
        super().__init__(message)
        self.wrong = wrong

    def __reduce__(self):  # keeps ``wrong`` when sent from a child process
        return (type(self), (self.message, self.wrong))


class FetchFailed(MarginaliaError):
    """A web address could not be fetched as a page (unreachable, an error status, a timeout, not a page…)."""


class Cancelled(MarginaliaError):
    """The user stopped the operation; nothing was written."""


class ImportCancelled(Cancelled, ImportRefused):
    """The user cancelled an import while a file was being read; nothing was written."""
