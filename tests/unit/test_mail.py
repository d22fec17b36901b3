"""Email drafts (clientexit.core.mail), read back with the standard library's own parser.

Every draft is parsed from its bytes by ``email.parser.BytesParser`` with the
default policy, as a mail client would read the .eml file: headers decoded,
names in Polish and Swedish intact, the body decoded from its transfer encoding.
"""

from __future__ import annotations

import email.policy
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from clientexit.core import mail, render
from clientexit.core.model import Case, Outcome, ReferralMode
from clientexit.core.validate import load_case

MakeCase = Callable[[], Case]

NOW = datetime(2026, 11, 28, 11, 5, 0, tzinfo=UTC)
SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """make_msgid without a domain would ask the network for this computer's name."""

    def refuse(*args: object) -> str:
        raise AssertionError("a DNS lookup was made")

    monkeypatch.setattr(socket, "getfqdn", refuse)


def parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text = part.get_content()
    assert isinstance(text, str)
    # The body travels with CRLF line ends, as mail does; compare it line by line.
    return text.replace("\r\n", "\n")


def test_letter_draft_headers_and_body(make_case: MakeCase) -> None:
    case = make_case()
    data = mail.draft_bytes(case, "letter", now=NOW)
    message = parse(data)
    assert message["From"] == "Sam Rivera <sam@rivera.example>"
    assert message["To"] == "Jordan Blake <jordan@acme.example>"
    assert message["Subject"] == "Website retainer: end of service on 30 November 2026"
    assert message["Date"].datetime == NOW
    assert message["X-Unsent"] == "1"
    assert message["Message-ID"].endswith("@rivera.example>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    text = body(message)
    assert text.startswith("Dear Jordan,\n")  # the subject is a header, not a body line
    assert "Subject:" not in text
    assert "30 November 2026" in text
    assert "**" not in text and "\\\n" not in text
    for incident in case.reasons.incidents:
        for sentence in incident.note.splitlines():
            assert sentence not in text
            assert sentence.encode() not in data


def test_draft_bytes_end_lines_with_crlf(make_case: MakeCase) -> None:
    data = mail.draft_bytes(make_case(), "letter", now=NOW)
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("sample", "sender", "recipient"),
    [
        (
            "piekarnia-lodzka-2026-11-27.toml",
            "Katarzyna Nowak <kasia@nowakstudio.example>",
            "Zofia Wiśniewska",
        ),
        ("oresund-mobler-ab-2026-12-04.toml", "Ingrid Dahl <ingrid@dahlux.example>", "Åsa"),
    ],
)
def test_names_in_other_alphabets_survive(sample: str, sender: str, recipient: str) -> None:
    case = load_case(SAMPLES / sample)
    data = mail.draft_bytes(case, "letter", now=NOW)
    headers, _, _ = data.partition(b"\r\n\r\n")
    assert headers.isascii()  # names encoded for mail; the body is UTF-8 (8bit)
    message = parse(data)
    assert message["From"] == sender
    assert str(message["To"]).startswith(recipient)
    assert message["To"].addresses[0].addr_spec == case.client.email
    assert case.client.contact.split()[0] in body(message)


def test_non_ascii_domain_is_written_in_its_ascii_form(make_case: MakeCase) -> None:
    case = make_case()
    case.client.email = "zofia@łódź.example"
    message = parse(mail.draft_bytes(case, "letter", now=NOW))
    assert message["To"].addresses[0].domain == "łódź".encode("idna").decode() + ".example"
    assert message["To"].addresses[0].domain.startswith("xn--")


def test_non_ascii_mailbox_name_is_kept(make_case: MakeCase) -> None:
    case = make_case()
    case.client.email = "jürgen@moebel.example"
    data = mail.draft_bytes(case, "letter", now=NOW)
    # No ASCII form exists for such a mailbox: the header is UTF-8 (RFC 6532), which the
    # standard library's parser hands back as escaped bytes.
    assert "To: Jordan Blake <jürgen@moebel.example>\r\n".encode() in data
    spec = parse(data)["To"].addresses[0].addr_spec
    assert spec.encode("ascii", "surrogateescape").decode("utf-8") == "jürgen@moebel.example"


def test_referral_draft_goes_to_the_client_only(make_case: MakeCase) -> None:
    case = make_case()
    message = parse(mail.draft_bytes(case, "referral", now=NOW))
    assert message["To"] == "Jordan Blake <jordan@acme.example>"
    assert message["Cc"] is None
    assert message["Subject"] == "Introduction: The Good Business"
    assert "hello@goodbusiness.example" in body(message)


def test_followup_draft_confirms_what_was_agreed(make_case: MakeCase) -> None:
    case = make_case()
    case.outcome = Outcome(date=date(2026, 11, 28), agreed="Jordan sends the DNS login today.")
    message = parse(mail.draft_bytes(case, "followup", now=NOW))
    assert message["Subject"] == "Following up on our call: end of service on 30 November 2026"
    text = body(message)
    assert "Jordan sends the DNS login today." in text
    assert "30 November 2026" in text and "30 December 2026" in text
    assert text == render.markdown_to_text(
        render.render_followup(case).split("\n", 2)[2]  # without the subject line
    )


def test_the_message_functions_match_draft_bytes(make_case: MakeCase) -> None:
    case = make_case()
    for what, make in (
        ("letter", mail.letter_message),
        ("referral", mail.referral_message),
        ("followup", mail.followup_message),
    ):
        made = make(case, now=NOW)
        assert made["Subject"] == render.titles(case)[f"{what}_subject"]
        assert body(parse(mail.message_bytes(made))) == body(
            parse(mail.draft_bytes(case, what, now=NOW))
        )


def test_missing_addresses_still_give_a_draft_with_warnings(make_case: MakeCase) -> None:
    case = make_case()
    case.client.email = ""
    case.consultant.email = ""
    message = parse(mail.draft_bytes(case, "letter", now=NOW))
    assert message["To"] == ""
    assert message["From"] is None
    assert message["Message-ID"].endswith("@clientexit.invalid>")
    assert "30 November 2026" in body(message)
    warnings = mail.warnings(case, "letter")
    assert len(warnings) == 2
    assert "no recipient (To)" in warnings[0]
    assert "no sender (From)" in warnings[1]


def test_an_unusable_address_is_named_in_the_warning(make_case: MakeCase) -> None:
    case = make_case()
    case.client.email = "jordan at acme"
    assert parse(mail.draft_bytes(case, "letter", now=NOW))["To"] == ""
    assert mail.warnings(case, "letter") == [
        "the client's email address 'jordan at acme' is not usable, "
        "so the draft has no recipient (To)"
    ]


def test_a_case_without_referral_warns_about_an_empty_referral_draft(make_case: MakeCase) -> None:
    case = make_case()
    case.referral.mode = ReferralMode.NONE
    assert mail.warnings(case, "referral") == [
        "the case gives no referral, so the referral draft has no text"
    ]
    assert mail.warnings(case, "letter") == []


def test_only_the_three_drafts_exist(make_case: MakeCase) -> None:
    assert mail.DRAFTS == ("letter", "referral", "followup")
    with pytest.raises(ValueError, match="choose one of letter, referral, followup"):
        mail.draft_bytes(make_case(), "script")


def test_a_line_too_long_for_mail_is_quoted_printable(make_case: MakeCase) -> None:
    case = make_case()
    assert parse(mail.draft_bytes(case, "followup"))["Content-Transfer-Encoding"] == "8bit"
    case.outcome.agreed = "Jordan keeps the Zürich photos. " * 40
    data = mail.draft_bytes(case, "followup", now=NOW)
    message = parse(data)
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert max(len(line) for line in data.split(b"\r\n")) <= 78
    assert "Jordan keeps the Zürich photos. Jordan keeps" in body(message)


def test_date_defaults_to_now_with_an_offset(make_case: MakeCase) -> None:
    message = parse(mail.draft_bytes(make_case(), "letter"))
    assert message["Date"].datetime.tzinfo is not None


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_language_keeps_its_subject_in_the_header_only(sample: Path) -> None:
    case = load_case(sample)
    case.outcome = Outcome(date=case.call.date, agreed="")
    for draft in (mail.letter_message, mail.followup_message):
        message = parse(mail.message_bytes(draft(case, now=datetime(2026, 11, 22, tzinfo=UTC))))
        subject = str(message["Subject"])
        assert subject
        text = body(message)
        # The document's own "**Subject:** ..." line (in the case's language) is dropped.
        assert subject not in text.splitlines()[0]
        assert not text.lstrip().startswith(("Subject", "Oggetto", "Temat", "Asunto", "Ämne"))
