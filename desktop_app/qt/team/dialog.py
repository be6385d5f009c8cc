"""File > Open team database…: where the team's PostgreSQL database is.

Host, port, database name, user and password; the address is built from them
(``postgresql://user:password@host:port/name``). The password is only handed
to the store: it is never saved, and the address the window remembers and
shows leaves it out.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

DEFAULT_PORT = 5432
_HOST = re.compile(r"^[A-Za-z0-9._:\[\]-]+$")  # a name, an IPv4 or a bracketed IPv6 address
_NAME = re.compile(r"^[^\s/?#@:]+$")


class TeamDatabaseDialog(QDialog):
    """Asks where the team database is; ``address()`` once accepted."""

    def __init__(self, parent=None, recent: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Open team database")
        self.setObjectName("TeamDatabaseDialog")
        self.host = QLineEdit("localhost")
        self.host.setObjectName("host")
        self.host.setAccessibleName("Server")
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setAccessibleName("Port")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit()
        self.database.setObjectName("database")
        self.database.setAccessibleName("Database name")
        self.database.setPlaceholderText("the team's database, e.g. marginalia")
        self.user = QLineEdit()
        self.user.setObjectName("user")
        self.user.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("not saved")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setAccessibleName("Problem")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B3261E;")
        self.error.hide()

        form = QFormLayout()
        form.addRow("&Server:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Pass&word:", self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The team's PostgreSQL server and database:"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if recent:
            self.fill_from(recent)
        (self.database if not self.database.text() else self.password).setFocus()

    def fill_from(self, address: str) -> None:
        """Fill the fields from an address remembered without its password."""
        from sqlalchemy.engine import make_url

        try:
            url = make_url(address)
        except Exception:  # noqa: BLE001 - a damaged setting only fills nothing
            return
        self.host.setText(url.host or "localhost")
        self.port.setValue(url.port or DEFAULT_PORT)
        self.database.setText(url.database or "")
        self.user.setText(url.username or "")

    def problem(self) -> str | None:
        """One sentence saying what is wrong with the fields, None if nothing."""
        host = self.host.text().strip()
        name = self.database.text().strip()
        user = self.user.text().strip()
        if not host:
            return "Enter the server's name or address."
        if not _HOST.match(host):
            return f"'{host}' is not a server name or address."
        if not name:
            return "Enter the name of the team database."
        if not _NAME.match(name):
            return f"'{name}' is not a database name (no spaces, slashes or colons)."
        if user and not _NAME.match(user):
            return f"'{user}' is not a user name (no spaces, slashes or colons)."
        return None

    def address(self) -> str:
        """The address to open, with the password (never store this)."""
        import sqlalchemy as sa

        url = sa.URL.create(
            "postgresql",
            username=self.user.text().strip() or None,
            password=self.password.text() or None,
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
        )
        return url.render_as_string(hide_password=False)

    def display_address(self) -> str:
        """The address without the password (for messages and the settings)."""
        user = self.user.text().strip()
        return (f"postgresql://{user + '@' if user else ''}{self.host.text().strip()}:{self.port.value()}"
                f"/{self.database.text().strip()}")

    def accept(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.error.setText(problem)
            self.error.show()
            return
        self.error.hide()
        super().accept()
