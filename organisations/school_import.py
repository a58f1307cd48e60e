"""Schools from the DfE's register (Get Information about Schools), in its CSV column layout.

Columns used: URN, LA (code), EstablishmentNumber (LAESTAB is the two together),
EstablishmentName, TypeOfEstablishment (name), PhaseOfEducation (name), Trusts (name); and, if
present, Postcode, NumberOfPupils and EstablishmentStatus (name). Rows of other LAs are skipped
(the national file holds every LA). Schools are matched by URN: new ones are added, changed
ones updated, the same ones left alone.
"""

from django.db import transaction

from approvision.text import has_hidden_controls
from organisations.csv_import import ImportResult, read_rows
from organisations.la_codes import la_codes_record
from organisations.models import LocalAuthority, School, Trust

COLUMNS = [
    "URN",
    "LA (code)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)",
    "Trusts (name)",
]

PHASES = {
    "nursery": School.Phase.NURSERY,
    "primary": School.Phase.PRIMARY,
    "middle deemed primary": School.Phase.MIDDLE,
    "middle deemed secondary": School.Phase.MIDDLE,
    "secondary": School.Phase.SECONDARY,
    "all-through": School.Phase.ALL_THROUGH,
    "16 plus": School.Phase.SIXTEEN_PLUS,
}
TYPES = {
    "community school": School.Type.COMMUNITY,
    "voluntary aided school": School.Type.VOLUNTARY_AIDED,
    "voluntary controlled school": School.Type.VOLUNTARY_CONTROLLED,
    "foundation school": School.Type.FOUNDATION,
    "academy converter": School.Type.ACADEMY_CONVERTER,
    "academy sponsor led": School.Type.ACADEMY_SPONSOR_LED,
    "free schools": School.Type.FREE_SCHOOL,
    "free school": School.Type.FREE_SCHOOL,
    "community special school": School.Type.COMMUNITY_SPECIAL,
    "academy special converter": School.Type.ACADEMY_SPECIAL,
    "academy special sponsor led": School.Type.ACADEMY_SPECIAL,
    "free schools special": School.Type.ACADEMY_SPECIAL,
}
ACADEMIES = {
    School.Type.ACADEMY_CONVERTER,
    School.Type.ACADEMY_SPONSOR_LED,
    School.Type.FREE_SCHOOL,
    School.Type.ACADEMY_SPECIAL,
}
FIELDS = ["laestab", "name", "phase", "type", "postcode", "pupils_on_roll", "is_open"]


def school_import_check(*, la: LocalAuthority, content: bytes) -> ImportResult:
    result = ImportResult()
    rows = read_rows(content, COLUMNS, result)
    existing = {s.urn: s for s in School.objects.filter(urn__in=[r["URN"] for _, r in rows])}
    laestabs = dict(School.objects.values_list("laestab", "urn"))
    seen: dict[str, int] = {}
    for number, row in rows:
        if row["LA (code)"] != la.code:
            result.skipped += 1
            continue
        urn = row["URN"]
        if not (urn.isdigit() and len(urn) == 6):
            result.error(number, f"URN “{urn[:20]}” must be 6 digits")
            continue
        if urn in seen:
            result.error(number, f"URN {urn} is already on row {seen[urn]}")
            continue
        seen[urn] = number
        number_in_la = row["EstablishmentNumber"]
        if not (number_in_la.isdigit() and len(number_in_la) == 4):
            result.error(number, "EstablishmentNumber must be 4 digits")
            continue
        laestab = la.code + number_in_la
        if laestabs.get(laestab, urn) != urn:
            result.error(
                number, f"LAESTAB {laestab} belongs to another school (URN {laestabs[laestab]})"
            )
            continue
        if not row["EstablishmentName"]:
            result.error(number, "The school has no name")
            continue
        if has_hidden_controls(row["EstablishmentName"]) or has_hidden_controls(
            row["Trusts (name)"]
        ):
            # Hardening finding 5: a name must read as it is shown, in every page title.
            result.error(
                number, "The school's or trust's name has control or text-direction characters"
            )
            continue
        phase = PHASES.get(row["PhaseOfEducation (name)"].lower())
        if phase is None:
            result.error(
                number, f"Phase “{row['PhaseOfEducation (name)'][:40]}” is not one we know"
            )
            continue
        kind = TYPES.get(row["TypeOfEstablishment (name)"].lower())
        if kind is None:
            result.error(
                number,
                f"Type “{row['TypeOfEstablishment (name)'][:40]}” is not a school we hold "
                "(independent schools and colleges are not imported)",
            )
            continue
        trust = row["Trusts (name)"]
        if (kind in ACADEMIES) != bool(trust):
            result.error(
                number,
                "An academy or free school needs its trust; a maintained school has none",
            )
            continue
        try:
            on_roll = int(row.get("NumberOfPupils") or 0)
        except ValueError:
            result.error(number, "NumberOfPupils must be a whole number")
            continue
        values = {
            "laestab": laestab,
            "name": row["EstablishmentName"][:200],
            "phase": phase,
            "type": kind,
            "postcode": row.get("Postcode", "")[:8],
            "pupils_on_roll": on_roll,
            "is_open": row.get("EstablishmentStatus (name)", "Open").lower().startswith("open"),
        }
        school = existing.get(urn)
        if school is not None and school.la_id != la.pk:
            result.error(number, f"URN {urn} is a school of another local authority")
            continue
        current_trust = school.trust.name if school is not None and school.trust else ""
        if school is None:
            result.added += 1
        elif any(getattr(school, f) != values[f] for f in FIELDS) or current_trust != trust:
            result.changed += 1
        else:
            result.unchanged += 1
            continue
        result.plan.append((urn, values, trust))
    return result


@transaction.atomic
def school_import_apply(*, la: LocalAuthority, checked: ImportResult) -> None:
    if not checked.ok:
        raise ValueError("Only a file with no problems is imported")
    # The register names the LA: its code joins the list UPNs are checked against.
    la_codes_record([(la.code, la.name)])
    trusts = {}
    for urn, values, trust_name in checked.plan:
        trust = None
        if trust_name:
            trust = trusts.get(trust_name) or Trust.objects.filter(name=trust_name).first()
            if trust is None:
                trust = Trust.objects.create(name=trust_name)
            trusts[trust_name] = trust
        School.objects.update_or_create(urn=urn, defaults={**values, "la": la, "trust": trust})
