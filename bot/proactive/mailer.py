"""Sending the proactive emails over SMTP (the standard library's smtplib)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    use_ssl: bool = False
    sender: str = "shop@example.com"
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The SMTP settings, or None when no host is set (email notifications are then not offered)."""
        if not settings.smtp_host:
            return None
        return cls(host=settings.smtp_host, port=settings.smtp_port, username=settings.smtp_username,
                   password=settings.smtp_password, starttls=settings.smtp_starttls, use_ssl=settings.smtp_ssl,
                   sender=settings.mail_from)


def build_message(config: SmtpConfig, *, to: str, subject: str, body: str, token: str,
                  unsubscribe_url: str | None = None) -> EmailMessage:
    """One plain-text email; its Message-ID is derived from the outbox token, so a resend is recognisable."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = to
    message["Subject"] = subject
    domain = config.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=token.replace("-", "").replace("_", ""), domain=domain)
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message.set_content(body)
    return message


def send_email(config: SmtpConfig, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server (blocking: call it from a worker thread)."""
    if config.use_ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        if config.starttls and not config.use_ssl:
            client.starttls(context=ssl.create_default_context())
        if config.username:
            client.login(config.username, config.password)
        client.send_message(message)
