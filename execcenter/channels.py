"""Notification channels behind one interface: e-mail (Django's e-mail backend), an SMS gateway and a group-robot
webhook (企业微信/钉钉 style), both JSON over HTTP. `settings.NOTIFY_CHANNELS` maps a channel to its class, so a
deployment swaps a gateway without touching the outbox; the tests run the SMS gateway and the webhook receiver of
simulator.messaging on their own ports.

A channel's `send(notification)` returns the receiver's reference, or raises:
- TransientChannelError: try again later (timeouts, 5xx, a refused connection);
- PermanentChannelError: retrying cannot help (4xx, a malformed address).
Every request carries the notification's UUID (e-mail Message-ID, `Idempotency-Key` header), so a receiver that
sees a message twice — a worker that died after sending and before recording it — can drop the repeat.
"""

import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from execcenter import safejson


class ChannelError(Exception):
    pass


class TransientChannelError(ChannelError):
    pass


class PermanentChannelError(ChannelError):
    pass


class Channel:
    name = ""

    def address(self, officer, preference):
        """Where this officer is reached on this channel, or "" when they have no address for it."""
        raise NotImplementedError

    def send(self, notification):
        raise NotImplementedError


class EmailChannel(Channel):
    """Django's configured e-mail backend (SMTP in production; EMAIL_BACKEND / EMAIL_HOST / EMAIL_PORT)."""

    name = "email"

    def address(self, officer, preference):
        return (preference.email if preference else "") or officer.user.email

    def send(self, notification):
        message = EmailMessage(
            subject=notification.subject,
            body=_with_link(notification),
            to=[notification.address],
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers={"Message-ID": f"<{notification.uuid}@{settings.NOTIFY_MESSAGE_ID_DOMAIN}>"},
        )
        try:
            sent = get_connection(timeout=settings.NOTIFY_HTTP_TIMEOUT).send_messages([message])
        except (TimeoutError, OSError) as exc:  # smtplib's errors are OSError subclasses
            if isinstance(exc, smtplib.SMTPRecipientsRefused):
                raise PermanentChannelError(f"recipient refused: {exc}") from exc
            raise TransientChannelError(f"{type(exc).__name__}: {exc}") from exc
        if sent != 1:
            raise TransientChannelError("the e-mail backend did not send the message")
        return f"<{notification.uuid}>"


def _with_link(notification):
    if not notification.link:
        return notification.body
    base = settings.NOTIFY_SITE_URL.rstrip("/")
    return f"{notification.body}\n\n{base}{notification.link}"


def post_json(url, payload, idempotency_key, timeout):
    """POST JSON; the parsed answer. Maps failures to Transient (network, 5xx, 429) or Permanent (other 4xx)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": idempotency_key},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        kind = TransientChannelError if exc.code >= 500 or exc.code == 429 else PermanentChannelError
        raise kind(f"HTTP {exc.code} from {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise TransientChannelError(f"{type(exc).__name__}: {exc}") from exc
    try:
        return safejson.loads(body or b"{}")
    except ValueError as exc:
        raise TransientChannelError("the receiver answered something that is not JSON") from exc


class SmsGatewayChannel(Channel):
    """An SMS gateway speaking {"phone", "text", "ref"} → {"message_id"} (NOTIFY_SMS_URL)."""

    name = "sms"

    def address(self, officer, preference):
        return officer.phone

    def send(self, notification):
        if not settings.NOTIFY_SMS_URL:
            raise PermanentChannelError("NOTIFY_SMS_URL is not configured")
        text = f"{notification.subject} {notification.body}"[: settings.NOTIFY_SMS_MAX_CHARS]
        answer = post_json(
            settings.NOTIFY_SMS_URL,
            {"phone": notification.address, "text": text, "ref": str(notification.uuid)},
            str(notification.uuid),
            settings.NOTIFY_HTTP_TIMEOUT,
        )
        if not answer.get("message_id"):
            raise TransientChannelError(f"the SMS gateway gave no message id: {answer}")
        return str(answer["message_id"])


def webhook_host_allowed(url):
    """Whether a robot URL names one of settings.NOTIFY_WEBHOOK_HOSTS exactly (http or https): an officer types it,
    and the worker POSTs from inside the court's network, so any other host would be a request forged for them
    (Redis, a metadata service, an internal page)."""
    try:
        parts = urllib.parse.urlsplit(url or "")
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host in {h.lower() for h in settings.NOTIFY_WEBHOOK_HOSTS}


class WebhookChannel(Channel):
    """A group robot (企业微信/钉钉): {"msgtype": "text", "text": {"content": ...}} to the officer's robot URL.
    Both answer {"errcode": 0, ...} on success; another errcode is permanent (a bad key or a blocked robot)."""

    name = "webhook"

    def address(self, officer, preference):
        return preference.webhook_url if preference else ""

    def send(self, notification):
        if not webhook_host_allowed(notification.address):
            raise PermanentChannelError("webhook host is not in NOTIFY_WEBHOOK_HOSTS")
        payload = {"msgtype": "text", "text": {"content": f"{notification.subject}\n{_with_link(notification)}"}}
        answer = post_json(notification.address, payload, str(notification.uuid), settings.NOTIFY_HTTP_TIMEOUT)
        if answer.get("errcode", 0) != 0:
            raise PermanentChannelError(f"robot refused: {answer.get('errcode')} {answer.get('errmsg', '')}")
        return str(answer.get("msgid") or notification.uuid)


def get_channel(name):
    """The channel object configured for `name` (settings.NOTIFY_CHANNELS); KeyError for an unknown channel."""
    return import_string(settings.NOTIFY_CHANNELS[name])()
