"""The log-in dialog: user name and password, checked by the core in a worker thread.

A wrong password says so without saying which field was wrong, clears only the password and
keeps the name that was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from commandcenter.errors import AuthenticationFailed
from ui.common.errors import describe
from ui.common.tasks import run_in_background


class LoginDialog(QDialog):
    """Log-in to a center (``center.login``: argon2 takes a noticeable moment on purpose, so
    it runs in a worker); on success ``backend`` is the logged-in actor's backend."""

    def __init__(self, center, username: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.center = center
        self.backend = None
        self.setWindowTitle(self.tr("Log in — Grid Command Center"))
        self.setMinimumWidth(460)

        heading = QLabel(self.tr("Grid Command Center"), self)
        heading.setObjectName("loginHeading")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit(username, self)
        self.username.setObjectName("username")
        self.username.setPlaceholderText(self.tr("user name"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("password"))
        self.message = QLabel("", self)
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(self)
        self.login_button = self.buttons.addButton(
            self.tr("Log in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.login_button.setDefault(True)
        self.buttons.addButton(self.tr("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self._fail(self.tr("Enter your user name and password."))
            return
        self._set_busy(True)
        center = self.center
        run_in_background(
            lambda: center.login(username, password),
            self._on_success,
            self._on_error,
            owner=self,
        )

    def _on_success(self, backend) -> None:
        self._set_busy(False)
        self.backend = backend
        self.accept()

    @property
    def actor(self):
        return None if self.backend is None else self.backend.actor

    def _on_error(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, AuthenticationFailed):
            self._fail(self.tr("Wrong user name or password."))
            return
        message = describe(error, doing="checking a log-in")  # the detail goes to the log
        self._fail(
            self.tr("Cannot check the log-in: %1. %2")
            .replace("%1", message.text)
            .replace("%2", message.hint or self.tr("Try again."))
        )

    def _fail(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.password.clear()
        self.password.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)
        self.username.setEnabled(not busy)
        self.password.setEnabled(not busy)
        self.login_button.setText(self.tr("Checking…") if busy else self.tr("Log in"))


class PasswordChangeDialog(QDialog):
    """An administrator gave this password: the user chooses their own before working (the
    server refuses every other call until then)."""

    def __init__(self, backend, parent=None):
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self.backend = backend
        self.setWindowTitle(self.tr("Choose your own password"))
        self.setMinimumWidth(460)
        note = QLabel(
            self.tr(
                "Your password was given by an administrator. Choose your own: at least 8 "
                "characters, two kinds (letters, digits, others), not your user name."
            ),
            self,
        )
        note.setWordWrap(True)
        self.current = QLineEdit(self)
        self.new = QLineEdit(self)
        self.again = QLineEdit(self)
        for edit in (self.current, self.new, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("", self)
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.try_change)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Current password"), self.current)
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("New password again"), self.again)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def try_change(self) -> None:
        if self.new.text() != self.again.text():
            self._fail(self.tr("The two new passwords differ."))
            return
        backend, current, new = self.backend, self.current.text(), self.new.text()
        self.buttons.setEnabled(False)
        run_in_background(
            lambda: backend.change_password(current, new),
            lambda _none: self.accept(),
            self._on_error,
            owner=self,
        )

    def _on_error(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        message = describe(error, doing="changing the password")
        self._fail(f"{message.text} {message.hint}".strip())

    def _fail(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
