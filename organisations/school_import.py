"""Schools from the DfE's register (Get Information about Schools) as the DfE publishes it.

The establishments file (`edubasealldata*.csv`, or an LA's own download) is ISO-8859-1 text with
GIAS's own column names (docs/dfe-formats.md lists those read). Rows of other LAs are skipped, but
every row's LA code and name join the list UPNs are checked against. Rows of establishments we do
not hold (independent schools, colleges, children's centres...) are skipped and counted by type.

- Schools are matched by URN. A school that closes is kept, marked closed with its close date, and
  no longer offered for new records; a closed school we never held is not added.
- Trusts are matched by the register's Group UID ("Trusts (code)"), never by name: a trust that
  renames stays one trust, and a school that moves trust moves. The optional groups file
  (`allgroupsdata.csv`) adds each trust's name and Companies House number by Group UID.
- The check reports each school new, changed (every field, old and new value) or unchanged.
"""

from dataclasses import dataclass, field

from django.db import transaction

from approvision.text import has_hidden_controls
from organisations.csv_import import ImportResult, parse_date, read_rows
from organisations.la_codes import la_codes_record
from organisations.models import LocalAuthority, School, Trust

COLUMNS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "CloseDate",
    "PhaseOfEducation (name)",
    "Trusts (code)",
    "Trusts (name)",
]
GROUP_COLUMNS = ["Group UID", "Group Name", "Group Type"]
# The register publishes in ISO-8859-1; read as Windows-1252, its superset, a curly apostrophe in
# a name is a letter rather than a control character.
ENCODINGS = ("utf-8-sig", "cp1252", "iso-8859-1")

PHASES = {
    "nursery": School.Phase.NURSERY,
    "primary": School.Phase.PRIMARY,
    "middle deemed primary": School.Phase.MIDDLE,
    "middle deemed secondary": School.Phase.MIDDLE,
    "secondary": School.Phase.SECONDARY,
    "all-through": School.Phase.ALL_THROUGH,
    "16 plus": School.Phase.SIXTEEN_PLUS,
    # Special schools are often "Not applicable" in the register: they take every age.
    "not applicable": School.Phase.ALL_THROUGH,
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
    "foundation special school": School.Type.COMMUNITY_SPECIAL,
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
FIELDS = {
    "laestab": "LAESTAB",
    "name": "Name",
    "phase": "Phase",
    "type": "Type",
    "postcode": "Postcode",
    "pupils_on_roll": "Pupils on roll",
    "is_open": "Open",
    "closed_on": "Closed on",
}


@dataclass
class SchoolsChecked(ImportResult):
    """The import's result, with what changes: [(URN, name, [(field, old, new)])]."""

    changes: list = field(default_factory=list)
    new: list = field(default_factory=list)
    not_held: dict = field(default_factory=dict)
    la_codes: list = field(default_factory=list)
    groups: dict = field(default_factory=dict)


def _decode(content: bytes) -> bytes:
    """The file re-encoded as UTF-8 for the shared reader, whichever encoding it came in."""
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            continue
    return content  # ISO-8859-1 decodes any bytes: not reached


def _shown(name: str, value) -> str:
    if name == "is_open":
        return "Yes" if value else "No"
    if name == "closed_on":
        return f"{value:%-d %B %Y}" if value else "None"
    if name == "phase":
        return School.Phase(value).label if value else ""
    if name == "type":
        return School.Type(value).label if value else ""
    return str(value if value is not None else "")


def _groups(content: bytes | None, result: SchoolsChecked) -> dict[str, dict]:
    if not content:
        return {}
    groups = {}
    for number, row in read_rows(_decode(content), GROUP_COLUMNS, result):
        uid = row["Group UID"]
        if not uid.isdigit():
            result.error(number, f"Groups file: Group UID “{uid[:20]}” must be a number")
            continue
        if has_hidden_controls(row["Group Name"]):
            result.error(number, "Groups file: the name has control or text-direction characters")
            continue
        groups[uid] = {
            "name": row["Group Name"][:200],
            "companies_house_number": row.get("Companies House Number", "")[:8],
        }
    return groups


def _trust_of(row: dict, groups: dict, number: int, result: SchoolsChecked) -> str | None:
    uid, name = row["Trusts (code)"], row["Trusts (name)"]
    if not uid:
        return ""
    if not uid.isdigit():
        result.error(number, f"Trusts (code) “{uid[:20]}” must be the trust's Group UID")
        return None
    if has_hidden_controls(name):
        result.error(number, "The trust's name has control or text-direction characters")
        return None
    groups.setdefault(uid, {"name": name[:200]})
    return uid


# The whole register (every establishment in England, open and closed) is about 50,000 rows.
MAX_ROWS = 100_000


def school_import_check(
    *, la: LocalAuthority, content: bytes, groups: bytes | None = None, progress=None
) -> SchoolsChecked:
    result = SchoolsChecked()
    result.groups = _groups(groups, result)
    rows = read_rows(_decode(content), COLUMNS, result, max_rows=MAX_ROWS)
    existing = {
        s.urn: s
        for s in School.objects.select_related("trust").filter(urn__in=[r["URN"] for _, r in rows])
    }
    laestabs = dict(School.objects.filter(is_open=True).values_list("laestab", "urn"))
    seen: dict[str, int] = {}
    codes = {}
    for done, (number, row) in enumerate(rows):
        if progress is not None:
            progress(done, len(rows))
        codes.setdefault(row["LA (code)"], row["LA (name)"])
        if row["LA (code)"] != la.code:
            result.skipped += 1
            continue
        kind = TYPES.get(row["TypeOfEstablishment (name)"].lower())
        if kind is None:
            label = row["TypeOfEstablishment (name)"][:60] or "No type given"
            result.not_held[label] = result.not_held.get(label, 0) + 1
            continue
        urn = row["URN"]
        if not (urn.isdigit() and len(urn) == 6):
            result.error(number, f"URN “{urn[:20]}” must be 6 digits")
            continue
        if urn in seen:
            result.error(number, f"URN {urn} is already on row {seen[urn]}")
            continue
        seen[urn] = number
        status = row["EstablishmentStatus (name)"]
        is_open = status.lower().startswith("open")
        school = existing.get(urn)
        if not is_open and school is None:
            result.not_held["Closed before we held it"] = (
                result.not_held.get("Closed before we held it", 0) + 1
            )
            continue
        number_in_la = row["EstablishmentNumber"]
        if not (number_in_la.isdigit() and len(number_in_la) == 4):
            result.error(number, "EstablishmentNumber must be 4 digits")
            continue
        laestab = la.code + number_in_la
        if is_open and laestabs.get(laestab, urn) != urn:
            result.error(
                number, f"LAESTAB {laestab} belongs to another school (URN {laestabs[laestab]})"
            )
            continue
        if not row["EstablishmentName"]:
            result.error(number, "The school has no name")
            continue
        if has_hidden_controls(row["EstablishmentName"]):
            # Hardening finding 5: a name must read as it is shown, in every page title.
            result.error(number, "The school's name has control or text-direction characters")
            continue
        phase = PHASES.get(row["PhaseOfEducation (name)"].lower())
        if phase is None:
            result.error(
                number, f"Phase “{row['PhaseOfEducation (name)'][:40]}” is not one we know"
            )
            continue
        trust_uid = _trust_of(row, result.groups, number, result)
        if trust_uid is None:
            continue
        if (kind in ACADEMIES) != bool(trust_uid):
            result.error(
                number, "An academy or free school needs its trust; a maintained school has none"
            )
            continue
        try:
            on_roll = int(row.get("NumberOfPupils") or 0)
            closed_on = parse_date(row["CloseDate"]) if row["CloseDate"] else None
        except ValueError as error:
            result.error(number, f"NumberOfPupils or CloseDate cannot be read: {error}")
            continue
        if not is_open and closed_on is None:
            result.error(number, f"The school is “{status[:30]}” but has no CloseDate")
            continue
        values = {
            "laestab": laestab,
            "name": row["EstablishmentName"][:200],
            "phase": phase,
            "type": kind,
            "postcode": row.get("Postcode", "")[:8],
            "pupils_on_roll": on_roll,
            "is_open": is_open,
            "closed_on": None if is_open else closed_on,
        }
        if school is not None and school.la_id != la.pk:
            result.error(number, f"URN {urn} is a school of another local authority")
            continue
        if school is None:
            result.added += 1
            result.new.append((urn, values["name"]))
            result.plan.append((urn, values, trust_uid))
            continue
        changed = [
            (label, _shown(f, getattr(school, f)), _shown(f, values[f]))
            for f, label in FIELDS.items()
            if getattr(school, f) != values[f]
        ]
        old_trust = school.trust
        if (old_trust.group_uid if old_trust else "") != trust_uid:
            new_name = result.groups[trust_uid]["name"] if trust_uid else "None"
            changed.append(("Trust", old_trust.name if old_trust else "None", new_name))
        if changed:
            result.changed += 1
            result.changes.append((urn, values["name"], changed))
            result.plan.append((urn, values, trust_uid))
        else:
            result.unchanged += 1
    result.la_codes = sorted(codes.items())
    used = {uid for _, _, uid in result.plan if uid} | set(
        School.objects.filter(la=la, trust__isnull=False).values_list("trust__group_uid", flat=True)
    )
    for trust in Trust.objects.filter(group_uid__in=used & set(result.groups)):
        if trust.name != result.groups[trust.group_uid]["name"]:
            result.changed += 1
            name = result.groups[trust.group_uid]["name"]
            result.changes.append((f"Trust {trust.group_uid}", name, [("Name", trust.name, name)]))
            result.plan.append((None, None, trust.group_uid))
    return result


def _trust(uid: str, group: dict) -> Trust:
    """The trust with this Group UID; a trust recorded before the register's keys were kept is
    claimed by its name once."""
    trust = Trust.objects.filter(group_uid=uid).first()
    if trust is None:
        trust = Trust.objects.filter(group_uid__isnull=True, name=group["name"]).first()
    if trust is None:
        trust = Trust(group_uid=uid)
    trust.group_uid = uid
    trust.name = group["name"]
    if group.get("companies_house_number"):
        trust.companies_house_number = group["companies_house_number"]
    trust.save()
    return trust


@transaction.atomic
def school_import_apply(*, la: LocalAuthority, checked: SchoolsChecked) -> None:
    if not checked.ok:
        raise ValueError("Only a file with no problems is imported")
    # The register names every LA: their codes join the list UPNs are checked against.
    la_codes_record([(la.code, la.name), *checked.la_codes])
    trusts: dict[str, Trust] = {}
    for uid in {uid for _, _, uid in checked.plan if uid}:
        trusts[uid] = _trust(uid, checked.groups[uid])
    for urn, values, uid in checked.plan:
        if urn is None:
            continue  # a trust's rename, made above
        School.objects.update_or_create(
            urn=urn, defaults={**values, "la": la, "trust": trusts.get(uid)}
        )
