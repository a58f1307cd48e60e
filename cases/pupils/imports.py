"""Pupils and their exclusions from a school information system's CSV export (one row per
exclusion; a pupil without one has the exclusion columns empty).

Columns: UPN, Legal Surname, Legal Forename, Preferred Surname, Preferred Forename, DOB, Gender
(M, F or U), Ethnicity (DfE code), SEN Status (N, K or E), FSM Eligible (Y or N), School URN,
Admission Date; and for an exclusion: Exclusion Category (FIXD, PERM or LNCH), Exclusion Start
Date, Exclusion End Date, Exclusion Sessions, Exclusion Reason (DfE codes, up to 3, separated by
semicolons), Decided By. Dates as 03/09/2026.

The check runs every row through the same services as the pages, in a transaction it then rolls
back, so a rule only the service knows (sessions the school did not hold, a UPN the LA already
has at another school) is reported with its row before anything is kept. Applying runs the same
and commits only when no row has a problem. Pupils are matched by UPN, exclusions by pupil,
school, category and start date: a second import of the same file changes nothing.
"""

from contextlib import nullcontext

from django.db import transaction

from approvision.records import Refused
from cases.exclusions.models import LEGACY_REASONS, Exclusion, ExclusionReason
from cases.exclusions.services import exclusion_record
from cases.pupils.identifiers import upn_normalise, upn_validator
from cases.pupils.models import Pupil
from cases.pupils.services import current_school, pupil_create, pupil_update
from organisations.csv_import import ImportResult, parse_date, read_rows
from organisations.import_jobs import ImportKind, import_kind_register
from organisations.models import School

COLUMNS = [
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "DOB",
    "Gender",
    "School URN",
    "Admission Date",
]
YES = {"y": True, "yes": True, "t": True, "true": True, "1": True}
NO = {"n": False, "no": False, "f": False, "false": False, "0": False, "": False}
REASONS = set(ExclusionReason.values) | set(LEGACY_REASONS)


class RowProblem(Exception):
    pass


class _Rollback(Exception):
    pass


def _details(row: dict) -> dict:
    sex = row["Gender"].upper()[:1]
    if sex not in Pupil.Sex.values:
        raise RowProblem("Gender must be M, F or U")
    ethnicity = (row.get("Ethnicity") or "NOBT").upper()
    if ethnicity not in Pupil.Ethnicity.values:
        raise RowProblem(f"Ethnicity “{ethnicity[:10]}” is not a DfE ethnicity code")
    sen = (row.get("SEN Status") or "N").upper()
    if sen not in Pupil.SenStatus.values:
        raise RowProblem("SEN Status must be N, K or E")
    fsm = (row.get("FSM Eligible") or "").lower()
    if fsm not in YES and fsm not in NO:
        raise RowProblem("FSM Eligible must be Y or N")
    if not row["Legal Surname"] or not row["Legal Forename"]:
        raise RowProblem("The pupil's legal surname and forename are both needed")
    try:
        born = parse_date(row["DOB"])
    except ValueError as error:
        raise RowProblem(f"DOB: {error}") from error
    return {
        "legal_last_name": row["Legal Surname"][:100],
        "legal_first_name": row["Legal Forename"][:100],
        "preferred_last_name": (row.get("Preferred Surname") or "")[:100],
        "preferred_first_name": (row.get("Preferred Forename") or "")[:100],
        "date_of_birth": born,
        "sex": sex,
        "ethnicity": ethnicity,
        "sen_status": sen,
        "free_school_meals": YES.get(fsm, False),
    }


def _exclusion(row: dict) -> dict | None:
    kind = (row.get("Exclusion Category") or "").upper()
    if not kind:
        return None
    if kind not in Exclusion.Kind.values:
        raise RowProblem("Exclusion Category must be FIXD, PERM or LNCH")
    reasons = [r.strip().upper() for r in (row.get("Exclusion Reason") or "").split(";") if r]
    if not 1 <= len(reasons) <= 3:
        raise RowProblem("Give 1 to 3 exclusion reasons (DfE codes, separated by semicolons)")
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        raise RowProblem(f"“{unknown[0][:10]}” is not a DfE exclusion reason code")
    try:
        start = parse_date(row.get("Exclusion Start Date") or "")
        end = parse_date(row["Exclusion End Date"]) if row.get("Exclusion End Date") else None
    except ValueError as error:
        raise RowProblem(f"Exclusion dates: {error}") from error
    sessions = row.get("Exclusion Sessions") or ""
    if sessions and not sessions.isdigit():
        raise RowProblem("Exclusion Sessions must be a whole number of half-day sessions")
    return {
        "kind": kind,
        "start_date": start,
        "end_date": end,
        "sessions": int(sessions) if sessions else None,
        "reasons": reasons,
        "decided_by": (row.get("Decided By") or "Headteacher")[:200],
    }


class _Known:
    """The file's pupils already held and their exclusions, read in a few queries up front
    rather than one a row; pupils added by earlier rows join as they are made."""

    CHUNK = 5000

    def __init__(self, rows, schools):
        las = {school.la_id for school in schools.values()}
        upns = sorted({upn_normalise(row.get("UPN", "")) for _, row in rows})
        self.pupils: dict[tuple[int, str], Pupil] = {}
        for at in range(0, len(upns), self.CHUNK):
            for pupil in Pupil.objects.filter(la_id__in=las, upn__in=upns[at : at + self.CHUNK]):
                self.pupils[(pupil.la_id, pupil.upn)] = pupil
        ids = [pupil.pk for pupil in self.pupils.values()]
        self.exclusions: set[tuple] = set()
        for at in range(0, len(ids), self.CHUNK):
            self.exclusions.update(
                Exclusion.objects.filter(pupil_id__in=ids[at : at + self.CHUNK]).values_list(
                    "pupil_id", "school_id", "kind", "start_date"
                )
            )
        self.new: set[int] = set()
        self.made: Pupil | None = None

    def keep(self) -> None:
        """The row went in: the pupil it made is there for the rows after it."""
        if self.made is not None:
            self.pupils[(self.made.la_id, self.made.upn)] = self.made
            self.new.add(self.made.pk)
            self.made = None


def _one_row(number, row, *, user, schools, result, pupils_seen, rows_seen, known):
    upn = upn_normalise(row["UPN"])
    try:
        upn_validator(upn)
    except Exception as error:
        raise RowProblem(f"UPN “{row['UPN'][:20]}”: {' '.join(error.messages)}") from error
    school = schools.get(row["School URN"])
    if school is None:
        raise RowProblem(f"No school you may import for has URN “{row['School URN'][:10]}”")
    details = _details(row)
    exclusion = _exclusion(row)
    key = (upn, exclusion["kind"], exclusion["start_date"]) if exclusion else (upn,)
    if key in rows_seen:
        raise RowProblem(f"This row repeats row {rows_seen[key]}")
    rows_seen[key] = number
    pupil = known.pupils.get((school.la_id, upn))
    if upn in pupils_seen:
        earlier_number, earlier = pupils_seen[upn]
        if earlier != details:
            raise RowProblem(f"The pupil's details differ from row {earlier_number}")
    else:
        try:
            joined_on = parse_date(row["Admission Date"])
        except ValueError as error:
            raise RowProblem(f"Admission Date: {error}") from error
        if pupil is None:
            pupil = pupil_create(by=user, school=school, joined_on=joined_on, upn=upn, **details)
            known.made = pupil  # kept once the whole row has gone in
            result.added += 1
        else:
            at = current_school(pupil)
            if at is None or at.pk != school.pk:
                where = at.name if at else "no school"
                raise RowProblem(f"This UPN is on the roll of {where}: record the move first")
            if any(getattr(pupil, name) != value for name, value in details.items()):
                pupil_update(pupil=pupil, by=user, version=pupil.version, **details)
                result.changed += 1
            else:
                result.unchanged += 1
    if exclusion is not None:
        held = (pupil.pk, school.pk, exclusion["kind"], exclusion["start_date"])
        if pupil.pk not in known.new and held in known.exclusions:
            result.unchanged += 1
        else:
            exclusion_record(
                by=user,
                pupil=pupil,
                school=school,
                allow_legacy_reasons=True,
                # History from a school's records: the file is the reason it is recorded now.
                late_reason="Imported from the school's records",
                **exclusion,
            )
            result.added += 1
    pupils_seen.setdefault(upn, (number, details))


MAX_ROWS = 300_000


def pupil_import(*, user, content: bytes, apply: bool, progress=None) -> ImportResult:
    """Check (apply=False) or apply a file. Either way every row goes through the services; only
    an apply with no problems is committed. `progress(done, total)` hears how far it has got."""
    result = ImportResult()
    rows = read_rows(content, COLUMNS, result, max_rows=MAX_ROWS)
    if not result.ok:
        return result
    schools = {s.urn: s for s in School.objects.visible_to(user).filter(is_open=True)}
    pupils_seen: dict[str, tuple[int, dict]] = {}
    rows_seen: dict[tuple, int] = {}
    known = _Known(rows, schools)
    total = len(rows)
    try:
        with transaction.atomic():
            for done, (number, row) in enumerate(rows):
                if progress is not None:
                    progress(done, total)
                try:
                    # A row with an exclusion writes twice (the pupil, then the exclusion): it
                    # needs a savepoint of its own. A pupil alone is written by one service,
                    # which has its own.
                    whole_row = (
                        transaction.atomic() if row.get("Exclusion Category") else nullcontext()
                    )
                    with whole_row:
                        _one_row(
                            number,
                            row,
                            user=user,
                            schools=schools,
                            result=result,
                            pupils_seen=pupils_seen,
                            rows_seen=rows_seen,
                            known=known,
                        )
                    known.keep()
                except (RowProblem, Refused) as problem:
                    known.made = None  # rolled back with its row
                    result.error(number, str(problem))
            if progress is not None:
                progress(total, total)
            if not apply or not result.ok:
                raise _Rollback
    except _Rollback:
        pass
    return result


def _check(*, job, files, progress) -> ImportResult:
    return pupil_import(user=job.requested_by, content=files[""], apply=False, progress=progress)


def _apply(*, job, files, progress) -> ImportResult:
    return pupil_import(user=job.requested_by, content=files[""], apply=True, progress=progress)


PUPILS = ImportKind(
    name="pupils",
    title="Import pupils and exclusions",
    start_url="cases:pupil_import",
    done_url="cases:pupil_list",
    done_label="Go to pupils",
    permissions=("cases.add_pupil", "cases.add_exclusion"),
    check=_check,
    apply=_apply,
    # A whole LA's export: 200,000 pupils and their exclusions is about 40 MB.
    max_bytes=60 * 1024 * 1024,
)


def register() -> None:
    import_kind_register(PUPILS)
