"""The "whose turn is it" ranking, on hand-made ledgers."""

from cases.fair_access.ledger import LedgerRow, rank


def row(school_id, name, size, taken=0, **extra):
    return LedgerRow(school_id, name, size, fair_access=taken, **extra)


def names(recommendations):
    return [r.row.name for r in recommendations]


def test_the_school_furthest_below_its_share_comes_first_with_its_reason_in_words():
    ranked = rank(
        [row(1, "Ashby High", 1000, taken=1), row(2, "Brook Academy", 1600, taken=11)],
        "Year 9",
    )
    assert names(ranked) == ["Ashby High", "Brook Academy"]
    # 13 children with this one; Ashby is 1000 of 2600 pupils: a share of 5, and it took 1.
    assert ranked[0].reason == "took 1 of the last 12 placements in Year 9; 4 below its share"
    assert ranked[1].reason == "took 11 of the last 12 placements in Year 9; 3 above its share"
    assert [r.rank for r in ranked] == [1, 2]


def test_size_weights_the_share():
    ranked = rank(
        [
            row(1, "Small", 400, taken=1),
            row(2, "Large", 1600, taken=2),
            row(3, "Middle", 1000, taken=2),
        ],
        "Year 7",
    )
    # Shares of 6: Small 0.8 (-0.2), Large 3.2 (+1.2), Middle 2.0 (0.0).
    assert names(ranked) == ["Large", "Middle", "Small"]
    assert ranked[1].reasons[1] == "at its share"


def test_every_kind_of_admission_counts_towards_what_a_school_has_taken():
    busy = LedgerRow(1, "Busy", 1000, fair_access=1, excluded_admitted=2, vulnerable_admitted=1)
    quiet = LedgerRow(2, "Quiet", 1000, fair_access=2)
    ranked = rank([busy, quiet], "Year 10")
    assert names(ranked) == ["Quiet", "Busy"]
    assert ranked[1].reasons[0] == "took 4 of the last 6 placements in Year 10"


def test_ties_go_to_the_school_that_refused_then_the_one_with_places_then_by_name():
    ranked = rank(
        [
            row(1, "Cedar", 900, taken=1, places_free=5),
            row(2, "Birch", 900, taken=1, places_free=2),
            row(3, "Alder", 900, taken=1, places_free=2),
            row(4, "Elm", 900, taken=1, refusals=1, places_free=0),
        ],
        "Year 8",
    )
    assert names(ranked) == ["Elm", "Cedar", "Alder", "Birch"]
    assert "refused 1 Fair Access place" in ranked[0].reasons


def test_a_school_that_refused_does_not_move_down_the_list():
    refused = row(1, "Refuser", 1000, taken=0, refusals=2, refused_this_child=True)
    other = row(2, "Other", 1000, taken=1)
    ranked = rank([other, refused], "Year 9")
    assert names(ranked) == ["Refuser", "Other"]
    assert ranked[0].reason == (
        "took 0 of the last 1 placements in Year 9; 1 below its share; "
        "refused 2 Fair Access places; refused this child"
    )


def test_a_full_school_still_takes_its_turn():
    full = row(1, "Full School", 1200, taken=0, places_free=0)
    spare = row(2, "Spare Places", 1200, taken=3, places_free=30)
    ranked = rank([spare, full], "Year 9")
    assert names(ranked) == ["Full School", "Spare Places"]
    assert "no places in Year 9 (full schools still take part)" in ranked[0].reasons
    assert "30 places free in Year 9" in ranked[1].reasons


def test_the_pupils_own_district_is_named_but_does_not_change_the_order():
    ranked = rank(
        [row(1, "Near", 1000, taken=2, district="NM4"), row(2, "Far", 1000, taken=0)],
        "Year 9",
        home_district="NM4",
    )
    assert names(ranked) == ["Far", "Near"]
    assert "in the pupil's own district, NM4" in ranked[1].reasons


def test_an_empty_ledger_ranks_the_largest_school_first():
    ranked = rank([row(1, "Small", 300), row(2, "Big", 1500)], "Year 7")
    assert names(ranked) == ["Big", "Small"]
    assert ranked[0].reasons[0] == "took 0 of the last 0 placements in Year 7"
