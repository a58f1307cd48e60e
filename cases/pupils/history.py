"""Each record's history of changes, for people: who, when, and what changed from what."""

from django.core.exceptions import FieldDoesNotExist

HIDDEN_FIELDS = {"version"}


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


def _shown(value) -> str:
    if value in (None, ""):
        return "blank"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "strftime"):
        return f"{value:%-d %B %Y}"
    return str(value)


def history_entries(records) -> list[dict]:
    """Newest first, as the records come (order a history queryset newest first)."""
    records = list(records)
    if not records:  # bulk-loaded (migrated) records have no history rows
        return []
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        model = newer.instance_type
        if older is None or newer.history_type == "+":
            changes = []
        else:
            changes = [
                (_label(model, change.field), _shown(change.old), _shown(change.new))
                for change in newer.diff_against(older).changes
                if change.field not in HIDDEN_FIELDS
            ]
        user = newer.history_user
        entries.append(
            {
                "when": newer.history_date,
                "who": user.display_name if user else "The system",
                "what": {"+": "Created", "~": "Changed", "-": "Deleted"}[newer.history_type],
                "changes": changes,
            }
        )
    return entries
