"""Letters to parents and carers, made from case data.

Each app registers the kinds of letter its records give (`register_letter` in its
AppConfig.ready()): which of a pupil's records a letter can be about, the values its
((placeholders)) take from one, the service's own wording, and any warning the officer should
see before sending (a statutory notice sent too late). An LA administrator may reword any kind
(LetterTemplate); the placeholders are checked when they save. A letter is rendered to a tagged
PDF (PDF/UA, as the panel papers), kept on the pupil's record, and posted through GOV.UK Notify's
letter API or printed by the LA.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from approvision.records import Refused
from cases.notices.models import Letter, LetterTemplate, Message
from cases.notices.services import message_queue, template_for
from organisations.calendar import long_date

PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")

# Every letter may use these, whatever it is about.
COMMON_FIELDS = {
    "parent_name": "The parent or carer's name",
    "pupil_name": "The child's full name",
    "pupil_first_name": "The child's first name",
    "date": "The date of the letter",
    "la_name": "The local authority",
    "officer_name": "The officer sending it",
}


@dataclass(frozen=True)
class LetterKind:
    key: str
    label: str
    heading: str
    body: str
    fields: dict[str, str]  # placeholder -> what it is, for the template editor
    records: Callable  # (user, pupil) -> [(record, label)], the records it may be about
    values: Callable  # (record, today) -> {placeholder: text}
    warnings: Callable = field(default=lambda record, today: [])
    sample: dict[str, str] = field(default_factory=dict)  # the preview's made-up case


LETTER_KINDS: dict[str, LetterKind] = {}


def register_letter(kind: LetterKind) -> None:
    LETTER_KINDS[kind.key] = kind


def unknown_placeholders(kind: LetterKind, *texts: str) -> list[str]:
    known = set(COMMON_FIELDS) | set(kind.fields)
    return sorted({name for text in texts for name in PLACEHOLDER.findall(text)} - known)


def wording(la, kind: LetterKind) -> tuple[str, str]:
    """The LA's heading and body for a kind of letter, or the service's."""
    own = LetterTemplate.objects.filter(la=la, kind=kind.key).first()
    return (own.heading, own.body) if own else (kind.heading, kind.body)


def fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def paragraphs(body: str) -> list[dict]:
    """A letter's text as paragraphs and bulleted lists ("* " lines), for its HTML."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if lines and all(line.startswith("* ") for line in lines):
            blocks.append({"bullets": [line[2:] for line in lines]})
        elif lines:
            blocks.append({"text": " ".join(lines)})
    return blocks


def letter_html(*, la, recipient: str, address: str, heading: str, body: str, when: date) -> str:
    return render_to_string(
        "cases/letter.html",
        {
            "la": la,
            "recipient": recipient,
            "address_lines": [line.strip() for line in address.splitlines() if line.strip()],
            "heading": heading,
            "blocks": paragraphs(body),
            "date": when,
        },
    )


def letter_pdf(html: str) -> bytes:
    """Tagged (PDF/UA-1), so a screen reader reads it in order, as the panel papers."""
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def letter_values(kind: LetterKind, record, *, pupil, by, recipient: str, today: date) -> dict:
    return {
        "parent_name": recipient,
        "pupil_name": pupil.name,
        "pupil_first_name": pupil.preferred_first_name or pupil.legal_first_name,
        "date": long_date(today),
        "la_name": pupil.la.name,
        "officer_name": by.display_name,
        **kind.values(record, today),
    }


def letter_compose(
    *, kind: LetterKind, record, pupil, by, recipient: str, today: date | None = None
) -> tuple[str, str]:
    """The letter's heading and text for a record, filled from the case."""
    today = today or timezone.localdate()
    heading, body = wording(pupil.la, kind)
    values = letter_values(kind, record, pupil=pupil, by=by, recipient=recipient, today=today)
    return fill(heading, values), fill(body, values)


def address_lines(address: str) -> list[str]:
    return [line.strip() for line in address.splitlines() if line.strip()]


def check_address(recipient: str, address: str) -> None:
    errors = {}
    if not recipient.strip():
        errors["recipient"] = "Enter the parent or carer's name"
    lines = address_lines(address)
    if len(lines) < 2:
        errors["address"] = "Enter the address on at least 2 lines, with the postcode last"
    elif len(lines) > 5:
        # With the name, 6 lines: what fits Notify's address window.
        errors["address"] = "An address on a letter has at most 5 lines, besides the name"
    elif not re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", lines[-1].upper()):
        errors["address"] = "Put the postcode on the last line of the address"
    if errors:
        raise Refused.all_of(errors)


@transaction.atomic
def letter_send(
    *, kind_key: str, record, pupil, by, recipient: str, address: str, sent_by: str
) -> Letter:
    """Make the letter, keep it on the pupil's record, and post it through Notify (a
    precompiled letter, sent once the transaction commits) or leave it for the LA to print."""
    kind = LETTER_KINDS[kind_key]
    check_address(recipient, address)
    if sent_by not in Letter.SentBy.values:
        raise Refused("Choose how the letter is sent", field="sent_by")
    today = timezone.localdate()
    heading, body = letter_compose(
        kind=kind, record=record, pupil=pupil, by=by, recipient=recipient, today=today
    )
    la = pupil.la
    pdf = letter_pdf(
        letter_html(
            la=la, recipient=recipient, address=address, heading=heading, body=body, when=today
        )
    )
    letter = Letter(
        la=la,
        pupil=pupil,
        kind=kind.key,
        about=record,
        recipient=recipient.strip(),
        address="\n".join(address_lines(address)),
        heading=heading,
        body=body,
        sent_by=sent_by,
        created_by=by,
    )
    letter.pdf.save("letter.pdf", ContentFile(pdf), save=False)
    if sent_by == Letter.SentBy.NOTIFY:
        letter.message = Message.objects.create(
            la=la,
            kind=f"letter_{kind.key}"[:30],
            channel=Message.Channel.LETTER,
            statutory=True,
            to_address=", ".join(address_lines(address)[-2:])[:254],
            pupil=pupil,
            about=record,
            subject=heading[:200],
            body="",
            template_id=template_for(f"letter_{kind.key}", Message.Channel.LETTER),
        )
        message_queue(letter.message)
    letter.save()
    return letter


def letter_pdf_file(message: Message) -> io.BytesIO:
    """A letter message's PDF, for Notify's precompiled letter API."""
    with message.letter.pdf.open("rb") as handle:
        return io.BytesIO(handle.read())


@transaction.atomic
def letter_template_save(*, la, kind: LetterKind, by, heading: str, body: str, version: int):
    """An LA's wording of a kind of letter; refused if another administrator saved since."""
    unknown = unknown_placeholders(kind, heading, body)
    if unknown:
        raise Refused(
            "These are not placeholders this letter can fill: "
            + ", ".join(f"(({name}))" for name in unknown),
            field="body",
        )
    own = LetterTemplate.objects.select_for_update().filter(la=la, kind=kind.key).first()
    if (own.version if own else 0) != version:
        raise Refused(
            "Another administrator changed this letter while you were editing: reload the page "
            "to see their wording"
        )
    if own is None:
        return LetterTemplate.objects.create(
            la=la, kind=kind.key, heading=heading.strip(), body=body.strip(), updated_by=by
        )
    own.heading, own.body, own.updated_by = heading.strip(), body.strip(), by
    own.updated_at, own.version = timezone.now(), own.version + 1
    own.save()
    return own
