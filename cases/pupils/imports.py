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

from django.db import transaction

from approvision.records import Refused
from cases.exclusions.models import LEGACY_REASONS, Exclusion, ExclusionReason
from cases.exclusions.services import exclusion_record
from cases.pupils.identifiers import upn_normalise, upn_validator
from cases.pupils.models import Pupil
from cases.pupils.services import current_school, pupil_create, pupil_update
from organisations.csv_import import ImportResult, parse_date, read_rows
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


def _one_row(number, row, *, user, schools, result, pupils_seen, rows_seen):
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
    if upn in pupils_seen:
        earlier_number, earlier = pupils_seen[upn]
        if earlier != details:
            raise RowProblem(f"The pupil's details differ from row {earlier_number}")
        pupil = Pupil.objects.get(la_id=school.la_id, upn=upn)
    else:
        try:
            joined_on = parse_date(row["Admission Date"])
        except ValueError as error:
            raise RowProblem(f"Admission Date: {error}") from error
        pupil = Pupil.objects.filter(la_id=school.la_id, upn=upn).first()
        if pupil is None:
            pupil = pupil_create(by=user, school=school, joined_on=joined_on, upn=upn, **details)
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
        pupils_seen[upn] = (number, details)
    if exclusion is not None:
        exists = Exclusion.objects.filter(
            pupil=pupil,
            school=school,
            kind=exclusion["kind"],
            start_date=exclusion["start_date"],
        ).exists()
        if exists:
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


def pupil_import(*, user, content: bytes, apply: bool) -> ImportResult:
    """Check (apply=False) or apply a file. Either way every row goes through the services; only
    an apply with no problems is committed."""
    result = ImportResult()
    rows = read_rows(content, COLUMNS, result)
    if not result.ok:
        return result
    schools = {s.urn: s for s in School.objects.visible_to(user).filter(is_open=True)}
    pupils_seen: dict[str, tuple[int, dict]] = {}
    rows_seen: dict[tuple, int] = {}
    try:
        with transaction.atomic():
            for number, row in rows:
                try:
                    with transaction.atomic():
                        _one_row(
                            number,
                            row,
                            user=user,
                            schools=schools,
                            result=result,
                            pupils_seen=pupils_seen,
                            rows_seen=rows_seen,
                        )
                except (RowProblem, Refused) as problem:
                    result.error(number, str(problem))
            if not apply or not result.ok:
                raise _Rollback
    except _Rollback:
        pass
    return result
