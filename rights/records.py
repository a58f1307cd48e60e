"""Which records are about a pupil: found from the models' foreign keys, so a new model that
refers to a pupil (directly or through a referral, a placement, an exclusion...) is covered by
the subject access export and by retention without anyone remembering to add it."""

from functools import cache

from django.apps import apps
from django.db.models import Q

# Models that refer to a pupil but are not personal data about them, and why.
NOT_PERSONAL_DATA = {
    "cases.PupilGroupObjectPermission": (
        "a technical permission row saying which provider may open the record; no data about "
        "the child (deleted with the pupil)"
    ),
}


def _links(model):
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)
    ]


@cache
def pupil_models() -> list[tuple[type, tuple[str, ...]]]:
    """Every model holding data about a pupil, with each lookup path from it to the pupil, the
    pupil first (its path is "pk")."""
    pupil = apps.get_model("cases", "Pupil")
    paths: dict[type, set[str]] = {pupil: {""}}
    for _ in range(6):  # records lie at most a few links from a pupil
        for model in apps.get_models():
            if model is pupil or model.__name__.startswith("Historical"):
                continue
            for field in _links(model):
                if field.related_model is model:
                    continue  # a record pointing at another of its kind (a message's summary)
                for path in paths.get(field.related_model, ()):
                    paths.setdefault(model, set()).add(
                        f"{field.name}__{path}" if path else field.name
                    )
    # By the longest path: a record is always after every record it points to, so deleting in
    # reverse order never meets a protected reference.
    ordered = sorted(paths.items(), key=lambda item: max(p.count("__") for p in item[1]))
    return [
        (model, tuple(sorted(found)) if model is not pupil else ("pk",)) for model, found in ordered
    ]


def records_of(model, paths, pupil_ids) -> Q:
    query = Q()
    for path in paths:
        if path == "pk":
            query |= Q(pk__in=pupil_ids)
        else:
            query |= Q(**{f"{path}__in": pupil_ids})
    return query


def label(model) -> str:
    return model._meta.label


def history_model(model):
    """The simple_history table of a model, if it keeps one."""
    history = getattr(model, "history", None)
    return getattr(history, "model", None)
