"""The pupils and exclusions in an LA's scope, kept by the database (cases.pupils.counts, cases
0016): whatever writes the rows, the kept count is what `visible_to` would count, and the API
reads it instead of counting 200,000 pupils on every page."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.exclusions.models import Exclusion
from cases.pupils.counts import LaCount, la_count, la_counts_compact, scope_kept_count
from cases.pupils.models import Pupil
from cases.pupils.services import pupil_update
from cases.tasks import la_counts_compact_task
from tests.factories import PupilFactory, enrol, record_exclusion

PUPILS, EXCLUSIONS = LaCount.Subject.PUPILS, LaCount.Subject.EXCLUSIONS


@pytest.fixture
def pupils(world):
    """Three pupils of the home LA (one living in the other LA) and one of the other LA; the
    one living elsewhere suspended twice, another once."""
    home, other = world["home"], world["other"]
    at_home = [PupilFactory(la=home) for _ in range(2)]
    lives_elsewhere = PupilFactory(la=home, home_la=other)
    of_other = PupilFactory(la=other)
    for pupil in (*at_home, lives_elsewhere):
        enrol(pupil, world["academy"])
    school_staff = world["users"]["school_staff"]
    for day in (date(2026, 10, 21), date(2026, 11, 4)):
        record_exclusion(
            by=school_staff, pupil=lives_elsewhere, school=world["academy"], start_date=day,
            end_date=day,
        )  # fmt: skip
    record_exclusion(by=school_staff, pupil=at_home[0], school=world["academy"])
    return {"at_home": at_home, "lives_elsewhere": lives_elsewhere, "of_other": of_other}


def counts(world):
    return {
        (la, subject): la_count(subject=subject, la_id=world[la].pk)
        for la in ("home", "other")
        for subject in (PUPILS, EXCLUSIONS)
    }


def test_each_la_counts_its_pupils_and_those_living_in_it(world, pupils):
    # Home: its three pupils. Other: its own pupil and the one living there (on home's roll).
    # Exclusions: home recorded 3 (2 of the pupil living in the other LA, 1 of another); the
    # other LA sees the 2 of the pupil who lives there.
    assert counts(world) == {
        ("home", PUPILS): 3,
        ("home", EXCLUSIONS): 3,
        ("other", PUPILS): 2,
        ("other", EXCLUSIONS): 2,
    }


def test_a_change_of_home_la_moves_the_pupil_and_their_exclusions_between_the_counts(world, pupils):
    moving = pupils["lives_elsewhere"]
    officer = world["users"]["la_officer"]
    pupil_update(pupil=moving, by=officer, version=moving.version, home_la=None)
    # They live in the home LA now: the other LA keeps only its own pupil, and no exclusions.
    assert counts(world) == {
        ("home", PUPILS): 3,
        ("home", EXCLUSIONS): 3,
        ("other", PUPILS): 1,
        ("other", EXCLUSIONS): 0,
    }
    # A record moved to the other LA altogether (its LA and home LA both the other).
    Pupil.objects.filter(pk=pupils["at_home"][0].pk).update(la=world["other"])
    assert counts(world) == {
        ("home", PUPILS): 2,
        ("home", EXCLUSIONS): 2,
        ("other", PUPILS): 2,
        ("other", EXCLUSIONS): 1,
    }


def test_updates_that_move_nothing_add_no_rows_and_deletes_count_down(world, pupils):
    before = LaCount.objects.count()
    Pupil.objects.filter(la=world["home"]).update(legal_last_name="Renamed")
    Exclusion.objects.update(decided_by="Mr K Osei, headteacher")
    assert LaCount.objects.count() == before
    # A bulk insert counts too (the generator's way), as one row an LA.
    Pupil.objects.bulk_create([PupilFactory.build(la=world["other"]) for _ in range(5)])
    assert LaCount.objects.count() == before + 1
    assert la_count(subject=PUPILS, la_id=world["other"].pk) == 2 + 5
    Exclusion.objects.filter(pupil=pupils["lives_elsewhere"]).delete()
    pupils["lives_elsewhere"].delete()
    assert counts(world) == {
        ("home", PUPILS): 2,
        ("home", EXCLUSIONS): 1,
        ("other", PUPILS): 6,
        ("other", EXCLUSIONS): 0,
    }


def test_compacting_folds_each_las_rows_into_one_and_keeps_the_sums(world, pupils):
    kept = counts(world)
    assert LaCount.objects.count() > 4
    # Three subjects-and-LAs with a count left; the other LA's exclusions, 2, are one of them.
    assert la_counts_compact() == 4
    assert counts(world) == kept
    assert la_counts_compact() == 4


def test_the_kept_count_is_what_visible_to_counts_for_every_role(world, pupils):
    for name, user in world["users"].items():
        for model, subject in ((Pupil, PUPILS), (Exclusion, EXCLUSIONS)):
            kept = scope_kept_count(user, subject)
            if name in ("la_officer", "panel_member", "other_la_officer"):
                assert kept == model.objects.visible_to(user).count(), (name, subject)
            else:
                # Every other role's scope is counted, not kept.
                assert kept is None, (name, subject)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/api/v1/pupils/", 3), ("/api/v1/exclusions/", 3), ("/api/v1/pupils/?page_size=2", 3)],
)
def test_the_api_gives_an_las_whole_list_its_kept_count_without_counting(
    world, pupils, sign_in, path, expected
):
    client = sign_in(world["users"]["la_officer"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert response.json()["count"] == expected
    assert not [q for q in captured if "COUNT(*)" in q["sql"]]


def test_a_filtered_api_list_or_another_roles_is_counted(world, pupils, sign_in):
    officer = sign_in(world["users"]["la_officer"])
    with CaptureQueriesContext(connection) as captured:
        response = officer.get(f"/api/v1/exclusions/?pupil={pupils['lives_elsewhere'].pk}")
    assert response.json()["count"] == 2
    assert [q for q in captured if "COUNT(*)" in q["sql"]]
    # The academy's staff see its three pupils' records: counted through their own scope.
    staff = sign_in(world["users"]["school_staff"])
    assert staff.get("/api/v1/pupils/").json()["count"] == 3
    # Paging past the last page is still a 404, as the count says.
    assert officer.get("/api/v1/pupils/?page=2").status_code == 404
    last = officer.get("/api/v1/pupils/?page_size=2&page=2").json()
    assert last["count"] == 3 and len(last["results"]) == 1 and last["next"] is None


def test_compacting_runs_nightly_as_a_task(world, pupils, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["la-counts-compact"]
    assert entry["task"] == la_counts_compact_task.name
    kept = counts(world)
    assert la_counts_compact_task.delay().get() == 4
    assert counts(world) == kept
