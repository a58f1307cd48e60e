"""The demo LA's letters to parents and people's choices of how they are told, through the same
services as real ones. (The messages themselves come from the demo's referrals, placements, Fair
Access cases and tasks, made through their services: `make run`'s worker sends them to the
local Notify, and reads back their delivery.)"""

from pathlib import Path

from cases.notices.letters import LETTER_KINDS, letter_send
from cases.notices.models import Letter
from cases.notices.services import preferences_save
from demo.cases import named_pupils
from demo.organisations import DemoContext
from organisations.models import User
from panels.models import Decision


def _address(pupil, number: int) -> str:
    postcode = pupil.home_postcode or "NM1 4AB"
    return f"{number} Station Road\nHarbridge\nNorthmoor\n{postcode}"


def load(context: DemoContext, *, var_dir: Path) -> None:
    la = context.las["929"]
    if Letter.objects.filter(la=la).exists():
        return  # loaded before
    officer = User.objects.get(username="officer")
    wanted = []
    kai = named_pupils(la).get("Thompson")
    if kai is not None:
        # Kai's permanent exclusion: the LA's notice of his education from the 6th day.
        wanted.append((kai, "sixth_day", "Ms L Thompson", Letter.SentBy.NOTIFY))
    decided = (
        Decision.objects.filter(
            outcome=Decision.Outcome.APPROVE,
            item__meeting__la=la,
            item__referral__isnull=False,
            placement__isnull=False,
        )
        .select_related("item__referral__pupil")
        .order_by("decided_at")
        .first()
    )
    if decided is not None:
        pupil = decided.item.referral.pupil
        name = f"Mr {pupil.legal_last_name}"
        wanted.append((pupil, "decision", name, Letter.SentBy.HAND))
        wanted.append((pupil, "placement", name, Letter.SentBy.NOTIFY))
    for number, (pupil, key, recipient, sent_by) in enumerate(wanted, start=3):
        records = LETTER_KINDS[key].records(officer, pupil)
        if records:
            letter_send(
                kind_key=key,
                record=records[0][0],
                pupil=pupil,
                by=officer,
                recipient=recipient,
                address=_address(pupil, number),
                sent_by=sent_by,
            )
    # The SENCO has the referral news in a morning summary; the PRU head turned off the
    # reminders of placements ending (the officers chase those).
    preferences_save(
        user=User.objects.get(username="senco"),
        modes={"referral_accepted": "daily", "task_overdue": "daily"},
    )
    preferences_save(user=User.objects.get(username="provider"), modes={"placement_ending": "off"})
