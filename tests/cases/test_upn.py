import pytest
from django.core.exceptions import ValidationError

from cases.pupils.identifiers import upn_is_temporary, upn_validator
from organisations.la_codes import LaCode, la_codes_record, load_shipped
from tests.factories import make_upn

# A UPN's LA code is looked up in the register's list the project keeps (a table).
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "upn",
    [
        "B801200005001",  # python-stdnum's worked example
        "P207000016049",  # Arbor's example, with its check letter put right
        make_upn("929", 17),
        make_upn("929", 17, temporary=True),
        " b801200005001 ",  # spaces and lower case are tidied
    ],
)
def test_valid_upns_pass(upn):
    upn_validator(upn)


@pytest.mark.parametrize(
    ("upn", "code"),
    [
        ("Q207000016049", "upn_check_letter"),  # Arbor's published example: wrong letter
        ("A801200005001", "upn_check_letter"),
        ("E000200005001", "upn_la_code"),  # 000 is no LA
        ("B999200005001", "upn_la_code"),
        ("B80120000500", "upn_length"),
        ("B8012000050011", "upn_length"),
        ("B80120A005001", "upn_format"),
        ("", "upn_length"),
    ],
)
def test_invalid_upns_fail_with_a_plain_reason(upn, code):
    with pytest.raises(ValidationError) as error:
        upn_validator(upn)
    assert error.value.code == code


def test_temporary_upns_end_in_a_letter():
    assert upn_is_temporary(make_upn("929", 3, temporary=True))
    assert not upn_is_temporary(make_upn("929", 3))


@pytest.mark.parametrize("code", ["838", "839", "940", "941", "942", "943"])
def test_upns_of_the_authorities_made_since_2019_pass(code):
    # python-stdnum's table (2011) refused these; the shipped register list has them.
    upn_validator(make_upn(code, 21))


def test_an_la_code_the_register_adds_is_accepted_from_then_on():
    upn = make_upn("944", 25)
    with pytest.raises(ValidationError) as error:
        upn_validator(upn)
    assert error.value.code == "upn_la_code"
    # A new authority appears in the DfE register's next file: its school import records it.
    assert la_codes_record([("944", "A new unitary authority"), ("x1", "not a code")]) == 1
    upn_validator(upn)
    assert LaCode.objects.get(code="944").name == "A new unitary authority"


def test_a_closed_authoritys_code_stays_valid_for_its_pupils():
    # Northamptonshire (928) closed in April 2021; its pupils keep their UPNs for life. (The
    # migration loads the shipped list; a transactional test elsewhere may have emptied it.)
    load_shipped()
    assert not LaCode.objects.get(code="928").open
    upn_validator(make_upn("928", 12))
