"""This app's imports, registered with the import jobs: the DfE register's schools and the LA's
term dates."""

from organisations.calendar_import import calendar_import_apply, calendar_import_check
from organisations.csv_import import ImportResult
from organisations.import_jobs import ImportKind, import_kind_register, written_after_check
from organisations.school_import import school_import_apply, school_import_check


def _schools_check(*, job, files, progress):
    return school_import_check(
        la=job.la, content=files[""], groups=files.get("groups") or None, progress=progress
    )


class CalendarChecked(ImportResult):
    """A term-dates check as every import reports it: its terms and days to add."""

    checked = None


def _calendar_check(*, job, files, progress) -> CalendarChecked:
    progress(0, 1)
    checked = calendar_import_check(la=job.la, content=files[""])
    result = CalendarChecked(errors=list(checked.errors))
    result.checked = checked
    result.added = len(checked.terms) + len(checked.days)
    progress(1, 1)
    return result


def _calendar_summary(result: CalendarChecked) -> str:
    terms, days = len(result.checked.terms), len(result.checked.days)
    return (
        f"{terms} term{'s' if terms != 1 else ''} and "
        f"{days} non-school day{'s' if days != 1 else ''}"
    )


SCHOOLS = ImportKind(
    name="schools",
    title="Import schools",
    start_url="organisations:school_import",
    done_url="organisations:school_list",
    done_label="Go to schools",
    permissions=("organisations.add_school",),
    check=_schools_check,
    apply=written_after_check(
        _schools_check, lambda *, job, checked: school_import_apply(la=job.la, checked=checked)
    ),
    extras=("groups",),
    # The register's whole establishments file is about 60 MB.
    max_bytes=80 * 1024 * 1024,
)

TERM_DATES = ImportKind(
    name="term_dates",
    title="Import term dates",
    start_url="organisations:calendar_import",
    done_url="organisations:calendar",
    done_label="Go to term dates",
    permissions=("organisations.add_term",),
    check=_calendar_check,
    apply=written_after_check(
        _calendar_check,
        lambda *, job, checked: calendar_import_apply(la=job.la, checked=checked.checked),
    ),
    max_bytes=1_000_000,
    confirm=False,
    summary=_calendar_summary,
    button="Check and import",
)


def register() -> None:
    import_kind_register(SCHOOLS)
    import_kind_register(TERM_DATES)
