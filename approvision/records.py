"""What every versioned record shares: the refusal a service raises, the stale-version check under
a row lock, and the one way a record's status changes.

House style, "Where logic lives" 4: statuses are TextChoices with an allowed-moves table, and every
state change of every model goes through `transition()`, which refuses an illegal move and records
who, when and why (in the record's history: django-simple-history keeps `_history_user` and
`_change_reason` with the time of the change). A model takes part by declaring

    MOVES = {State.A: (State.B, State.C), State.B: (), ...}   # every state, even the final ones
    STATE_FIELD = "state"                                     # or "status", "outcome"
"""

from django.db import models


class Refused(Exception):
    """A request the rules refuse; the message says why, in words for the person who asked, and
    `field` names the form field or API field it belongs to (None: the request as a whole)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field
        self.errors = {field: message}

    @classmethod
    def all_of(cls, errors: dict[str | None, str]) -> "Refused":
        """One refusal for several fields at once, so a person sees every missing answer in one
        go (the GOV.UK error summary lists them all), not one per submit."""
        field, message = next(iter(errors.items()))
        refused = cls(message, field=field)
        refused.errors = dict(errors)
        return refused


class StorageUnavailable(Refused):
    """A file could not be stored because the object store did not answer: nothing was kept."""

    def __init__(self, *, field: str | None = None):
        super().__init__(
            "The document store is not answering, so the file was not kept. "
            "Try again in a few minutes.",
            field=field,
        )


class StaleVersion(Refused):
    """The person acted on a copy someone else has changed since (security bar: no lost updates)."""

    def __init__(self):
        super().__init__(
            "Someone else changed this record while you were looking at it. "
            "Check the latest version and try again."
        )


def lock_current(queryset, pk: int, version: int | None):
    """Lock a versioned row for this change, refusing it if someone changed it since the user
    saw `version` (None: no check). Only the row itself is locked, so nullable joins are fine."""
    locked = queryset.select_for_update(of=("self",)).get(pk=pk)
    if version is not None and locked.version != version:
        raise StaleVersion()
    return locked


def state_field(model) -> str:
    return getattr(model, "STATE_FIELD", "state")


def state_label(model, value: str) -> str:
    """A state in words, as the model's choices name it ("" is the open state of a record whose
    status is its outcome)."""
    choices = dict(model._meta.get_field(state_field(model)).choices or ())
    return str(choices.get(value, "open")).lower()


def can_move(obj: models.Model, to: str) -> bool:
    """Whether the allowed-moves table lets `obj` go to `to` from where it is, and the model's own
    single-row rule (`move_rule`, where it has one) agrees."""
    current = getattr(obj, state_field(type(obj)))
    if to not in type(obj).MOVES.get(current, ()):
        return False
    rule = getattr(obj, "move_rule", None)
    return rule(to) if rule else True


class Stateful:
    """For models with a status: what a template or a view may ask of a record's next moves."""

    def can_move_to(self, state: str) -> bool:
        return can_move(self, state)

    def allowed_moves(self) -> list[str]:
        current = getattr(self, state_field(type(self)))
        return [s for s in type(self).MOVES.get(current, ()) if can_move(self, s)]


def save_versioned(obj: models.Model, *fields: str, by=None, reason: str = "") -> models.Model:
    """Save a change to a versioned record that is not a move of its status: the named `fields`
    (every field when none are named) and the next version, with who and why in its history."""
    obj.version += 1
    if by is not None:  # otherwise simple-history takes the request's user, if there is one
        obj._history_user = by
    if reason:
        obj._change_reason = reason[:100]
    obj.save(update_fields=[*fields, "version"] if fields else None)
    return obj


def check_move(obj: models.Model, to: str) -> None:
    """Refuse, in words, a move the allowed-moves table (or the model's own rule) does not allow."""
    if not can_move(obj, to):
        model = type(obj)
        name = model._meta.verbose_name
        article = "An" if name[:1].lower() in "aeiou" else "A"
        current = getattr(obj, state_field(model))
        raise Refused(
            f"{article} {name} that is “{state_label(model, current)}” cannot become "
            f"“{state_label(model, to)}”"
        )


def transition(obj: models.Model, to: str, *, by, reason: str = "", **changes) -> models.Model:
    """Move `obj` to the state `to` if its model's MOVES allow it from the current state, with the
    other field `changes` that go with the move, and save it (bumping `version` where the model
    keeps one). Who and why go into the record's history row. Refused with nothing saved if the move
    is not allowed. The caller holds the row lock (lock_current) and runs in its transaction."""
    model = type(obj)
    current = getattr(obj, state_field(model))
    check_move(obj, to)
    setattr(obj, state_field(model), to)
    for name, value in changes.items():
        setattr(obj, name, value)
    if hasattr(obj, "version"):
        obj.version += 1
    # Read by django-simple-history when it writes the history row for this save (with no `by`,
    # a task's move, it takes the request's user if there is one).
    if by is not None:
        obj._history_user = by
    why = reason or f"{state_label(model, current)} to {state_label(model, to)}"
    obj._change_reason = why[:100]
    obj.save()
    return obj


def stateful_models() -> list[type[models.Model]]:
    """Every installed model with a status: for the test that each has a complete MOVES table."""
    from django.apps import apps

    return [model for model in apps.get_models() if hasattr(model, "MOVES")]
