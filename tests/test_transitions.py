"""Every model with a status moves through approvision.records.transition, by its allowed-moves
table (house style 4): the table is complete, and an illegal move is refused with nothing saved."""

from datetime import date

import pytest
from django.apps import apps

from approvision.records import Refused, state_field, stateful_models, transition
from cases.exclusions.models import Exclusion
from cases.exclusions.services import exclusion_transition
from tests.factories import record_exclusion

# The models with a status field, named here so that a new one must be added to the table too.
EXPECTED = {
    "cases.Task",
    "cases.Exclusion",
    "cases.Referral",
    "cases.FairAccessCase",
    "cases.Message",
    "placements.Placement",
    "placements.PupilMove",
    "placements.ReintegrationPlan",
    "panels.PanelMeeting",
    "panels.AgendaItem",
    "reports.Report",
    "organisations.ImportJob",
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def test_every_model_with_a_status_has_an_allowed_moves_table():
    with_status = {
        _label(model)
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        and any(f.name in ("state", "status") and f.choices for f in model._meta.fields)
    }
    assert with_status | {"placements.PupilMove"} == EXPECTED
    assert {_label(model) for model in stateful_models()} == EXPECTED


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_the_table_names_every_state_and_only_real_ones(label):
    model = apps.get_model(label)
    states = {value for value, _ in model._meta.get_field(state_field(model)).choices}
    if label == "placements.PupilMove":
        states.add("")  # open: no outcome yet
    assert set(model.MOVES) == states
    for targets in model.MOVES.values():
        assert set(targets) <= states


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_an_illegal_move_is_refused_and_nothing_is_saved(label, monkeypatch):
    model = apps.get_model(label)
    field = state_field(model)
    # A state that is final (no moves out of it), and a target it may not reach.
    final = next(state for state, targets in model.MOVES.items() if not targets)
    target = next(state for state in model.MOVES if state != final)
    record = model(**{field: final})
    saved = []
    monkeypatch.setattr(record, "save", lambda *a, **k: saved.append(True))
    with pytest.raises(Refused) as refusal:
        transition(record, target, by=None, reason="Testing")
    assert "cannot become" in str(refusal.value)
    assert getattr(record, field) == final
    assert saved == []


def test_a_move_records_who_made_it_and_why_in_the_records_history(demo):
    pex = record_exclusion(
        by=demo["senco"],
        pupil=demo["pupil"],
        school=demo["school"],
        kind=Exclusion.Kind.PERMANENT,
        end_date=None,
        sessions=None,
    )
    moved = exclusion_transition(
        exclusion=pex,
        to=Exclusion.State.UPHELD,
        by=demo["senco"],
        on=date(2026, 11, 12),
        version=pex.version,
        note="The board met on 12 November",
    )
    last = moved.history.order_by("-history_id").first()
    assert last.state == Exclusion.State.UPHELD
    assert last.history_user == demo["senco"]
    assert last.history_change_reason == "The board met on 12 November"
    assert moved.version == pex.version + 1
