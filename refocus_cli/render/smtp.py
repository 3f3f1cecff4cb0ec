"""Sending email through the organisation's SMTP relay (smtplib), one connection a run."""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from refocus_cli.core.itip import MailProblem

if TYPE_CHECKING:
    from email.message import EmailMessage

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT = 30  # seconds to wait for the server at each step


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: host, port, security (starttls, ssl or none), login, and
    at most `rate` messages a minute (None: as fast as the server takes them)."""

    host: str
    port: int
    security: str = "none"
    user: str | None = None
    password: str | None = None
    rate: int | None = None


class RecipientRefused(Exception):
    """The server would not take a message for this address; other messages go on."""


class SendingStopped(Exception):
    """The server failed part-way (dropped the connection, refused a message outright):
    the messages sent before stand, the rest wait for the next run."""


class Mailer:
    """An open SMTP connection: `with Mailer(settings) as mailer: mailer.send(message)`."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.last_sent: float | None = None

    def __enter__(self) -> Mailer:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            if s.security == "ssl":
                context = ssl.create_default_context()
                self.smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=context)
            else:
                self.smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
            # smtplib writes each command in small pieces: without this, delayed
            # acknowledgements hold every message back by tens of milliseconds.
            if self.smtp.sock is not None:
                self.smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.smtp.ehlo()
            if s.security == "starttls":
                self.smtp.starttls(context=ssl.create_default_context())
                self.smtp.ehlo()
            if s.user:
                self.smtp.login(s.user, s.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise MailProblem(
                f"the SMTP server {where} refused the login for {s.user} ({_reply(exc)}): "
                "check --smtp-user and $REFOCUS_SMTP_PASSWORD; nothing was sent"
            ) from None
        except smtplib.SMTPNotSupportedError:
            self._close()
            raise MailProblem(
                f"the SMTP server {where} offers no login on this connection: try --starttls "
                "or --ssl, or leave out --smtp-user; nothing was sent"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise MailProblem(
                f"cannot reach the SMTP server {where} ({_reply(exc)}): check --smtp-host, "
                "--smtp-port and --starttls/--ssl; nothing was sent"
            ) from None
        return self

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Hand one message to the server; returns once the server has accepted it."""
        assert self.smtp is not None, "use Mailer as a context manager"
        self._wait_for_rate()
        try:
            self.smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients.get(recipient, (0, b""))
            raise RecipientRefused(f"{code} {reply.decode('utf-8', 'replace')}".strip()) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendingStopped(_reply(exc)) from None
        finally:
            self.last_sent = time.monotonic()

    def _wait_for_rate(self) -> None:
        if self.settings.rate and self.last_sent is not None:
            gap = 60 / self.settings.rate - (time.monotonic() - self.last_sent)
            if gap > 0:
                time.sleep(gap)

    def _close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close()


def _reply(exc: BaseException) -> str:
    """What the server or the network said, in a few words."""
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"no answer within {TIMEOUT} s"
    return str(exc) or type(exc).__name__
