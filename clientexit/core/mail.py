"""Email drafts (``.eml``) a mail client opens ready to check and send.

Three drafts: the letter, the referral email and the follow-up after the call.
Each is a plain-text UTF-8 message from you (``consultant``) to the client's
contact, with the subject from ``titles.txt.j2`` and the body from the same
Markdown the other exports use (:func:`render.markdown_to_text`), so the email
and the printed letter cannot disagree.

``X-Unsent: 1`` makes Outlook, Apple Mail and Thunderbird open the file as a
draft (with a Send button) instead of as a received message. The Message-ID
names a domain explicitly: the standard library's default would look up this
computer's name on the network, and clientexit makes no network calls.

Nothing here sends mail. A missing or unusable address still gives a draft
(with an empty ``To``, for instance); :func:`warnings` says what is missing so
the command line can tell the user.

The standard library's ``email`` package is imported where it is used, so that
importing this module costs nothing at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from clientexit.core import languages, render

if TYPE_CHECKING:
    from email.headerregistry import Address
    from email.message import EmailMessage

    from clientexit.core.model import Case

DRAFTS: tuple[str, ...] = ("letter", "referral", "followup")
"""What can be written as an email draft, by the names ``render.export`` uses."""

FALLBACK_DOMAIN = "clientexit.invalid"
"""The Message-ID's domain when your own email address gives none (``.invalid`` is
reserved: it can never belong to anyone)."""

MAX_LINE_BYTES = 998
"""The longest line a mail message may carry (RFC 5322), line end not counted."""

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")


def _ascii_domain(domain: str) -> str | None:
    """The domain as it travels in a header (``łódź.pl`` as ``xn--dd-3ja6f.pl``), or None."""
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return ascii_domain if _DOMAIN.fullmatch(ascii_domain) else None


def _address(name: str, email: str) -> Address | None:
    """One address header value, or None when ``email`` is not a usable address.

    Names of every script are kept (Wiśniewska, Öberg); the header encoding is
    the email package's job. A domain with non-ASCII letters is written in its
    ASCII form, which every mail client understands.
    """
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    name = " ".join(name.split())
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or any(ch.isspace() or ord(ch) < 32 for ch in local):
        return None
    ascii_domain = _ascii_domain(domain)
    if ascii_domain is None:
        return None
    try:
        return Address(display_name=name, username=local, domain=ascii_domain)
    except (ValueError, IndexError, HeaderParseError):
        return None


def _message_id_domain(case: Case) -> str:
    """The domain of your own email address, else :data:`FALLBACK_DOMAIN`."""
    _, at, domain = case.consultant.email.strip().rpartition("@")
    return (_ascii_domain(domain) if at else None) or FALLBACK_DOMAIN


def _markdown(case: Case, what: str) -> str:
    if what == "letter":
        return render.render_letter(case)
    if what == "referral":
        return render.referral_email(case)
    return render.render_followup(case)


_SUBJECT_LINE = re.compile(
    r"\A\s*\*\*(?:"
    + "|".join(re.escape(label) for label in languages.SUBJECT_LABELS.values())
    + r"):\*\*[^\n]*\n+"
)


def _body(markdown: str) -> str:
    """The email's text: the Markdown as plain text, without its own ``Subject:`` line
    (the subject is a header in an email)."""
    return render.markdown_to_text(_SUBJECT_LINE.sub("", markdown, count=1))


def warnings(case: Case, what: str) -> list[str]:
    """What the draft of ``what`` will lack, in words for the user; ``[]`` when nothing."""
    found: list[str] = []
    client = case.client
    if not client.email.strip():
        found.append("the client has no email address, so the draft has no recipient (To)")
    elif _address(client.contact or client.name, client.email) is None:
        found.append(
            f"the client's email address {client.email.strip()!r} is not usable, "
            "so the draft has no recipient (To)"
        )
    own = case.consultant
    if not own.email.strip():
        found.append("you have no email address in the case, so the draft has no sender (From)")
    elif _address(own.name, own.email) is None:
        found.append(
            f"your email address {own.email.strip()!r} is not usable, "
            "so the draft has no sender (From)"
        )
    if what == "referral" and not render.referral_email(case):
        found.append("the case gives no referral, so the referral draft has no text")
    return found


def _message(case: Case, what: str, *, now: datetime | None) -> EmailMessage:
    import email.utils
    from email.message import EmailMessage

    if what not in DRAFTS:
        raise ValueError(f"Cannot write {what!r} as an email: choose one of {', '.join(DRAFTS)}.")
    message = EmailMessage()
    sender = _address(case.consultant.name, case.consultant.email)
    if sender is not None:
        message["From"] = sender
    recipient = _address(case.client.contact or case.client.name, case.client.email)
    # An empty To keeps the draft valid; the user fills it in the mail client.
    message["To"] = recipient if recipient is not None else ""
    message["Subject"] = render.titles(case)[f"{what}_subject"]
    when = now if now is not None else datetime.now().astimezone()
    message["Date"] = email.utils.format_datetime(when)
    message["Message-ID"] = email.utils.make_msgid(domain=_message_id_domain(case))
    message["X-Unsent"] = "1"
    text = _body(_markdown(case, what))
    # UTF-8 as it is (8bit) keeps the .eml readable in any text editor; a line longer
    # than mail allows (998 bytes) needs quoted-printable, which mail clients decode.
    longest = max((len(line.encode("utf-8")) for line in text.splitlines()), default=0)
    cte = "8bit" if longest <= MAX_LINE_BYTES else "quoted-printable"
    message.set_content(text, charset="utf-8", cte=cte)
    return message


def letter_message(case: Case, *, now: datetime | None = None) -> EmailMessage:
    """The letter as an email draft to the client's contact (from you)."""
    return _message(case, "letter", now=now)


def referral_message(case: Case, *, now: datetime | None = None) -> EmailMessage:
    """The referral email as a draft to the client's contact.

    The email gives the client the colleague's details and offers an introduction
    (see ``referral_email.md.j2``); it is not the introduction itself. So it goes
    to the client only, with no Cc to the colleague: copying them would hand the
    client's address, and the news that the work is ending, to a third party
    before the client has said they want to be introduced.
    """
    return _message(case, "referral", now=now)


def followup_message(case: Case, *, now: datetime | None = None) -> EmailMessage:
    """The follow-up after the call as an email draft to the client's contact."""
    return _message(case, "followup", now=now)


MESSAGES: dict[str, Callable[..., EmailMessage]] = {
    "letter": letter_message,
    "referral": referral_message,
    "followup": followup_message,
}
"""Each draft's maker, by the names in :data:`DRAFTS`."""


def message_bytes(message: EmailMessage) -> bytes:
    """The draft as the bytes of an ``.eml`` file: CRLF line ends, headers encoded for SMTP."""
    import email.policy

    policy = email.policy.SMTP
    addresses = [
        address
        for header in ("From", "To")
        if header in message
        for address in getattr(message[header], "addresses", ())
    ]
    if not all(address.addr_spec.isascii() for address in addresses):
        # A mailbox name in non-Latin letters (jürgen@...) cannot be written in
        # plain ASCII headers; SMTPUTF8 keeps it as UTF-8, which current mail clients read.
        policy = email.policy.SMTPUTF8
    return message.as_bytes(policy=policy)


def draft_bytes(case: Case, what: str, *, now: datetime | None = None) -> bytes:
    """The draft of ``what`` (one of :data:`DRAFTS`) as ``.eml`` bytes."""
    if what not in DRAFTS:
        raise ValueError(f"Cannot write {what!r} as an email: choose one of {', '.join(DRAFTS)}.")
    return message_bytes(MESSAGES[what](case, now=now))
